"""Occupancy per session, for staff (``checkin sessions``).

From a desk's replica or from the hub (every desk's movements): each session with its
room's capacity, who is inside now (nobody once it has ended) and how many entered. A
session whose count went above its room's capacity is an over-count: the conflicts report
lists it (:func:`checkin.replica.conflicts.over_counts`; it should not happen with seat
leases, a lead's admission may cause it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text

from checkin.event.model import EventConfig
from checkin.replica import movements
from checkin.replica.db import Replica
from checkin.replica.movements import Session

_HUB_SESSIONS = 'SELECT code, title, kind, day, start, "end", room FROM hub_session ORDER BY day, start, code'
_HUB_MOVES = """SELECT value, kind, count(*) FROM (
    SELECT kind, value, row_number() OVER (PARTITION BY attendee_uid, day ORDER BY hub_hlc DESC) AS n
    FROM hub_fact WHERE kind IN ('enter', 'exit')) AS latest WHERE n = 1 GROUP BY value, kind"""
_HUB_ADMITTED = "SELECT value, count(DISTINCT attendee_uid) FROM hub_fact WHERE kind = 'enter' GROUP BY value"


def _row(ev: EventConfig, s: Session, inside: int, admitted: int, now: datetime) -> dict[str, Any]:
    room = ev.rooms.room(s.room)
    over = s.day < now.date().isoformat() or (
        s.day == now.date().isoformat() and movements.ended(s, now.strftime("%H:%M"))
    )
    return {
        "code": s.code,
        "title": s.title,
        "day": s.day,
        "room": s.room,
        "start": s.start,
        "end": s.end,
        "capacity": room.capacity if room else None,
        "inside": 0 if over else inside,
        "admitted": admitted,
    }


def _now(ev: EventConfig) -> datetime:
    return ev.local(datetime.now().astimezone().isoformat())


def from_replica(replica: Replica, ev: EventConfig, day: str | None = None) -> list[dict[str, Any]]:
    try:
        with replica.read() as conn:
            return [
                _row(ev, s, movements.inside(conn, s.code, s.day), movements.admitted(conn, s.code), _now(ev))
                for s in movements.sessions(conn, day)
            ]
    finally:
        replica.close()


def from_hub(url: str, ev: EventConfig, day: str | None = None) -> list[dict[str, Any]]:
    from checkin.sync.hub import open_hub

    hub = open_hub(url)
    try:
        with hub.read() as conn:
            found = [Session(*(str(v) for v in r)) for r in conn.execute(text(_HUB_SESSIONS))]
            inside = {str(v): int(n) for v, k, n in conn.execute(text(_HUB_MOVES)) if k == "enter"}
            admitted = {str(v): int(n) for v, n in conn.execute(text(_HUB_ADMITTED))}
    finally:
        hub.close()
    return [
        _row(ev, s, inside.get(s.code, 0), admitted.get(s.code, 0), _now(ev))
        for s in found
        if day is None or s.day == day
    ]
