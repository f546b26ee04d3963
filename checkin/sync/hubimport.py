"""Importing an export into the hub with the desks' own importer.

The hub does not have a second importer: the file goes through ``checkin.importer`` into a
throw-away SQLite replica seeded with the hub's registrations as last imported (so the
importer sees what is new, changed, cancelled, duplicated, and applies the same checks and
rejections). What the importer wrote is then published to the hub in one transaction, each
changed row with a new hub number so the desks pull it. A dry run stops before publishing.

Desks' fixes are not shown to the importer: on the hub a fix and an export change compete by
their stamps (see :mod:`checkin.sync.merge`), and an export change that overrides a
different fix is recorded as a conflict.
"""

from __future__ import annotations

import json
import logging
import operator
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from checkin.base import paths
from checkin.event.model import EventConfig
from checkin.importer import ImportSummary, import_file
from checkin.importer.opened import OpenedExport
from checkin.replica.db import Replica, defer_search_index, open_replica
from checkin.replica.facts import EDITABLE
from checkin.sync import merge
from checkin.sync.hub import (
    ATTENDEE_COLUMNS,
    MEETING_COLUMNS,
    SESSION_COLUMNS,
    Hub,
    hub_attendee,
    hub_meeting,
    hub_sensitive,
    hub_session,
    hub_ticket_code,
    upsert,
)

log = logging.getLogger(__name__)

_EDITABLE = sorted(EDITABLE)
# Indexes of a replica the staging copy never reads through: the importer matches by
# registration and by uid, and reads codes and needs whole.
_UNUSED_INDEXES = ("ix_attendee_live_uid", "ix_ticket_code_uid")
_COLS = ", ".join(ATTENDEE_COLUMNS)


def import_into_hub(
    hub: Hub,
    event: EventConfig,
    path: str | Path | OpenedExport,
    *,
    mapping: str | Path | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    with tempfile.TemporaryDirectory(prefix="checkin-hub-import-", dir=paths.staging_dir()) as tmp:
        staging = open_replica(Path(tmp) / "staging.sqlite")
        staging.scratch = True  # thrown away after: its commits need not reach the disk
        try:
            with staging.write() as conn:
                defer_search_index(conn)  # a throw-away copy nobody searches: never indexed
                for index in _UNUSED_INDEXES:  # nor looks up by these: 0.4 s of 100,000 rows
                    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index}")
            _seed(hub, staging)
            # The staging copy is this process's alone: one transaction, no lock budget.
            summary = import_file(staging, event, path, mapping=mapping, dry_run=dry_run, lock_budget_s=None)
            if not dry_run:
                _publish(hub, staging, summary.kind)
        finally:
            staging.close()
    return summary


def _seed(hub: Hub, staging: Replica) -> None:
    """The hub's registrations, with the export's own values in the fields desks may fix."""
    with hub.read() as hconn:
        rows = hconn.execute(select(hub_attendee).where(hub_attendee.c.source == "import")).mappings().all()
        codes = hconn.execute(select(hub_ticket_code.c.code, hub_ticket_code.c.uid)).all()
        sensitive = hconn.execute(
            select(hub_sensitive.c.uid, hub_sensitive.c.dietary, hub_sensitive.c.accessibility)
        ).all()
        sessions = hconn.execute(select(*(hub_session.c[c] for c in SESSION_COLUMNS))).all()
        meetings = hconn.execute(select(*(hub_meeting.c[c] for c in MEETING_COLUMNS))).all()
    marks = ", ".join("?" * len(ATTENDEE_COLUMNS))
    with staging.write() as conn:
        batch = []
        for row in rows:
            values = dict(row)
            values.update(json.loads(row["imported"] or "{}"))
            batch.append(tuple(values[c] for c in ATTENDEE_COLUMNS))
        if batch:
            conn.exec_driver_sql(f"INSERT INTO attendee ({_COLS}) VALUES ({marks})", batch)  # type: ignore[arg-type]
        if codes:
            conn.exec_driver_sql(
                "INSERT INTO ticket_code(code, uid) VALUES (?, ?)", [tuple(r) for r in codes]
            )  # type: ignore[arg-type]
        if sensitive:
            conn.exec_driver_sql(
                "INSERT INTO sensitive_info(uid, dietary, accessibility) VALUES (?, ?, ?)",
                [tuple(r) for r in sensitive],
            )  # type: ignore[arg-type]
        if sessions:
            conn.exec_driver_sql(
                'INSERT INTO session(code, title, kind, day, start, "end", room) VALUES (?, ?, ?, ?, ?, ?, ?)',
                [tuple(r) for r in sessions],  # type: ignore[arg-type]
            )
        if meetings:
            conn.exec_driver_sql(
                "INSERT INTO meeting(day, slot, table_name, code_a, code_b) VALUES (?, ?, ?, ?, ?)",
                [tuple(r) for r in meetings],  # type: ignore[arg-type]
            )


