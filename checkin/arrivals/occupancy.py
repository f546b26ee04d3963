"""How full each room is now: what a door shows above its answers and what the staff's
occupancy view draws as bars.

A room's count is the count of the session the clock says is in it
(:func:`checkin.replica.movements.in_room`); a room with no session now holds nobody. The
capacity is the event file's (``[[rooms]]``); a room the programme names but the event file
does not has none (no bar, no ``full``). ``share`` is this door's seat lease when a hub
shares the room between doors.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.base.text import fold
from checkin.event.model import EventConfig
from checkin.replica import movements
from checkin.replica.db import Replica
from checkin.replica.movements import Session


@dataclass(frozen=True)
class RoomNow:
    room: str
    capacity: int | None
    session: Session | None
    inside: int = 0
    share: int | None = None
    next: Session | None = None  # while no session holds the room: the next one today

    @property
    def ratio(self) -> float | None:
        """inside / capacity, ``None`` without a capacity (may pass 1.0: a lead's admission)."""
        return self.inside / self.capacity if self.capacity else None


def at_door(
    replica: Replica, event: EventConfig, room: str, target: Session | None, day: str, hhmm: str = "00:00"
) -> RoomNow:
    """What a door of ``room`` shows while it serves ``target`` (none: the next session)."""
    known = event.rooms.room(room)
    capacity = known.capacity if known else None
    if target is None:
        with replica.read() as conn:
            later = [
                s for s in movements.sessions(conn, day) if fold(s.room) == fold(room) and s.start > hhmm
            ]
        return RoomNow(known.name if known else room, capacity, None, next=later[0] if later else None)
    with replica.read() as conn:
        inside = movements.inside(conn, target.code, day)
        share = movements.lease(conn, target.code, replica.desk_id) if movements.has_hub(conn) else None
    return RoomNow(known.name if known else room, capacity, target, inside, share)


def room_names(replica: Replica, event: EventConfig, day: str | None = None) -> list[str]:
    """The event file's rooms, then those only the programme names (of ``day``, or any)."""
    with replica.read() as conn:
        programme = movements.sessions(conn, day)
    names = [r.name for r in event.rooms.rooms]
    folded = {fold(n) for n in names}
    for s in programme:
        if fold(s.room) not in folded:
            names.append(s.room)
            folded.add(fold(s.room))
    return names


def door_room(replica: Replica, event: EventConfig, room: str) -> str:
    """The room a door is opened for, as the event file or the programme spells it."""
    for name in room_names(replica, event):
        if fold(name) == fold(room):
            return name
    raise KnownError(
        _(
            "Salle inconnue : « {room} ». Salles de l'événement : {names}.",
            room=room,
            names=", ".join(room_names(replica, event)) or "—",
        )
    )


def overview(replica: Replica, event: EventConfig, day: str, hhmm: str) -> list[RoomNow]:
    """Every room (:func:`room_names`) with the session in it at ``hhmm`` and who is inside."""
    names = room_names(replica, event, day)
    with replica.read() as conn:
        out = []
        for name in names:
            known = event.rooms.room(name)
            target = movements.in_room(conn, name, day, hhmm)
            inside = movements.inside(conn, target.code, day) if target else 0
            out.append(RoomNow(name, known.capacity if known else None, target, inside))
    return out


def _minutes(hhmm: str) -> int:
    hours, _sep, minutes = hhmm.partition(":")
    return int(hours) * 60 + int(minutes or 0)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def day_curves(
    replica: Replica, event: EventConfig, day: str, upto: str, step_min: int = 10
) -> dict[str, list[tuple[str, int]]]:
    """Each room's count through the day, one point every ``step_min`` minutes from half an
    hour before the first session to ``upto`` (now) or the last session's end: the doors'
    movements replayed on the venue's clock, the count of the session the room held then."""
    names = room_names(replica, event, day)
    with replica.read() as conn:
        programme = movements.sessions(conn, day)
        made = movements.moves(conn, day)
    if not programme:
        return {}
    first = (min(_minutes(s.start) for s in programme) - 30) // step_min * step_min
    last = min(max(_minutes(s.end) for s in programme), _minutes(upto))
    stamped = sorted(
        (_minutes(event.local(at).strftime("%H:%M")), n, uid, kind, code)
        for n, (uid, kind, code, at) in enumerate(made)
    )
    where: dict[str, str] = {}
    count: dict[str, int] = defaultdict(int)
    curves: dict[str, list[tuple[str, int]]] = {name: [] for name in names}
    i = 0
    for t in range(first, last + 1, step_min):
        while i < len(stamped) and stamped[i][0] <= t:
            _at, _n, uid, kind, code = stamped[i]
            before = where.pop(uid, None)
            if before:
                count[before] -= 1
            if kind == "enter":
                where[uid] = code
                count[code] += 1
            i += 1
        for name in names:
            s = movements.open_at(programme, name, _hhmm(t))
            curves[name].append((_hhmm(t), count[s.code] if s else 0))
    return curves
