"""``checkin event check`` on ``[[rooms]]`` and ``[[session_access]]``: every mistake with
its line and the fix, and the programme's rooms the event file does not know (a session
in an unknown room would have no capacity, so its door would admit without limit)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from checkin.base.i18n import _
from checkin.base.text import fold

Add = Callable[[int, str, str], None]
Line = Callable[[str, str, int], int]


def check(data: dict[str, Any], key_line: Line, add: Add) -> None:
    rooms = data.get("rooms", [])
    seen: set[str] = set()
    for index, room in enumerate(rooms if isinstance(rooms, list) else []):
        name = str(room.get("name", "")).strip()
        if not name:
            add(
                key_line("rooms", "name", index),
                _("une salle [[rooms]] n'a pas de nom"),
                _('ajoutez name = "…"'),
            )
        elif fold(name) in seen:
            add(
                key_line("rooms", "name", index),
                _("salle « {name} » en double", name=name),
                _("gardez-en une"),
            )
        seen.add(fold(name))
        capacity = room.get("capacity")
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            add(
                key_line("rooms", "capacity", index),
                _("salle « {name} » : la capacité doit être un nombre positif", name=name),
                _("par exemple capacity = 80 (la jauge de sécurité de la salle)"),
            )
        if "exits" in room and not isinstance(room["exits"], bool):
            add(
                key_line("rooms", "exits", index),
                _("exits vaut true ou false"),
                _("par exemple exits = true"),
            )
    _access(data, key_line, add)


def _access(data: dict[str, Any], key_line: Line, add: Add) -> None:
    rules = data.get("session_access", [])
    keys = {fold(str(c.get(k, ""))) for c in data.get("categories", []) for k in ("key", "name")}
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        if not (rule.get("type") or rule.get("code")):
            add(
                key_line("session_access", "open_to", index),
                _("une règle [[session_access]] ne nomme ni type ni code de session"),
                _('ajoutez type = "Atelier" ou code = "A5"'),
            )
        value = rule.get("open_to", "all")
        for item in value if isinstance(value, list) else [value]:
            if str(item) not in {"all", "registered"} and fold(str(item)) not in keys:
                add(
                    key_line("session_access", "open_to", index),
                    _("open_to : « {value} » n'est ni all, ni registered, ni une catégorie", value=item),
                    _('open_to = "all", "registered" ou une liste de catégories'),
                )


def unknown_rooms(data: dict[str, Any], programme_rooms: Iterable[tuple[str, str]]) -> list[str]:
    """The (session code, room) pairs of the programme whose room has no ``[[rooms]]``."""
    known = {fold(str(r.get("name", ""))) for r in data.get("rooms", []) if isinstance(r, dict)}
    return [
        _("session {code} : salle « {room} » absente de [[rooms]]", code=code, room=room)
        for code, room in programme_rooms
        if room and fold(room) not in known
    ]
