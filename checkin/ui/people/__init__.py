"""One person: the search page, the attendee card, the forms about a person (undo or admit
with a note, fix a name, a walk-in) and the card's actions.

May import the shared frame (``checkin.ui.qt``, ``tasks``, ``widgets``, ``forms``,
``session``) and the layers below the ui; not another feature folder.
"""
