"""Finding someone without a code: by name, organisation or e-mail, as you type.

The replica keeps folded copies of names, organisation and e-mail (accents, case, hyphens
and apostrophes folded the same way for every script) in an FTS5 index; each word typed
must start a word of the attendee's (in any order), so "de la roche" finds
"de La Rochefoucauld-Montbel" and "nguyen" finds "Nguyễn". Names weigh more than the
organisation, which weighs more than the e-mail.
"""

from __future__ import annotations

from checkin.base.text import fold, words
from checkin.replica import attendees
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica

MAX_TERMS = 8


def _terms(text: str) -> list[str]:
    """The words typed; a lone letter beside longer words (the "d" of "d'Estaing", the
    "l" of "ville de l'", the "d" of "jean d" still being typed) is dropped: as a prefix
    it matches a good part of the index and narrows little that the next keystroke
    will not."""
    terms = words(text)[:MAX_TERMS]
    longer = [t for t in terms if len(t) > 1]
    return longer or terms


def match_expression(text: str) -> str | None:
    """The FTS5 query for what was typed, or ``None`` when nothing searchable was typed."""
    terms = _terms(text)
    if not terms:
        return None
    joined = "".join(terms)
    # Every word typed starts a word of the attendee's; a name typed without its
    # apostrophe or hyphen ("ndiaye", "oconnor") matches the joined form we index too.
    parts = [f'"{t}"*' for t in terms]
    expression = " AND ".join(parts)
    if len(terms) > 1 and all(len(t) == 1 for t in terms):
        return f'"{joined}"*'  # "d'E", "N'D": initials of one word, not two words
    if len(terms) > 1:
        expression = f'({expression}) OR "{joined}"*'
    return expression


CANDIDATES = 200
BROAD = 2000


def find(replica: Replica, text: str, limit: int = 20) -> list[AttendeeView]:
    """Attendees matching ``text``, best first; one entry per person.

    Matches on the name come first, then on the organisation, then on the e-mail. Among
    name matches, a typed word equal to one of the person's name words ranks first, then
    surnames before first names, then alphabetical order. BM25 is avoided on purpose: it
    scores every match, and a short prefix at 100,000 attendees matches thousands.
    """
    expression = match_expression(text)
    if expression is None:
        return []
    terms = _terms(text)
    found: list[int] = []
    with replica.read() as conn:
        # Last, words spread over several fields ("dupont lyon": a name and a city).
        columns = (
            ("search_names", "search_org", "search_email", "")
            if len(terms) > 1
            else ("search_names", "search_org", "search_email")
        )
        for column in columns:
            if len(found) >= limit:
                break
            query = f"{{{column}}} : ({expression})" if column else expression
            # A broad prefix ("ma" at 100,000 attendees) matches thousands: sorting them all
            # costs more than the answer is worth, so beyond BROAD matches we rank the first
            # candidates the index gives and let the next keystroke narrow the list.
            broad = (
                conn.exec_driver_sql(
                    "SELECT count(*) FROM (SELECT 1 FROM attendee_fts WHERE attendee_fts MATCH ? LIMIT ?)",
                    (query, BROAD + 1),
                ).scalar_one()
                > BROAD
            )
            order = "" if broad else "ORDER BY a.last_name, a.first_name"
            rows = conn.exec_driver_sql(
                "SELECT a.id, a.search_names, a.last_name, a.first_name FROM attendee a "
                "WHERE a.id IN (SELECT rowid FROM attendee_fts WHERE attendee_fts MATCH ? LIMIT ?) "
                f"AND (a.live_uid = a.uid OR a.live_uid = '') {order} LIMIT ?",
                (query, BROAD if broad else -1, CANDIDATES),
            ).all()
            fresh = [r for r in rows if r[0] not in found]
            if broad:
                fresh.sort(key=lambda r: (fold(r[2]), fold(r[3])))
            if column == "search_names":
                fresh.sort(key=lambda r: _name_rank(terms, r[1], r[2]))
            found.extend(r[0] for r in fresh)
        return attendees.by_ids(conn, found[:limit])


def _name_rank(terms: list[str], indexed: str, last_name: str) -> tuple[int, int]:
    names = indexed.split()
    surname = words(last_name)
    exact = sum(1 for t in terms if t in names)
    on_surname = sum(1 for t in terms if any(w.startswith(t) for w in surname))
    return (-exact, -on_surname)
