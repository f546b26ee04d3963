"""The lead's side: the PIN lock and idle relock, the lead's forms (reprint reason, desk
settings) and the lead's actions in the window.

May import the shared frame (``checkin.ui.qt``, ``tasks``, ``widgets``, ``forms``,
``session``) and the layers below the ui; not another feature folder.
"""
