"""Live sync in the window: the relay that brings the sync thread's state to the GUI, and
the sync line of the status bar.

May import the shared frame (``checkin.ui.qt``) and the layers below the ui; not another
feature folder.
"""
