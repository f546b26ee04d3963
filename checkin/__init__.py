"""checkin — the reception desk of a conference, offline first."""

__version__ = "0.1.0"
