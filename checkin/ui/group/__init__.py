"""A group welcomed as one: a delegation's or an order's members with their state, one
gesture to admit those present, their badges as one batch in the group's order.

May import the shared frame (``checkin.ui.qt``, ``tasks``, ``frame``) and the layers below
the ui; not another feature folder (the print queue comes from the window as a callable).
"""
