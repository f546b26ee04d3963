"""Before the doors open: the pre-flight checks (``checks``: replica, hub, printers,
scanner, backups, disk, sound, the pretix link — ``pretixcheck`` — green or red, and what
to do) and the event file's preparation and check (``eventfile``).

Imports the layers below it (``reports``, ``printing``, ``sync``, ``pretix``, ``arrivals``,
``importer``, ``replica``, ``event``, ``base``); not ``rehearsal`` (its sibling), ``ui``,
``devtools`` or ``cli``.
"""
