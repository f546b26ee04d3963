"""After the event: remove personal data, keep only counts.

On a desk's replica the counts go into ``meta`` rows named ``aggregate.<measure>`` (the
replica's key/value table; no schema change); on the hub into ``hub_aggregate``. Facts are
append-only and their delete trigger lets them go only while ``meta.purging = 'yes'``, which
is set inside the purge's own transaction and removed before it commits. The replica file is
then vacuumed so deleted names do not linger in free pages (``secure_delete`` zeroes
them as they are freed, ``VACUUM`` rewrites the file, the WAL is truncated), and the
files around it that hold names (backups, badge PDFs, logs, import staging) are swept
(``checkin.replica.sweep``).

A purged hub says so in ``hub_meta``; every desk that exchanges with it afterwards purges
itself too (keeping its counts), so no laptop leaves the event with names on it because it
was not plugged in when staff purged.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.engine import Connection

from checkin.base.errors import DatabaseError
from checkin.event import model as event_module
from checkin.event.model import EventConfig
from checkin.replica import attendance as data_module
from checkin.replica import sweep
from checkin.replica.db import BACKGROUND_TIMEOUT, Replica, busy_sentence, open_replica
from checkin.sync import slices
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
    event this run resolved (see :func:`checkin.event.model.load`).
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
        cur.execute("PRAGMA secure_delete = ON")
        cur.execute("VACUUM")
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cur.close()
    finally:
        raw.close()


def purge_replica(
    path: Path, *, keep_aggregates: bool, event: EventConfig | None = None, print_folders: Iterable[Path] = ()
) -> dict[str, int]:
    """Purge the replica at ``path`` (``print_folders``: the file printers' own folders)."""
    replica = open_replica(path, create=False)
    try:
        return purge_open(replica, keep_aggregates=keep_aggregates, event=event, print_folders=print_folders)
    finally:
        replica.close()


def purge_open(
    replica: Replica,
    *,
    keep_aggregates: bool,
    event: EventConfig | None = None,
    print_folders: Iterable[Path] = (),
) -> dict[str, int]:
    """Purge a replica this process has open (a desk told by its hub that the event is over).

    In short transactions, so that the desk never waits long on it: the counts are taken
    from a snapshot and stored first, with a marker (``purge.pending``); then rows go in
    slices; then the markers. A purge stopped halfway (a kill, a power cut) resumes from its
    marker at the next attempt and keeps the counts it stored first, never recounting a
    half-emptied desk.
    """
    counts = _prepare(replica, keep_aggregates, event)
    for table in _REPLICA_TABLES:
        _delete_sliced(replica, table)
    replica.flush()
    with replica.write() as conn:
        for key in ("fts.upto", "purging", "purge.pending", *_PERSONAL_META):
            conn.exec_driver_sql("DELETE FROM meta WHERE key = ?", (key,))
        conn.exec_driver_sql("DELETE FROM meta WHERE key LIKE 'sync.%'")
    if not replica.write_lock.acquire(BACKGROUND_TIMEOUT, urgent=False):
        raise DatabaseError(busy_sentence())
    try:
        _vacuum(replica.engine)
    finally:
        replica.write_lock.release()
    log.info("replica purged (%d counts kept)", len(counts))
    if replica.path is not None:
        sweep.sweep(replica.path, print_folders=print_folders)
    return counts


def _mark(conn: Connection) -> tuple[Any, ...]:
    """What a purge's counts were taken from (a write since changes it)."""
    return tuple(
        conn.exec_driver_sql(
            "SELECT (SELECT coalesce(max(seq), 0) FROM fact), (SELECT count(*) FROM attendee), "
            "(SELECT coalesce(max(id), 0) FROM attendee)"
        ).one()
    )


def _prepare(replica: Replica, keep_aggregates: bool, event: EventConfig | None) -> dict[str, int]:
    """Count (outside the write lock), then store the counts and the purge's markers."""
    while True:
        with replica.read() as conn:
            pending = conn.exec_driver_sql("SELECT 1 FROM meta WHERE key = 'purge.pending'").first()
            mark = _mark(conn)
            # Purging an already purged desk keeps the counts it has (nothing to recount).
            empty = mark[0] == 0 and mark[1] == 0
            counts = (
                aggregates(conn, hub=False, event=event)
                if keep_aggregates and not empty and not pending
                else {}
            )
        with replica.write() as conn:
            if pending:
                counts = {
                    str(k)[len("aggregate.") :]: int(v)
                    for k, v in conn.exec_driver_sql(
                        "SELECT key, value FROM meta WHERE key LIKE 'aggregate.%'"
                    ).all()
                }
            elif _mark(conn) != mark:
                continue  # a write came in meanwhile: count again
            else:
                if not empty:
                    conn.exec_driver_sql("DELETE FROM meta WHERE key LIKE 'aggregate.%'")
                if counts:
                    conn.exec_driver_sql(
                        "INSERT INTO meta(key, value) VALUES (?, ?)",
                        [(f"aggregate.{k}", str(v)) for k, v in sorted(counts.items())],
                    )
            for key in ("purging", "purge.pending"):
                conn.exec_driver_sql(
                    "INSERT INTO meta(key, value) VALUES (?, 'yes') ON CONFLICT(key) DO UPDATE SET value = 'yes'",
                    (key,),
                )
            # The search index is emptied at once; the rows' triggers leave it alone from
            # here (schema 4: no row is at or below 'fts.upto' = 0), so deleting is cheap.
            conn.exec_driver_sql("INSERT INTO attendee_fts(attendee_fts) VALUES ('delete-all')")
            conn.exec_driver_sql(
                "INSERT INTO meta(key, value) VALUES ('fts.upto', '0') ON CONFLICT(key) DO UPDATE SET value = '0'"
            )
            return counts


def _delete_sliced(replica: Replica, table: str, *, step: int = 200) -> None:
    """Delete every row of ``table``, in transactions of about ``slices.SLICE_SECONDS``."""
    while True:
        with replica.write(durable=False) as conn:
            conn.exec_driver_sql("PRAGMA secure_delete = ON")  # freed pages zeroed, WAL too
            started = time.monotonic()
            while True:
                gone = conn.exec_driver_sql(
                    f"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} LIMIT ?)", (step,)
                ).rowcount
                if not gone:
                    return
                if time.monotonic() - started >= slices.SLICE_SECONDS:
                    break
        slices.checkpoint()


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
