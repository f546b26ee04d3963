"""One exchange between a desk's replica and the hub: push what the desk did, pull the rest.

Cursors live in the replica's ``meta`` table, per hub:

* ``sync.push.<hub>``: the local ``fact.seq`` up to which facts are on the hub;
* ``sync.pull.<hub>.<table>``: the hub number up to which rows of a table are here.

A cursor moves only after the data it covers is committed on the side that receives it:
the hub commits a batch of facts, then the desk moves its push cursor; the desk commits a
pulled batch together with the pull cursor in one transaction. A kill at any point leaves
at worst a batch that is sent again, and facts are keyed by UUID (``ON CONFLICT DO
NOTHING``), so an interrupted exchange converges to the same state as an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from checkin.base.i18n import _
from checkin.event.model import EventConfig
from checkin.replica import conflicts as conflict_module
from checkin.replica import facts as fact_module
from checkin.replica import signed
from checkin.replica.attendees import by_uid
from checkin.replica.db import Replica, defer_search_index, fill_search_index
from checkin.replica.hlc import Stamp
from checkin.sync import merge, slices
from checkin.sync.hub import (
    ATTENDEE_COLUMNS,
    FACT_COLUMNS,
    MEETING_COLUMNS,
    PURGE_KEY,
    SESSION_COLUMNS,
    Hub,
    get_meta,
    hub_attendee,
    hub_conflict,
    hub_fact,
    hub_meeting,
    hub_sensitive,
    hub_session,
    hub_ticket_code,
    set_meta,
)

log = logging.getLogger(__name__)

BATCH = int(os.environ.get("CHECKIN_SYNC_BATCH", "5000"))
SENSITIVE_FIELDS = ("dietary", "accessibility")


@dataclass
class SyncResult:
    pushed: int = 0
    pulled: int = 0
    pulled_by_table: dict[str, int] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    hub_ahead: int = 0
    desk_ahead: int = 0
    purged: bool = False  # the hub was purged after the event, and so was this desk

    def purge_notice(self) -> str:
        """The sentence a desk shows when this exchange purged it, else ""."""
        if not self.purged:
            return ""
        return _(
            "Le hub a été purgé après l'événement : les données personnelles de ce poste "
            "sont effacées, ses comptes gardés."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "purged": self.purged,
            "pushed": self.pushed,
            "pulled": self.pulled,
            "pulled_by_table": self.pulled_by_table,
            "conflicts": self.conflicts,
            "hub_ahead": self.hub_ahead,
            "desk_ahead": self.desk_ahead,
        }


def _meta(conn: Connection, key: str, default: str = "0") -> str:
    row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (key,)).first()
    return str(row[0]) if row else default


def _set(conn: Connection, key: str, value: str) -> None:
    conn.exec_driver_sql(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def push_key(hub: Hub) -> str:
    return f"sync.push.{hub.hub_id}"


def pull_key(hub: Hub, table: str) -> str:
    return f"sync.pull.{hub.hub_id}.{table}"


def exchange(
    replica: Replica,
    hub: Hub,
    *,
    desk: str | None = None,
    desk_fields: tuple[str, ...] = (),
    batch: int | None = None,
    report: bool = True,
    event: EventConfig | None = None,
) -> SyncResult:
    """Push, then pull, then report; raises :class:`HubError` if the hub stops answering.

    ``event`` is the desk's event (the days whose counts a purge keeps); without it, the
    event this run resolved.

    ``report=False`` leaves out the conflict list (live mode's exchanges every few seconds:
    on a desk holding the whole event's check-ins, the list is most of an exchange's cost,
    and the staff view and the reports compute it when they are asked).
    """
    size = batch or BATCH
    result = SyncResult()
    if desk:
        with replica.write() as conn:
            _set(conn, "desk_name", desk)
    result.purged = follow_purge(replica, hub, event)
    result.pushed = push(replica, hub, size)
    pulled = pull(replica, hub, size, desk_fields)
    pretix_notes(replica, hub)
    result.pulled_by_table = pulled
    result.pulled = sum(pulled.values())
    result.desk_ahead, result.hub_ahead = ahead(replica, hub)
    with replica.write() as conn:  # when, for the pre-flight check (checkin.preflight.checks)
        _set(conn, "sync.last_exchange", datetime.now(UTC).isoformat(timespec="seconds"))
    if report:
        with replica.read() as conn:
            result.conflicts = conflict_module.from_replica(conn)
    log.info("sync: pushed %d, pulled %d, %d conflicts", result.pushed, result.pulled, len(result.conflicts))
    return result


def pretix_notes(replica: Replica, hub: Hub) -> bool:
    """Copy the pretix notes a ``checkin pretix pull --hub`` left on the hub — the event's
    public keys and the revoked secrets — into the replica, so the desk checks signed
    secrets offline as the hub's machine does; a note read once is not written again."""
    with hub.read() as hconn:
        keys, revoked = get_meta(hconn, signed.KEYS_META), get_meta(hconn, signed.REVOKED_META)
    if not (keys or revoked):
        return False
    seen = hashlib.blake2b(f"{keys}\n{revoked}".encode(), digest_size=12).hexdigest()
    if replica.meta(_PRETIX_SEEN) == seen:
        return False
    with replica.write() as conn:
        if keys:
            _set(conn, signed.KEYS_META, json.dumps(signed.json_list(keys)))
        signed.add_revoked(conn, signed.json_list(revoked))
        _set(conn, _PRETIX_SEEN, seen)
    return True


