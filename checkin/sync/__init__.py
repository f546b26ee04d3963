"""Desks and the hub: the hub's database (``hub``: an SQLite file or PostgreSQL), the
exchange of facts and registrations (``exchange``, ``merge``; ``apart``: the staff view's
exchange in a process of its own), the write slices and their
checkpoints (``slices``), imports into the hub (``hubimport``), live mode (``live``) and
the purge after the event (``purge``).

Imports ``checkin.importer`` (a hub import uses the desks' importer), ``checkin.replica``,
``checkin.event`` and ``checkin.base``; not ``checkin.printing`` (its sibling), never Qt.
"""
