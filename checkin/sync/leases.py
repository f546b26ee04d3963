"""Seat leases: how doors of one room share its capacity through the hub, and offline.

A door may hold at most its lease: the people whose latest movement is an entry it
recorded. The hub keeps the sum of every door's lease at or under the room's capacity,
because a lease is granted only inside a hub transaction that holds the hub's counter lock
(every grant is serialised). A door never lowers another door's lease (that door may be
offline, admitting within it); it only re-balances its own: it keeps what it holds and
takes a part of the free seats, ``ceil(free / (doors + 1))``, leaving room for a door that
comes next. Offline, a door keeps its lease and answers ``full`` beyond it; together the
doors never admit more than the room holds. At each background exchange a door gives back
what it does not use (:func:`release`): every seat of a session that has ended, and its
unused seats beyond the share a grant would give it now. See ARCHITECTURE.md.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from checkin.event.model import EventConfig
from checkin.replica import movements
from checkin.replica.db import Replica
from checkin.replica.movements import Session
from checkin.sync.exchange import BATCH, push
from checkin.sync.hub import FACT_COLUMNS, Hub, hub_fact

_HUB_LEASES = "SELECT desk_id, data FROM hub_fact WHERE kind = 'lease' AND value = :code ORDER BY hseq"
# Who is inside, as the hub knows it: each person's latest movement of the day.
_HUB_INSIDE = """SELECT count(*) FROM (
    SELECT kind, value, row_number() OVER (PARTITION BY attendee_uid ORDER BY hub_hlc DESC) AS n
    FROM hub_fact WHERE kind IN ('enter', 'exit') AND day = :day) AS latest
    WHERE n = 1 AND kind = 'enter' AND value = :code"""


# Each session's latest lease of one door: SQLite returns the row of max(hlc).
_MY_LEASES = "SELECT value, data, max(hlc) FROM fact WHERE kind = 'lease' AND desk_id = ? GROUP BY value"


def rebalance(replica: Replica, hub: Hub, target: Session, capacity: int, desk: str = "") -> int:
    """Take this door's new lease from the hub; return its seats."""
    push(replica, hub, BATCH)  # the hub counts this door's movements too
    with replica.read() as conn:
        mine = movements.usage(conn, target.code, target.day, replica.desk_id)
    with hub.write() as hconn:
        hseq = hub.allocate(hconn, 1)  # the counter lock: grants are serialised
        seats = _share(hconn, replica.desk_id, target, capacity, mine)
        row = _lease_row(replica, target, seats, desk)
        hconn.execute(hub_fact.insert(), [{**row, "hseq": hseq, "hub_hlc": row["hlc"]}])
    with replica.write() as conn:
        cols = [c for c in FACT_COLUMNS]
        conn.exec_driver_sql(
            f"INSERT INTO fact ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) ON CONFLICT(id) DO NOTHING",
            tuple(row[c] for c in cols),
        )
    return seats


def _share(hconn: Connection, desk_id: str, target: Session, capacity: int, mine: int) -> int:
    """What a grant gives a door holding ``mine`` seats, as the hub sees the room now: what
    it holds plus ``ceil(free / (doors + 1))``, bounded by capacity minus the others' leases."""
    leases: dict[str, int] = {}
    for door, data in hconn.execute(text(_HUB_LEASES), {"code": target.code}):
        leases[str(door)] = int(json.loads(str(data))["seats"])
    others = sum(v for k, v in leases.items() if k != desk_id)
    inside = int(hconn.execute(text(_HUB_INSIDE), {"day": target.day, "code": target.code}).scalar_one())
    doors = len(set(leases) | {desk_id})
    free = max(0, capacity - inside)
    return mine + max(0, min(capacity - others - mine, -(-free // (doors + 1))))


def release(replica: Replica, hub: Hub, event: EventConfig, now: datetime, desk: str = "") -> int:
    """Give back the seats this door does not use; return how many leases were lowered.

    For each session it holds seats for: all of them once the session has ended (it holds
    nobody), else its unused seats beyond what a grant would give it now. Lowering is always
    safe (grants, which raise the sum, are serialised on the hub), so the new lease is
    written here first, in the transaction that counts what the door holds — the door never
    admits past it — and then pushed; the hub only ever over-estimates this door's seats.
    """
    local = event.local(now.isoformat())
    today, hhmm = local.date().isoformat(), local.strftime("%H:%M")
    with replica.read() as conn:
        held = [
            (str(c), int(json.loads(str(d))["seats"]))
            for c, d, _h in conn.exec_driver_sql(_MY_LEASES, (replica.desk_id,))
        ]
        targets = {c: movements.session(conn, c) for c, seats in held if seats > 0}
    lowered = 0
    for target in targets.values():
        room = event.rooms.room(target.room) if target else None
        if target is None or room is None:
            continue
        over = target.day < today or (target.day == today and movements.ended(target, hhmm))
        fair = 0
        if not over:
            mine = _usage(replica, target)
            with hub.read() as hconn:
                fair = _share(hconn, replica.desk_id, target, room.capacity, mine)
        lowered += _lower(replica, target, fair, over, desk)
    if lowered:
        push(replica, hub, BATCH)
    return lowered


def _usage(replica: Replica, target: Session) -> int:
    with replica.read() as conn:
        return movements.usage(conn, target.code, target.day, replica.desk_id)


def _lower(replica: Replica, target: Session, fair: int, over: bool, desk: str) -> int:
    """Write the lower lease if it is lower, counting the seats held in the same transaction."""
    with replica.write() as conn:
        current = movements.lease(conn, target.code, replica.desk_id) or 0
        mine = 0 if over else movements.usage(conn, target.code, target.day, replica.desk_id)
        seats = max(mine, min(current, fair))
        if seats >= current:
            return 0
        row = _lease_row(replica, target, seats, desk)
        cols = list(FACT_COLUMNS)
        conn.exec_driver_sql(
            f"INSERT INTO fact ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            tuple(row[c] for c in cols),
        )
    return 1


def _lease_row(replica: Replica, target: Session, seats: int, desk: str) -> dict[str, str]:
    row = {c: "" for c in FACT_COLUMNS}
    row.update(
        id=str(uuid.uuid4()),
        kind="lease",
        day=target.day,
        desk=desk,
        desk_id=replica.desk_id,
        role="volunteer",
        at=datetime.now(UTC).isoformat(timespec="milliseconds"),
        hlc=replica.clock.now(),
        value=target.code,
        data=json.dumps({"seats": seats}),
    )
    return row
