"""Reading attendees out of the replica as plain, immutable views.

Everything above the storage layer (the scan decision, the badge and ticket renderers, the
window, the reports) works on :class:`AttendeeView`, never on rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.engine import Connection, Row

from checkin.db import Replica

COLUMNS = (
    "id uid source registration code status registered_at title first_name last_name "
    "first_name_raw last_name_raw native_name function organisation organisation_type "
    "country category delegation email phone days workshops regional_meeting language "
    "person_key live_uid platform_checkin"
).split()
SELECT = "SELECT " + ", ".join(COLUMNS) + " FROM attendee"


@dataclass(frozen=True)
class AttendeeView:
    id: int
    uid: str
    source: str
    registration: str
    code: str
    status: str
    registered_at: str
    title: str
    first_name: str
    last_name: str
    first_name_raw: str
    last_name_raw: str
    native_name: str
    function: str
    organisation: str
    organisation_type: str
    country: str
    category: str
    delegation: str
    email: str
    phone: str
    days: tuple[str, ...]
    workshops: tuple[str, ...]
    regional_meeting: str
    language: str
    person_key: str
    live_uid: str
    platform_checkin: str = ""  # a check-in recorded by the ticketing platform: information only

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.native_name

    @property
    def is_live(self) -> bool:
        """This registration is the one that counts for its person."""
        return self.live_uid in ("", self.uid)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["days"] = list(self.days)
        data["workshops"] = list(self.workshops)
        del data["id"]
        return data


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split(",") if v)


def from_row(row: Row[Any] | Sequence[Any]) -> AttendeeView:
    values = dict(zip(COLUMNS, row, strict=True))
    values["days"] = _split(values["days"] or "")
    values["workshops"] = _split(values["workshops"] or "")
    return AttendeeView(**values)


def by_uid(conn: Connection, uid: str) -> AttendeeView | None:
    row = conn.exec_driver_sql(SELECT + " WHERE uid = ?", (uid,)).first()
    return from_row(row) if row else None


def by_code(conn: Connection, code: str) -> AttendeeView | None:
    """The registration a code belongs to (current or former code)."""
    row = conn.exec_driver_sql(
        SELECT + " WHERE uid = (SELECT uid FROM ticket_code WHERE code = ?)", (code,)
    ).first()
    return from_row(row) if row else None


def by_ids(conn: Connection, ids: Iterable[int]) -> list[AttendeeView]:
    wanted = list(ids)
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    rows = conn.exec_driver_sql(SELECT + f" WHERE id IN ({marks})", tuple(wanted)).all()
    order = {i: n for n, i in enumerate(wanted)}
    return sorted((from_row(r) for r in rows), key=lambda a: order[a.id])


def get(replica: Replica, code: str) -> AttendeeView | None:
    with replica.read() as conn:
        return by_code(conn, code)


def all_live(conn: Connection) -> list[AttendeeView]:
    rows = conn.exec_driver_sql(SELECT + " WHERE live_uid = uid OR live_uid = ''").all()
    return [from_row(r) for r in rows]
