"""Badges out of the window: the print bridge (the print queue's threads brought to the GUI),
the QPrinter back-end, and the printer's line in the status bar.

May import the shared frame (``checkin.ui.qt``, ``tasks``) and the layers below the ui
(``checkin.printing`` among them); not another feature folder.
"""
