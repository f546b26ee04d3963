"""How full each room is now: what a door shows above its answers and what the staff's
occupancy view draws as bars.

A room's count is the count of the session the clock says is in it
(:func:`checkin.replica.movements.in_room`); a room with no session now holds nobody. The
capacity is the event file's (``[[rooms]]``); a room the programme names but the event file
does not has none (no bar, no ``full``). ``share`` is this door's seat lease when a hub
shares the room between doors.
"""

from __future__ import annotations

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

    @property
    def ratio(self) -> float | None:
        """inside / capacity, ``None`` without a capacity (may pass 1.0: a lead's admission)."""
        return self.inside / self.capacity if self.capacity else None


def at_door(replica: Replica, event: EventConfig, room: str, target: Session | None, day: str) -> RoomNow:
    """What a door of ``room`` shows while it serves ``target``."""
    known = event.rooms.room(room)
    capacity = known.capacity if known else None
    if target is None:
        return RoomNow(known.name if known else room, capacity, None)
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
