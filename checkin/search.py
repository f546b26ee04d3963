"""Finding someone without a code: by name, organisation or e-mail, as you type.

The replica keeps folded copies of names, organisation and e-mail (accents, case, hyphens
and apostrophes folded the same way for every script) in an FTS5 index; each word typed
must start a word of the attendee's (in any order), so "de la roche" finds
"de La Rochefoucauld-Montbel" and "nguyen" finds "Nguyễn". Names weigh more than the
organisation, which weighs more than the e-mail.
"""

from __future__ import annotations

from checkin import attendees
from checkin.attendees import AttendeeView
from checkin.db import Replica
from checkin.text import words

MAX_TERMS = 8


def match_expression(text: str) -> str | None:
    """The FTS5 query for what was typed, or ``None`` when nothing searchable was typed."""
    terms = words(text)[:MAX_TERMS]
    if not terms:
        return None
    joined = "".join(terms)
    # Every word typed starts a word of the attendee's; a name typed without its
    # apostrophe or hyphen ("ndiaye", "oconnor") matches the joined form we index too.
    parts = [f'"{t}"*' for t in terms]
    expression = " AND ".join(parts)
    if len(terms) > 1:
        expression = f'({expression}) OR "{joined}"*'
    return expression


def find(replica: Replica, text: str, limit: int = 20) -> list[AttendeeView]:
    """Attendees matching ``text``, best first; one entry per person."""
    expression = match_expression(text)
    if expression is None:
        return []
    with replica.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT a.id FROM attendee_fts JOIN attendee a ON a.id = attendee_fts.rowid "
            "WHERE attendee_fts MATCH ? AND (a.live_uid = a.uid OR a.live_uid = '') "
            "ORDER BY bm25(attendee_fts, 10.0, 3.0, 1.0), a.last_name, a.first_name "
            "LIMIT ?",
            (expression, limit),
        ).all()
        return attendees.by_ids(conn, [r[0] for r in rows])
