"""The desk's local SQLite replica: the database and its migrations (``db``,
``migrations``), hybrid logical clocks (``hlc``), attendees and the facts recorded about
them (``attendees``, ``facts``), the one rule for who is expected and who is here
(``presence``), conflicts, the reports' dataset (``attendance``), backups (``backup``) and long work in a
process of its own (``apart``).

Imports ``checkin.event`` and ``checkin.base`` only.
"""
