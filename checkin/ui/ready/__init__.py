"""Ready for the morning, in the staff view: the ready bar, the « Préparation » checks, the
paper arrivals screen.

May import the shared frame (``checkin.ui.qt``, ``tasks``, ``widgets``) and the layers below
the ui; not another feature folder.
"""
