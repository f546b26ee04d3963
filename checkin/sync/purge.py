"""After the event: remove personal data, keep only counts.

On a desk's replica the counts go into ``meta`` rows named ``aggregate.<measure>`` (the
replica's key/value table; no schema change); on the hub into ``hub_aggregate``. Facts are
append-only and their delete trigger lets them go only while ``meta.purging = 'yes'``, which
is set inside the purge's own transaction and removed before it commits. The replica file is
then vacuumed so deleted names do not linger in free pages.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

from sqlalchemy import Engine, delete
from sqlalchemy.engine import Connection

from checkin import event as event_module
from checkin.db import open_replica
from checkin.reports import data as data_module
from checkin.sync.hub import (
    hub_aggregate,
    hub_attendee,
    hub_conflict,
    hub_fact,
    hub_meeting,
    hub_sensitive,
    hub_ticket_code,
    open_hub,
)

log = logging.getLogger(__name__)

_REPLICA_TABLES = ("fact", "print_job", "sensitive_info", "ticket_code", "meeting", "attendee")
_PERSONAL_META = ("sync.conflicts", "last_import")


def aggregates(conn: Connection, *, hub: bool) -> dict[str, int]:
    """The counts worth keeping: per day, expected and present, by category, type, country."""
    data = data_module.load(conn, event_module.load(), hub=hub)
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


def purge_replica(path: Path, *, keep_aggregates: bool) -> dict[str, int]:
    replica = open_replica(path, create=False)
    try:
        with replica.write() as conn:
            counts = aggregates(conn, hub=False) if keep_aggregates else {}
            conn.exec_driver_sql(
                "INSERT INTO meta(key, value) VALUES ('purging', 'yes') ON CONFLICT(key) DO UPDATE SET value = 'yes'"
            )
            for table in _REPLICA_TABLES:
                conn.exec_driver_sql(f"DELETE FROM {table}")
            conn.exec_driver_sql("INSERT INTO attendee_fts(attendee_fts) VALUES ('rebuild')")
            conn.exec_driver_sql("DELETE FROM meta WHERE key = 'purging' OR key LIKE 'aggregate.%'")
            for key in _PERSONAL_META:
                conn.exec_driver_sql("DELETE FROM meta WHERE key = ?", (key,))
            conn.exec_driver_sql("DELETE FROM meta WHERE key LIKE 'sync.%'")
            if counts:
                conn.exec_driver_sql(
                    "INSERT INTO meta(key, value) VALUES (?, ?)",
                    [(f"aggregate.{k}", str(v)) for k, v in sorted(counts.items())],
                )
        _vacuum(replica.engine)
    finally:
        replica.close()
    log.info("replica purged (%d counts kept)", len(counts))
    return counts


def purge_hub(url: str, *, keep_aggregates: bool) -> dict[str, int]:
    hub = open_hub(url)
    try:
        with hub.write() as conn:
            hub.allocate(conn, 1)  # one writer at a time, as every hub write
            counts = aggregates(conn, hub=True) if keep_aggregates else {}
            for table in (hub_fact, hub_conflict, hub_sensitive, hub_ticket_code, hub_meeting, hub_attendee):
                conn.execute(delete(table))
            conn.execute(delete(hub_aggregate))
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
