"""Rooms, their fire-safety capacities, and who may enter a session (the event file).

The programme (imported into the replica) names each session's room; the event file says
what the programme cannot: how many people a room holds, whether exits are scanned at its
doors, and who a session is open to. Access is configured per session type (``Atelier``)
or per session code (``A5``), the code winning: ``all`` (anyone admitted to the event),
``registered`` (those whose registration lists the session, e.g. the export's
``Ateliers``) or a list of category keys or names. Without a rule a session is open to all.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkin.base.text import fold


@dataclass(frozen=True)
class Room:
    name: str
    capacity: int
    exits: bool = False


@dataclass(frozen=True)
class Access:
    """``[[session_access]]``: ``type`` or ``code``, and ``open_to``."""

    type: str
    code: str
    open_to: tuple[str, ...]  # ("all",), ("registered",) or category keys/names


@dataclass(frozen=True)
class Rooms:
    rooms: tuple[Room, ...] = ()
    access: tuple[Access, ...] = ()

    def room(self, name: str) -> Room | None:
        key = fold(name)
        return next((r for r in self.rooms if fold(r.name) == key), None)

    def open_to(self, code: str, kind: str) -> tuple[str, ...]:
        """Who session ``code`` of type ``kind`` admits; a rule for the code wins over one
        for the type."""
        by_code = [a for a in self.access if a.code and a.code.upper() == code.upper()]
        by_type = [a for a in self.access if a.type and fold(a.type) == fold(kind)]
        rules = by_code or by_type
        return rules[0].open_to if rules else ("all",)


def parse(data: dict[str, object]) -> Rooms:
    """The ``[[rooms]]`` and ``[[session_access]]`` tables; ``checkin event check`` reports
    mistakes with their line, this only refuses what cannot be read."""
    raw_rooms = data.get("rooms", [])
    raw_access = data.get("session_access", [])
    rooms = tuple(
        Room(name=str(r["name"]), capacity=int(str(r["capacity"])), exits=bool(r.get("exits", False)))
        for r in (raw_rooms if isinstance(raw_rooms, list) else [])
    )
    access = tuple(
        Access(
            type=str(a.get("type", "")),
            code=str(a.get("code", "")),
            open_to=_open_to(a.get("open_to", "all")),
        )
        for a in (raw_access if isinstance(raw_access, list) else [])
    )
    return Rooms(rooms, access)


def _open_to(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)