_PRETIX_SEEN = "sync.pretix_notes"  # the hash of the hub's pretix notes last copied


def follow_purge(replica: Replica, hub: Hub, event: EventConfig | None = None) -> bool:
    """Purge this desk (keeping its counts) if the hub was purged since its last exchange.

    Nothing is pushed to a purged hub first: the names would go back onto it. The desk's
    own counts, including work the hub never received, stay in its ``aggregate.*`` rows.
    """
    with hub.read() as hconn:
        purge = get_meta(hconn, PURGE_KEY)
    seen_key = f"purged.{hub.hub_id}"
    if not purge or replica.meta(seen_key, "") == purge:
        return False
    from checkin.sync.purge import purge_open  # the reports' code, needed only now

    purge_open(replica, keep_aggregates=True, event=event)
    with replica.write() as conn:
        _set(conn, seen_key, purge)
    log.warning("the hub was purged (%s): this desk's personal data are deleted too", purge.split()[-1])
    return True


def push(replica: Replica, hub: Hub, size: int) -> int:
    key = push_key(hub)
    total = 0
    name = replica.meta("desk_name", "")
    if name:
        with hub.write() as hconn:
            set_meta(hconn, f"desk.{replica.desk_id}", name)
    while True:
        with replica.read() as conn:
            cursor = int(_meta(conn, key))
            rows = conn.exec_driver_sql(
                "SELECT seq, " + ", ".join(FACT_COLUMNS) + " FROM fact WHERE seq > ? ORDER BY seq LIMIT ?",
                (cursor, size),
            ).all()
        if not rows:
            return total
        desk_now = Stamp.parse(replica.clock.now()).millis
        facts = [dict(zip(FACT_COLUMNS, r[1:], strict=True)) for r in rows]
        with hub.write() as hconn:
            skew = desk_now - hub.now_millis(hconn)
            ids = [f["id"] for f in facts]
            known = set(hconn.execute(select(hub_fact.c.id).where(hub_fact.c.id.in_(ids))).scalars())
            new = [f for f in facts if f["id"] not in known]
            if new:
                first = hub.allocate(hconn, len(new))
                for i, f in enumerate(new):
                    f["hseq"] = first + i
                    f["hub_hlc"] = merge.corrected(f["hlc"], skew)
                hconn.execute(hub_fact.insert(), new)
                merge.apply_facts(hub, hconn, new)
            slices.checkpoint()
        slices.checkpoint()
        with replica.write() as conn:
            _set(conn, key, str(rows[-1][0]))
        slices.checkpoint()
        total += len(new)


_PULLS: list[tuple[str, Any, list[str]]] = [
    ("ticket_code", hub_ticket_code, ["code", "uid"]),
    ("attendee", hub_attendee, ATTENDEE_COLUMNS),
    ("sensitive", hub_sensitive, ["uid", "dietary", "accessibility"]),
    ("session", hub_session, SESSION_COLUMNS),
    ("meeting", hub_meeting, MEETING_COLUMNS),
    ("conflict", hub_conflict, ["id", "kind", "attendee_uid", "data"]),
    ("fact", hub_fact, FACT_COLUMNS),
]


