"""The self-service kiosk: a full-screen, locked window of its own for an unattended laptop,
scanner and badge printer (``checkin kiosk``, or the desk setting ``kiosk``).

Like ``window.py`` it assembles existing pieces rather than being a feature of the desk
window: the burst filter and the sounds (``ui/scan``), the lead's lock (``ui/lead``), the
print bridge (``ui/printers``); the answer comes from ``checkin.arrivals.kiosk``. Nothing
of the desk window (search, lists, lead functions) is reachable from it.
"""
