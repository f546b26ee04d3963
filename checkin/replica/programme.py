"""The programme in the replica, as the attendee card reads it: a person's workshops of the
day and their B2B meetings of the day (small indexed reads); and the sessions a person
registered for through the platform's add-on products (:func:`names_session`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection

from checkin.base.text import fold
from checkin.replica import attendees


def sessions_of_day(conn: Connection, day: str, codes: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """(start, end, title, room) of the workshops ``codes`` held on ``day``, by start."""
    if not codes:
        return []
    marks = ",".join("?" * len(codes))
    rows = conn.exec_driver_sql(
        f"SELECT start, end, title, room FROM session WHERE day = ? AND code IN ({marks}) ORDER BY start",
        (day, *codes),
    ).all()
    return [(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def names_session(product: str, code: str, title: str) -> bool:
    """Whether an add-on product's name names the session ``code``: the code itself (``A3``),
    the code then a separator (``A3 – Jeunesse…``, never ``A30``), or the session's title —
    accent- and case-blind."""
    name, code = fold(product).strip(), fold(code).strip()
    if not name or not code:
        return False
    if name == code or (title and name == fold(title).strip()):
        return True
    return name.startswith(code) and not name[len(code)].isalnum()


def registered_by_addon(conn: Connection, uid: str, code: str, title: str) -> bool:
    """Whether the registration ``uid`` holds an add-on product naming the session (its
    ``entitlement`` rows, written by the import from the export's add-on positions)."""
    rows = conn.exec_driver_sql("SELECT product FROM entitlement WHERE uid = ?", (uid,)).all()
    return any(names_session(str(r[0]), code, title) for r in rows)


def meetings_of_day(conn: Connection, code: str, day: str) -> list[tuple[str, str, str]]:
    """(slot, table, the other person) of the meetings of the person with ``code`` on ``day``;
    the other person by name and organisation, or by code when unknown here."""
    rows = conn.exec_driver_sql(
        "SELECT m.slot, m.table_name, CASE WHEN m.code_a = ? THEN m.code_b ELSE m.code_a END"
        " FROM meeting m WHERE m.day = ? AND (m.code_a = ? OR m.code_b = ?) ORDER BY m.slot",
        (code, day, code, code),
    ).all()
    meetings = []
    for slot, table, other_code in rows:
        other = attendees.by_code(conn, str(other_code))
        other_name = f"{other.full_name} ({other.organisation})" if other else str(other_code)
        meetings.append((str(slot), str(table), other_name))
    return meetings
