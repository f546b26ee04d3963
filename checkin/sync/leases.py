"""Seat leases: how doors of one room share its capacity through the hub, and offline.

A door may hold at most its lease: the people whose latest movement is an entry it
recorded. The hub keeps the sum of every door's lease at or under the room's capacity,
because a lease is granted only inside a hub transaction that holds the hub's counter lock
(every grant is serialised). A door never lowers another door's lease (that door may be
offline, admitting within it); it only re-balances its own: it keeps what it holds and
takes a part of the free seats, ``ceil(free / (doors + 1))``, leaving room for a door that
comes next. Offline, a door keeps its lease and answers ``full`` beyond it; together the
doors never admit more than the room holds. See ARCHITECTURE.md.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import text

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


def rebalance(replica: Replica, hub: Hub, target: Session, capacity: int, desk: str = "") -> int:
    """Take this door's new lease from the hub; return its seats."""
    push(replica, hub, BATCH)  # the hub counts this door's movements too
    with replica.read() as conn:
        mine = movements.usage(conn, target.code, target.day, replica.desk_id)
    with hub.write() as hconn:
        hseq = hub.allocate(hconn, 1)  # the counter lock: grants are serialised
        leases: dict[str, int] = {}
        for desk_id, data in hconn.execute(text(_HUB_LEASES), {"code": target.code}):
            leases[str(desk_id)] = int(json.loads(str(data))["seats"])
        others = sum(v for k, v in leases.items() if k != replica.desk_id)
        inside = int(hconn.execute(text(_HUB_INSIDE), {"day": target.day, "code": target.code}).scalar_one())
        doors = len(set(leases) | {replica.desk_id})
        free = max(0, capacity - inside)
        seats = mine + max(0, min(capacity - others - mine, -(-free // (doors + 1))))
        row = _lease_row(replica, target, seats, desk)
        hconn.execute(hub_fact.insert(), [{**row, "hseq": hseq, "hub_hlc": row["hlc"]}])
    with replica.write() as conn:
        cols = [c for c in FACT_COLUMNS]
        conn.exec_driver_sql(
            f"INSERT INTO fact ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) ON CONFLICT(id) DO NOTHING",
            tuple(row[c] for c in cols),
        )
    return seats


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
