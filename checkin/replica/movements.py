"""Who is in which session: entries and exits as facts, occupancy, and a door's seat lease.

A door scan adds an ``enter`` fact (``value`` the session code, ``field`` the room) and an
exit scan an ``exit`` fact; like check-ins they are only ever added and travel to the hub
by UUID. A person's *latest* movement of the day says where they are: entering another
room checks them out of the one before, with no fact to write. A session that has ended
holds nobody (the door layer compares the clock with its end).

A ``lease`` fact (``value`` the session, ``data.seats``) is the number of seats a door may
hold: the people whose latest movement is an entry it recorded. See ARCHITECTURE.md,
*Rooms, doors and seat leases*, and :mod:`checkin.sync.leases`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection


@dataclass(frozen=True)
class Session:
    code: str
    title: str
    kind: str
    day: str
    start: str  # HH:MM, the event's local time
    end: str
    room: str

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class Movement:
    kind: str  # enter | exit
    session: str
    room: str
    desk: str
    desk_id: str
    at: str


_SESSION = 'SELECT code, title, kind, day, start, "end", room FROM session'


def session(conn: Connection, code: str) -> Session | None:
    row = conn.exec_driver_sql(_SESSION + " WHERE upper(code) = upper(?)", (code,)).first()
    return Session(*(str(v) for v in row)) if row else None


def sessions(conn: Connection, day: str | None = None) -> list[Session]:
    sql, params = (_SESSION + " WHERE day = ?", (day,)) if day else (_SESSION, ())
    return [
        Session(*(str(v) for v in r))
        for r in conn.exec_driver_sql(sql + " ORDER BY day, start, code", params)
    ]


def in_room(conn: Connection, room: str, day: str, hhmm: str, early_min: int = 15) -> Session | None:
    """The session the clock says is in ``room``: from ``early_min`` before its start to its
    end; of two, the one that started last (the next one's doors open before the end)."""
    return open_at(sessions(conn, day), room, hhmm, early_min)


def open_at(programme: list[Session], room: str, hhmm: str, early_min: int = 15) -> Session | None:
    """:func:`in_room` on a programme already read."""
    found = [s for s in programme if s.room.casefold() == room.casefold()]
    now = _minutes(hhmm)
    open_now = [s for s in found if _minutes(s.start) - early_min <= now < _minutes(s.end)]
    return max(open_now, key=lambda s: s.start) if open_now else None


def moves(conn: Connection, day: str) -> list[tuple[str, str, str, str]]:
    """The day's entries and exits, ``(person, kind, session, at)``, in the order they were made."""
    rows = conn.exec_driver_sql(
        "SELECT attendee_uid, kind, value, at FROM fact WHERE kind IN ('enter', 'exit') AND day = ? "
        "ORDER BY hlc, id",
        (day,),
    )
    return [(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def ended(s: Session, hhmm: str) -> bool:
    return _minutes(hhmm) >= _minutes(s.end)


def _minutes(hhmm: str) -> int:
    hours, _sep, minutes = hhmm.partition(":")
    return int(hours) * 60 + int(minutes or 0)


def latest(conn: Connection, uid: str, day: str) -> Movement | None:
    row = conn.exec_driver_sql(
        "SELECT kind, value, field, desk, desk_id, at FROM fact WHERE kind IN ('enter', 'exit') "
        "AND day = ? AND attendee_uid = ? ORDER BY hlc DESC LIMIT 1",
        (day, uid),
    ).first()
    return Movement(*(str(v) for v in row)) if row else None


# The people whose latest movement of the day is an entry into one session: those who
# entered it (the index on kind, day, value), each one's latest movement checked (the index
# on the person) — never the day's other movements.
_INSIDE = """SELECT count(*) FROM (
    SELECT DISTINCT attendee_uid AS uid FROM fact WHERE kind = 'enter' AND day = ? AND value = ?) AS e
    WHERE EXISTS (SELECT 1 FROM (
        SELECT kind, value, desk_id FROM fact AS f WHERE f.attendee_uid = e.uid
        AND f.kind IN ('enter', 'exit') AND f.day = ? ORDER BY f.hlc DESC LIMIT 1) AS l
        WHERE l.kind = 'enter' AND l.value = ? {mine})"""


def inside(conn: Connection, code: str, day: str) -> int:
    """People whose latest movement of the day is an entry into session ``code``."""
    sql = _INSIDE.format(mine="")
    return int(conn.exec_driver_sql(sql, (day, code, day, code)).scalar_one())


def usage(conn: Connection, code: str, day: str, desk_id: str) -> int:
    """The seats door ``desk_id`` holds: people whose latest movement is an entry it
    recorded. Never below the truth on this desk (it knows every entry it made)."""
    sql = _INSIDE.format(mine="AND l.desk_id = ?")
    return int(conn.exec_driver_sql(sql, (day, code, day, code, desk_id)).scalar_one())


def admitted(conn: Connection, code: str) -> int:
    """Distinct people who entered the session at least once."""
    return int(
        conn.exec_driver_sql(
            "SELECT count(DISTINCT attendee_uid) FROM fact WHERE kind = 'enter' AND value = ?", (code,)
        ).scalar_one()
    )


def lease(conn: Connection, code: str, desk_id: str) -> int | None:
    """This door's latest seat lease for the session, if it ever had one."""
    row = conn.exec_driver_sql(
        "SELECT data FROM fact WHERE kind = 'lease' AND value = ? AND desk_id = ? ORDER BY hlc DESC LIMIT 1",
        (code, desk_id),
    ).first()
    return int(json.loads(str(row[0]))["seats"]) if row else None


def has_hub(conn: Connection) -> bool:
    """The desk has exchanged with a hub: other doors may share its rooms."""
    return conn.exec_driver_sql("SELECT 1 FROM meta WHERE key LIKE 'sync.pu%' LIMIT 1").first() is not None
