"""The staff view: the live figures, the staff's tools (import, hub, reports, purge) and
their confirmations, the import preview, and the recovery of a damaged replica.

May import the shared frame (``checkin.ui.qt``, ``tasks``, ``widgets``, ``forms``,
``session``) and the layers below the ui; not another feature folder.
"""