def pull(replica: Replica, hub: Hub, size: int, desk_fields: tuple[str, ...] = ()) -> dict[str, int]:
    """Everything new on the hub, read in batches of ``size`` rows (no replica lock held
    while the hub answers) and written in short transactions (see :func:`_write_sliced`)."""
    counts: dict[str, int] = {}
    keep_sensitive = tuple(f for f in SENSITIVE_FIELDS if f in desk_fields)
    for name, table, columns in _PULLS:
        if name == "sensitive" and not keep_sensitive:
            continue
        key = pull_key(hub, name)
        counts[name] = 0
        deferred = name == "attendee" and _empty_desk(replica)
        if deferred:
            # An empty desk takes every registration: the search index is filled after the
            # rows, in batches, rather than row by row (most of a first pull's cost).
            with replica.write() as conn:
                defer_search_index(conn)
        # Small whole tables (programme, grid) come in one batch so a change replaces them.
        whole = name in {"session", "meeting"}
        while True:
            with replica.read() as conn:
                cursor = int(_meta(conn, key))
            with hub.read() as hconn:
                query = (
                    select(*(table.c[c] for c in columns), table.c.hseq)
                    .where(table.c.hseq > cursor)
                    .order_by(table.c.hseq)
                )
                if not whole:
                    query = query.limit(size)
                rows = [tuple(r) for r in hconn.execute(query)]
            if not rows:
                break
            slices.checkpoint()
            values = [dict(zip(columns, r[:-1], strict=True)) for r in rows]
            hseqs = [int(r[-1]) for r in rows]
            _write_sliced(replica, hub, name, key, values, hseqs, keep_sensitive, whole=whole)
            counts[name] += len(rows)
            if whole or len(rows) < size:
                break
        if deferred:
            fill_search_index(replica)
    return counts


_STEP = 50  # rows applied between two looks at the clock


def _write_sliced(
    replica: Replica,
    hub: Hub,
    name: str,
    key: str,
    values: list[dict[str, Any]],
    hseqs: list[int],
    keep_sensitive: tuple[str, ...],
    *,
    whole: bool = False,
) -> None:
    """Apply pulled rows in short transactions, each committing the cursor with its rows."""
    done = 0
    while done < len(values):
        # Not flushed at each commit: a batch lost to a power cut is pulled again (its
        # cursor is in the same transaction).
        with replica.write(durable=False) as conn:
            started = time.monotonic()
            while True:  # at least one step per transaction
                part = values[done:] if whole else values[done : done + _STEP]
                _APPLY[name](replica, conn, hub, part, keep_sensitive)
                done += len(part)
                if (
                    done >= len(values)
                    or time.monotonic() - started >= slices.SLICE_SECONDS
                    or replica.write_lock.waiting()  # the desk's thread: its turn now
                ):
                    break
            _set(conn, key, str(hseqs[done - 1]))
        slices.checkpoint()
    replica.flush()


def _empty_desk(replica: Replica) -> bool:
    with replica.read() as conn:
        return conn.exec_driver_sql("SELECT 1 FROM attendee LIMIT 1").first() is None


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _apply_codes(
    _r: Replica, conn: Connection, _h: Hub, rows: list[dict[str, Any]], _s: tuple[str, ...]
) -> None:
    conn.exec_driver_sql(
        "INSERT INTO ticket_code(code, uid) VALUES (?, ?) ON CONFLICT(code) DO UPDATE SET uid = excluded.uid",
        [(r["code"], r["uid"]) for r in rows],  # type: ignore[arg-type]
    )


def _apply_attendees(
    replica: Replica, conn: Connection, hub: Hub, rows: list[dict[str, Any]], _s: tuple[str, ...]
) -> None:
    cols = ATTENDEE_COLUMNS
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "uid")
    conn.exec_driver_sql(
        f"INSERT INTO attendee ({', '.join(cols)}) VALUES ({_marks(len(cols))}) ON CONFLICT(uid) DO UPDATE SET {updates}",
        [tuple(r[c] for c in cols) for r in rows],  # type: ignore[arg-type]
    )
    # Fixes made here and not yet on the hub stay shown until the hub has merged them.
    cursor = int(_meta(conn, push_key(hub)))
    pending = conn.exec_driver_sql(
        "SELECT attendee_uid, field, value FROM fact WHERE kind = 'edit' AND seq > ? ORDER BY seq", (cursor,)
    ).all()
    wanted = {r["uid"] for r in rows}
    for uid, fld, value in pending:
        if uid in wanted:
            current = by_uid(conn, uid)
            if current is not None:
                fact_module.apply_edit(conn, current, fld, value)