def _publish(hub: Hub, staging: Replica, kind: str) -> None:
    with staging.read() as sconn:
        if kind == "programme":
            sessions = [
                dict(zip(SESSION_COLUMNS, r, strict=True))
                for r in sconn.exec_driver_sql(
                    'SELECT code, title, kind, day, start, "end", room FROM session'
                )
            ]
            with hub.write() as conn:
                _replace(hub, conn, hub_session, sessions)
            return
        if kind == "meetings":
            meetings = [
                dict(zip(MEETING_COLUMNS, r, strict=True))
                for r in sconn.exec_driver_sql("SELECT day, slot, table_name, code_a, code_b FROM meeting")
            ]
            with hub.write() as conn:
                _replace(hub, conn, hub_meeting, meetings)
            return
        with hub.write(beside=staging.path) as conn:
            _publish_registrations(hub, conn, sconn)


def _replace(hub: Hub, conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Small tables (programme, B2B grid): a change republishes the whole table."""
    columns = [c for c in table.c.keys() if c != "hseq"]
    current = sorted(tuple(r) for r in conn.execute(select(*(table.c[c] for c in columns))))
    wanted = sorted(tuple(r[c] for c in columns) for r in rows)
    if current == wanted:
        return
    conn.execute(delete(table))
    first = hub.allocate(conn, max(1, len(rows)))
    if rows:
        conn.execute(table.insert(), [{**r, "hseq": first + i} for i, r in enumerate(rows)])


_BATCH = 5000  # staged rows published at a time: the hub import never holds them all


def _publish_registrations(hub: Hub, conn: Connection, sconn: Connection) -> None:
    """The staging replica's registrations, codes and needs into the hub, a batch at a
    time (a whole export held as dictionaries cost 700 MB at 100,000 rows)."""
    (total,) = sconn.exec_driver_sql(
        "SELECT (SELECT count(*) FROM attendee WHERE source = 'import') + "
        "(SELECT count(*) FROM ticket_code) + (SELECT count(*) FROM sensitive_info)"
    ).one()
    seq = hub.allocate(conn, int(total) + 1)  # numbers for every row at most, in one go
    current = {
        uid: (h, live)
        for uid, h, live in conn.execute(
            select(hub_attendee.c.uid, hub_attendee.c.row_hash, hub_attendee.c.live_uid).where(
                hub_attendee.c.source == "import"
            )
        )
    }
    created = changed = 0
    copied = conn.info.get("beside", False)
    if copied:  # the registrations the hub does not hold yet are copied by SQLite
        created, seq = _copy_new(conn, seq)
    if current or not copied:  # registrations to compare with the hub's (or to send)
        clock = merge.hub_clock(hub, conn)
        staged = sconn.exec_driver_sql(f"SELECT {_COLS} FROM attendee WHERE source = 'import'")
        for batch in staged.partitions(_BATCH):
            inserts, updates = _compared(hub, conn, clock, current, batch, copied)
            for values in (*inserts, *updates):
                values["hseq"] = seq
                seq += 1
            if inserts:
                _insert_many(conn, hub_attendee, inserts)
            upsert(conn, hub_attendee, updates, ["uid"], update=True)
            created, changed = created + len(inserts), changed + len(updates)
    seq = _copy_new_codes(conn, seq) if copied else _publish_codes(conn, sconn, seq)
    _publish_sensitive(conn, sconn, seq, copied)
    log.info("hub import: %d new, %d changed registrations", created, changed)


# Copied by SQLite from the staging copy attached beside the hub's transaction (a file hub;
# see ``Hub.write``): rows the hub does not hold yet, numbered from ``?`` in the staging
# copy's order. The export's values of the fields desks may fix, as JSON made by SQLite
# (the same values as ``json.dumps``; read back with ``json.loads`` only).
_IMPORTED = "json_object(" + ", ".join(f"'{f}', {f}" for f in _EDITABLE) + ")"
_COPY_NEW = (
    f"INSERT INTO hub_attendee ({_COLS}, imported, field_hlc, field_src, hseq) "
    f"SELECT {_COLS}, {_IMPORTED}, '{{}}', '{{}}', ? + row_number() OVER (ORDER BY id) - 1 "
    "FROM beside.attendee WHERE source = 'import' "
    "AND uid NOT IN (SELECT uid FROM main.hub_attendee WHERE source = 'import')"
)
_COPY_NEW_CODES = (
    "INSERT INTO hub_ticket_code (code, uid, hseq) "
    "SELECT code, uid, ? + row_number() OVER (ORDER BY rowid) - 1 FROM beside.ticket_code "
    "WHERE code NOT IN (SELECT code FROM main.hub_ticket_code)"
)
_COPY_NEW_SENSITIVE = (
    "INSERT INTO hub_sensitive (uid, dietary, accessibility, hseq) "
    "SELECT uid, dietary, accessibility, ? + row_number() OVER (ORDER BY rowid) - 1 "
    "FROM beside.sensitive_info WHERE uid NOT IN (SELECT uid FROM main.hub_sensitive)"
)


def _copied(conn: Connection, sql: str, seq: int) -> tuple[int, int]:
    """(rows copied, the next number) of one copy above. What SQLite keeps aside during
    the statement goes to a temporary file: held in memory (this build's default), a copy
    of 100,000 registrations raised the import's peak from 218 to 340 MB."""
    conn.exec_driver_sql("PRAGMA temp_store = FILE")
    try:
        count = conn.exec_driver_sql(sql, (seq,)).rowcount
    finally:
        conn.exec_driver_sql("PRAGMA temp_store = DEFAULT")
    return count, seq + count


def _copy_new(conn: Connection, seq: int) -> tuple[int, int]:
    """New registrations, without Python touching a row: reading 100,000 of them back,
    making dictionaries and JSON of them and binding them again was 3 s of the 4.5 s a
    first publishing took."""
    return _copied(conn, _COPY_NEW, seq)


def _copy_new_codes(conn: Connection, seq: int) -> int:
    return _copied(conn, _COPY_NEW_CODES, seq)[1]


def _compared(
    hub: Hub, conn: Connection, clock: Any, current: dict[str, Any], batch: Any, copied: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A batch of staged registrations: (new ones unless ``copied`` already, changed ones
    merged with the hub's)."""
    rows = [dict(zip(ATTENDEE_COLUMNS, r, strict=True)) for r in batch]
    stale = [
        r["uid"]
        for r in rows
        if current.get(r["uid"], (r["row_hash"], r["live_uid"])) != (r["row_hash"], r["live_uid"])
    ]
    before = (
        {
            r["uid"]: r
            for r in conn.execute(select(hub_attendee).where(hub_attendee.c.uid.in_(stale))).mappings()
        }
        if stale
        else {}
    )
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for row in rows:
        imported = {f: row[f] for f in _EDITABLE}
        if row["uid"] not in current and not copied:
            inserts.append(
                {
                    **row,
                    "imported": json.dumps(imported, ensure_ascii=False),
                    "field_hlc": "{}",
                    "field_src": "{}",
                }
            )
        elif row["uid"] in before:
            updates.append(_merge_row(hub, conn, clock.now(), before[row["uid"]], row, imported))
    return inserts, updates


def _publish_codes(conn: Connection, sconn: Connection, seq: int) -> int:
    """Codes the hub does not hold yet (a code never changes hands); the next number."""
    known = set(conn.execute(select(hub_ticket_code.c.code)).scalars())
    for batch in sconn.exec_driver_sql("SELECT code, uid FROM ticket_code").partitions(_BATCH):
        new = [{"code": c, "uid": u} for c, u in batch if c not in known]
        for values in new:
            values["hseq"] = seq
            seq += 1
        if new:
            _insert_many(conn, hub_ticket_code, new)
    return seq


def _publish_sensitive(conn: Connection, sconn: Connection, seq: int, copied: bool) -> None:
    """Needs the hub does not hold, and changed ones (copied: the new ones by SQLite)."""
    if copied:
        had = conn.exec_driver_sql("SELECT count(*) FROM hub_sensitive").scalar_one()
        seq = _copied(conn, _COPY_NEW_SENSITIVE, seq)[1]
        if not had:
            return  # every need was new
    have = {
        u: (d, a)
        for u, d, a in conn.execute(
            select(hub_sensitive.c.uid, hub_sensitive.c.dietary, hub_sensitive.c.accessibility)
        )
    }
    staged = sconn.exec_driver_sql("SELECT uid, dietary, accessibility FROM sensitive_info")
    for batch in staged.partitions(_BATCH):
        changed = [{"uid": u, "dietary": d, "accessibility": a} for u, d, a in batch if have.get(u) != (d, a)]
        for values in changed:
            values["hseq"] = seq
            seq += 1
        upsert(conn, hub_sensitive, changed, ["uid"], update=True)


def _insert_many(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Many new rows: on an SQLite hub straight through the driver (SQLAlchemy's per-row
    parameter handling cost more than the insert itself at 100,000 rows); elsewhere
    through SQLAlchemy (PostgreSQL batches them itself)."""
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), rows)
        return
    names = list(rows[0])
    values = operator.itemgetter(*names)  # a row's values as a tuple, in C (names > 1)
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.executemany(
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        map(values, rows),
    )


def _merge_row(
    hub: Hub,
    conn: Connection,
    stamp: str,
    before: Any,
    row: dict[str, Any],
    imported: dict[str, str],
) -> dict[str, Any]:
    """The new hub row: the export's values, except fields whose fix is newer."""
    previous: dict[str, str] = json.loads(before["imported"] or "{}")
    stamps: dict[str, str] = json.loads(before["field_hlc"] or "{}")
    sources: dict[str, str] = json.loads(before["field_src"] or "{}")
    values = dict(row)
    for field in _EDITABLE:
        if imported[field] == previous.get(field, before[field]):
            values[field] = before[field]  # the export did not change it: a fix stands
            continue
        fix = sources.get(field)
        if fix and before[field] != imported[field]:
            fact = {
                "id": fix,
                "value": before[field],
                "desk": "",
                "hub_hlc": stamps.get(field, ""),
                "hlc": "",
            }
            merge.record_conflict(hub, conn, row["uid"], field, fact, imported[field], stamp)
        stamps[field] = stamp
        sources.pop(field, None)
    if any(values[f] != imported[f] for f in _EDITABLE):
        values.update(merge.search_fields(values))
    values["imported"] = json.dumps(imported, ensure_ascii=False)
    values["field_hlc"] = json.dumps(stamps)
    values["field_src"] = json.dumps(sources)
    return values
