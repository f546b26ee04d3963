"""Small helpers shared by the sync tests: desks, what they did, what they hold."""

from __future__ import annotations

from pathlib import Path

from checkin.replica import attendees, facts
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica, open_replica
from checkin.sync.exchange import SyncResult, exchange
from checkin.sync.hub import open_hub

DAY1 = "2026-07-08"
DAY2 = "2026-07-09"


def desk(tmp_path: Path, name: str) -> Replica:
    return open_replica(tmp_path / f"{name}.sqlite")


def sync(replica: Replica, url: str, name: str = "", **kw: object) -> SyncResult:
    hub = open_hub(url)
    try:
        return exchange(replica, hub, desk=name or None, **kw)  # type: ignore[arg-type]
    finally:
        hub.close()


def people(replica: Replica, count: int, offset: int = 0) -> list[AttendeeView]:
    """Confirmed registrations that count, in a fixed order (by registration number)."""
    with replica.read() as conn:
        rows = [a for a in attendees.all_live(conn) if a.status == "confirmed" and DAY1 in a.days]
    rows.sort(key=lambda a: a.registration)
    return rows[offset : offset + count]


def admit(replica: Replica, person: AttendeeView, name: str, day: str = DAY1) -> facts.FactView:
    return facts.record_checkin(replica, person, day=day, desk=name)


def fact_ids(replica: Replica) -> set[str]:
    with replica.read() as conn:
        return {r[0] for r in conn.exec_driver_sql("SELECT id FROM fact")}


def desk_state(replica: Replica) -> dict[str, object]:
    with replica.read() as conn:
        fact_rows = sorted(
            tuple(r) for r in conn.exec_driver_sql("SELECT id, kind, attendee_uid, day, ref, hlc FROM fact")
        )
        people_rows = sorted(
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT uid, first_name, last_name, organisation, status FROM attendee"
            )
        )
    return {"facts": fact_rows, "attendees": people_rows}


def admitted(replica: Replica, uid: str, day: str = DAY1) -> bool:
    with replica.read() as conn:
        return bool(facts.checkins(conn, uid, day))


def hub_rows(url: str, sql: str, params: dict[str, object] | None = None) -> list[tuple[object, ...]]:
    """Rows of a query on the hub (the hub is closed afterwards)."""
    from sqlalchemy import text

    hub = open_hub(url)
    try:
        with hub.read() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params or {})]
    finally:
        hub.close()
