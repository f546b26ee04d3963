"""After the event: remove personal data, keep only counts.

On a desk's replica the counts go into ``meta`` rows named ``aggregate.<measure>`` (the
replica's key/value table; no schema change); on the hub into ``hub_aggregate``. Facts are
append-only and their delete trigger lets them go only while ``meta.purging = 'yes'``, which
is set inside the purge's own transaction and removed before it commits. The replica file is
then vacuumed so deleted names do not linger in free pages.

A purged hub says so in ``hub_meta``; every desk that exchanges with it afterwards purges
itself too (keeping its counts), so no laptop leaves the event with names on it because it
was not plugged in when staff purged.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, delete, select
from sqlalchemy.engine import Connection

from checkin import event as event_module
from checkin.db import Replica, open_replica
from checkin.event import EventConfig
from checkin.reports import data as data_module
from checkin.sync.hub import (
    PURGE_KEY,
    hub_aggregate,
    hub_attendee,
    hub_conflict,
    hub_fact,
    hub_meeting,
    hub_sensitive,
    hub_ticket_code,
    open_hub,
    set_meta,
)

log = logging.getLogger(__name__)

_REPLICA_TABLES = ("fact", "print_job", "sensitive_info", "ticket_code", "meeting", "attendee")
_PERSONAL_META = ("sync.conflicts", "last_import")


def aggregates(conn: Connection, *, hub: bool, event: EventConfig | None = None) -> dict[str, int]:
    """The counts worth keeping: per day, expected and present, by category, type, country.

    ``event`` is the event being purged (its days are the ones counted); without it, the
    event this run resolved (see :func:`checkin.event.load`).
    """
    data = data_module.load(conn, event or event_module.load(), hub=hub)
    counts: Counter[str] = Counter()
    for day in (d.iso for d in data.event.days):
        counts[f"{day}.expected"] = len(data.expected(day))
        present = data.present(day)
        counts[f"{day}.present"] = len(present)
        for p in present:
            counts[f"{day}.present.category.{p.category or '-'}"] += 1
            counts[f"{day}.present.organisation_type.{p.organisation_type or '-'}"] += 1
            counts[f"{day}.present.country.{p.country or '-'}"] += 1
    fact = "hub_fact" if hub else "fact"
    for kind, n in conn.exec_driver_sql(f"SELECT kind, count(*) FROM {fact} GROUP BY kind"):
        counts[f"facts.{kind}"] = int(n)
    counts["registrations"] = len(data.people)
    counts["conflicts"] = len(data.conflicts)
    return dict(counts)


def _vacuum(engine: Engine) -> None:
    """Rewrite an SQLite file without the deleted pages (outside any transaction)."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("VACUUM")
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cur.close()
    finally:
        raw.close()


def purge_replica(path: Path, *, keep_aggregates: bool, event: EventConfig | None = None) -> dict[str, int]:
    replica = open_replica(path, create=False)
    try:
        return purge_open(replica, keep_aggregates=keep_aggregates, event=event)
    finally:
        replica.close()


def purge_open(
    replica: Replica, *, keep_aggregates: bool, event: EventConfig | None = None
) -> dict[str, int]:
    """Purge a replica this process has open (a desk told by its hub that the event is over)."""
    with replica.write() as conn:
        # Purging an already purged desk keeps the counts it has (there is nothing to recount).
        empty = not conn.exec_driver_sql(
            "SELECT EXISTS (SELECT 1 FROM attendee) OR EXISTS (SELECT 1 FROM fact)"
        ).scalar_one()
        counts = aggregates(conn, hub=False, event=event) if keep_aggregates and not empty else {}
        conn.exec_driver_sql(
            "INSERT INTO meta(key, value) VALUES ('purging', 'yes') ON CONFLICT(key) DO UPDATE SET value = 'yes'"
        )
        for table in _REPLICA_TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.exec_driver_sql("INSERT INTO attendee_fts(attendee_fts) VALUES ('rebuild')")
        conn.exec_driver_sql("DELETE FROM meta WHERE key = 'purging'")
        if not empty:
            conn.exec_driver_sql("DELETE FROM meta WHERE key LIKE 'aggregate.%'")
        for key in _PERSONAL_META:
            conn.exec_driver_sql("DELETE FROM meta WHERE key = ?", (key,))
        conn.exec_driver_sql("DELETE FROM meta WHERE key LIKE 'sync.%'")
        if counts:
            conn.exec_driver_sql(
                "INSERT INTO meta(key, value) VALUES (?, ?)",
                [(f"aggregate.{k}", str(v)) for k, v in sorted(counts.items())],
            )
    _vacuum(replica.engine)
    log.info("replica purged (%d counts kept)", len(counts))
    return counts


def purge_hub(url: str, *, keep_aggregates: bool, event: EventConfig | None = None) -> dict[str, int]:
    hub = open_hub(url)
    try:
        with hub.write() as conn:
            hub.allocate(conn, 1)  # one writer at a time, as every hub write
            empty = conn.execute(select(hub_attendee.c.uid).limit(1)).first() is None
            empty = empty and conn.execute(select(hub_fact.c.id).limit(1)).first() is None
            counts = aggregates(conn, hub=True, event=event) if keep_aggregates and not empty else {}
            for table in (hub_fact, hub_conflict, hub_sensitive, hub_ticket_code, hub_meeting, hub_attendee):
                conn.execute(delete(table))
            if not empty:  # purging again keeps the counts of the first purge
                conn.execute(delete(hub_aggregate))
            # Desks purge themselves at their next exchange (see checkin.sync.exchange).
            set_meta(conn, PURGE_KEY, f"{uuid.uuid4()} {datetime.now(UTC).isoformat(timespec='seconds')}")
            if counts:
                conn.execute(
                    hub_aggregate.insert(), [{"name": k, "count": v} for k, v in sorted(counts.items())]
                )
        if hub.is_sqlite:
            _vacuum(hub.engine)
    finally:
        hub.close()
    log.info("hub purged (%d counts kept)", len(counts))
    return counts
