"""The morning's peak replayed before the day (``checkin rehearse``): a workspace of its own
(``workspace``), the brief's arrival curve as a queue (``queueing``), real desk processes
driven by scanner key events (``run``, which starts ``checkin.ui.rehearsal.desk`` as child
processes by module name) and the organiser's report (``report``).

Imports the layers below it (``demo``, ``reports``, ``sync``, ``printing``, ``replica``,
``event``, ``base``); not ``preflight`` (its sibling), never Qt in this process.
"""