def _apply_sensitive(
    _r: Replica, conn: Connection, _h: Hub, rows: list[dict[str, Any]], keep: tuple[str, ...]
) -> None:
    """Only the sensitive fields configured for desks are kept; the others stay empty."""
    conn.exec_driver_sql(
        "INSERT INTO sensitive_info(uid, dietary, accessibility) VALUES (?, ?, ?) "
        "ON CONFLICT(uid) DO UPDATE SET dietary = excluded.dietary, accessibility = excluded.accessibility",
        [
            (
                r["uid"],
                r["dietary"] if "dietary" in keep else "",
                r["accessibility"] if "accessibility" in keep else "",
            )
            for r in rows
        ],  # type: ignore[arg-type]
    )


def _apply_sessions(
    _r: Replica, conn: Connection, _h: Hub, rows: list[dict[str, Any]], _s: tuple[str, ...]
) -> None:
    conn.exec_driver_sql("DELETE FROM session")
    conn.exec_driver_sql(
        'INSERT INTO session(code, title, kind, day, start, "end", room) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [tuple(r[c] for c in SESSION_COLUMNS) for r in rows],  # type: ignore[arg-type]
    )


def _apply_meetings(
    _r: Replica, conn: Connection, _h: Hub, rows: list[dict[str, Any]], _s: tuple[str, ...]
) -> None:
    conn.exec_driver_sql("DELETE FROM meeting")
    conn.exec_driver_sql(
        "INSERT INTO meeting(day, slot, table_name, code_a, code_b) VALUES (?, ?, ?, ?, ?)",
        [tuple(r[c] for c in MEETING_COLUMNS) for r in rows],  # type: ignore[arg-type]
    )


def _apply_conflicts(
    _r: Replica, conn: Connection, _h: Hub, rows: list[dict[str, Any]], _s: tuple[str, ...]
) -> None:
    """Conflicts only the hub can see (fix vs export) are kept in ``meta`` for the reports."""
    known = json.loads(_meta(conn, "sync.conflicts", "[]"))
    ids = {c["id"] for c in known}
    for r in rows:
        if r["id"] not in ids:
            known.append(
                {
                    "id": r["id"],
                    "kind": r["kind"],
                    "attendee_uid": r["attendee_uid"],
                    **json.loads(r["data"] or "{}"),
                }
            )
    _set(conn, "sync.conflicts", json.dumps(known, ensure_ascii=False))


def _apply_facts(
    replica: Replica, conn: Connection, hub: Hub, rows: list[dict[str, Any]], _s: tuple[str, ...]
) -> None:
    key = push_key(hub)
    top_before = int(conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM fact").scalar_one())
    cols = FACT_COLUMNS
    conn.exec_driver_sql(
        f"INSERT INTO fact ({', '.join(cols)}) VALUES ({_marks(len(cols))}) ON CONFLICT(id) DO NOTHING",
        [tuple(r[c] for c in cols) for r in rows],  # type: ignore[arg-type]
    )
    # Facts that came from the hub need not go back: move the push cursor past them when
    # nothing of ours was waiting below them.
    if int(_meta(conn, key)) >= top_before:
        top = int(conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM fact").scalar_one())
        _set(conn, key, str(top))
    for r in rows:
        if r["kind"] == "walkin" and r["attendee_uid"]:
            view = fact_module.FactView(
                **{k: r[k] for k in FACT_COLUMNS if k not in {"desk_id", "data"}},
                data=json.loads(r["data"]) if r["data"] else {},
            )
            fact_module.materialise_walkin(conn, view)
    replica.clock.observe(max(r["hlc"] for r in rows))


_APPLY = {
    "ticket_code": _apply_codes,
    "attendee": _apply_attendees,
    "sensitive": _apply_sensitive,
    "session": _apply_sessions,
    "meeting": _apply_meetings,
    "conflict": _apply_conflicts,
    "fact": _apply_facts,
}


def ahead(replica: Replica, hub: Hub) -> tuple[int, int]:
    """(facts here not yet on the hub, rows on the hub not yet here)."""
    with replica.read() as conn:
        push_cursor = int(_meta(conn, push_key(hub)))
        desk_ahead = int(
            conn.exec_driver_sql("SELECT count(*) FROM fact WHERE seq > ?", (push_cursor,)).scalar_one()
        )
        cursors = {name: int(_meta(conn, pull_key(hub, name))) for name, _t, _c in _PULLS}
    hub_ahead = 0
    with hub.read() as hconn:
        for name in ("attendee", "fact"):
            table = hub_attendee if name == "attendee" else hub_fact
            hub_ahead += int(
                hconn.execute(
                    select(func.count()).select_from(table).where(table.c.hseq > cursors[name])
                ).scalar_one()
            )
    return desk_ahead, hub_ahead
