"""The reception desk window (PySide6). The only part of checkin that imports Qt, always
through :mod:`checkin.ui.qt`; nothing is imported from Qt when this package is imported.

At this level, the shared frame: ``qt`` (the only door to Qt), ``tasks`` (the thread pool),
``widgets`` and ``forms`` (small shared widgets), ``session`` (the desk's calls into the
core), ``crash``, ``instance``, ``status`` (the status bar), and the two that assemble:
``window`` (the desk window) and ``app`` (start-up). One folder per feature: ``scan/``,
``people/``, ``lead/``, ``staff/``, ``sync/``, ``printers/``, ``ready/``, ``rehearsal/``.

A feature folder imports the shared frame and the layers below the ui, never another feature
folder; only ``window``, ``app`` and ``rehearsal`` put features together.
"""
