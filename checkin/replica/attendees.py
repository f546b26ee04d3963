"""The replica's attendees as plain views, with the column lists taken from the model.

The attendee's columns are declared once, by :class:`checkin.replica.models.Attendee`:
:data:`COLUMNS` are the ones a view shows (``id`` first), :data:`INTERNAL` the ones kept for
imports and search (marked ``internal`` on the model). The replica's table
(``checkin.replica.migrations``, which must agree — ``tests/core/test_models`` checks), the
hub's ``hub_attendee``, the importer's staged rows and the reports all take their column
lists from there. :class:`AttendeeView` spells its fields out for the type checker; the
module refuses to load if they are not the model's view columns, in the model's order.
Everything above the storage layer (the scan decision, the badge and ticket renderers, the
window, the reports) works on views, never on rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy.engine import Connection, Row

from checkin.base.text import sort_key
from checkin.replica import models
from checkin.replica.db import Replica


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
    def key(self) -> tuple[str, str, str]:
        """The order a French reader expects: surname, first name, then code."""
        return (sort_key(self.last_name or self.native_name), sort_key(self.first_name), self.code)

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


# The columns, from the model: what a view shows (``id`` first), what is kept besides for
# imports and search, and every stored column (all but the row id: what the hub holds,
# what an import and a pull write).
_TABLE = models.table(models.Attendee)
INTERNAL = tuple(c.name for c in _TABLE.columns if c.info.get("internal"))
COLUMNS = [c.name for c in _TABLE.columns if c.name not in INTERNAL]
STORED = (*(c for c in COLUMNS if c != "id"), *INTERNAL)
if [f.name for f in fields(AttendeeView)] != COLUMNS:
    raise TypeError(f"AttendeeView's fields must be the model's view columns: {COLUMNS}")
LIST_COLUMNS = ("days", "workshops")  # comma-separated in the table, tuples in a view
SELECT = "SELECT " + ", ".join(COLUMNS) + " FROM attendee"


def select(table: str = "attendee") -> str:
    """The SELECT of a view's columns from ``table`` (the hub's has no row id: 0 stands in)."""
    return (
        "SELECT "
        + ", ".join("0 AS id" if c == "id" and table != "attendee" else c for c in COLUMNS)
        + f" FROM {table}"
    )


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


def accessibility_note(conn: Connection, uid: str) -> str:
    """The person's accessibility need (``sensitive_info``, kept apart; "" when none). Callers
    ask only where the event's ``desk_fields`` lets a desk see it."""
    row = conn.exec_driver_sql("SELECT accessibility FROM sensitive_info WHERE uid = ?", (uid,)).first()
    return str(row[0]).strip() if row else ""


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
