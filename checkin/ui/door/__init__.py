"""The door of a room (``checkin desk --room NAME``) and the staff's occupancy view
(``checkin occupancy``): windows of their own, assembled like ``window.py`` from
``scan/burst``, ``scan/sounds`` and ``lead/lock`` around ``arrivals/rooms`` (the door
decision, the lead's forced admission) and ``arrivals/occupancy`` (who is in which room).
No SQL here: every read and write goes through those modules.
"""
