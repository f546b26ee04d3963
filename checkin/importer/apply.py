"""Writing an export into the replica: checked whole first, then applied in short steps.

An import reads and checks the whole file before it writes anything: every row is cleaned
and compared with what the replica holds (new, changed, unchanged, cancelled, rejected
with its reason) into a staging file on the side, without holding the replica's write
lock. A dry run stops there. A real import then applies the staged rows in short
transactions — each holds the write lock for a few tens of milliseconds at most — so a
scan at the desk never waits behind an import.

Registrations are matched by their registration number, so importing the next export
updates what changed, marks what was cancelled, adds what is new, and leaves alone
everything desks recorded (check-ins, prints, fixes: the ``fact`` table). A field a desk
fixed keeps the desk's value; the export's is kept in ``raw``.

An import interrupted halfway (the program killed, the disk full) leaves part of the rows
applied and a note ``import_state`` in ``meta`` naming the file: the desk says so, and
importing the file again finishes the work (the rows already applied are unchanged, the
others are applied), since every step is an idempotent upsert keyed by registration.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import signal
import sqlite3
import tempfile
import time
from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from checkin.base import codes, paths
from checkin.base.errors import DatabaseError
from checkin.base.i18n import _
from checkin.event.model import EventConfig
from checkin.importer import addons
from checkin.importer.mapping import Mapping
from checkin.importer.opened import OpenedExport
from checkin.importer.records import CLEANING_VERSION, RowError
from checkin.importer.summary import ImportSummary, public, set_meta
from checkin.importer.workers import ATTENDEE_FIELDS, STAGED, Clean, Cleaner, Outcome, cleaned
from checkin.replica.db import Replica, defer_search_index, fill_search_index, share_with_window
from checkin.replica.facts import EDITABLE

__all__ = ["ATTENDEE_FIELDS", "import_registrations", "interrupted_import", "interrupted_sentence"]
_AT = {name: i for i, name in enumerate(STAGED)}
_STATUS_RANK = {"confirmed": 0, "pending": 1, "waitlisted": 2, "cancelled": 3}
# How long one step of an import may hold the replica's write lock.
LOCK_BUDGET_S = 0.04
STEP_ROWS = 100  # rows written between two looks at the desk's thread, inside a step
# While the desk scans (an import in a process of its own saw one of its writes in the last
# few seconds), a step holds the lock this long at most, and its log is flushed to disk
# after it, outside the lock: a scan waits for one short step, and its own commit's flush
# no longer writes the megabytes the import's steps left in the log.
ACTIVE_BUDGET_S = 0.012
# and looks at the desk's thread every this many rows (behind 100 rows of a re-import's
# updates, one scan a run waited 42–75 ms)
ACTIVE_ROWS = 25
DESK_ACTIVE_S = 3.0
# Otherwise the log is flushed this often (a scan's flush then writes at most this much of
# the import's work: the first scan into a busy desk is not slower than the next ones).
FLUSH_EVERY_S = 0.1
# A step stops writing rows once what it took and what its end will take reach this share of
# its budget: the end (the commit) varies from the last steps' by a few ms. Steps aiming at
# the whole of 40 ms held the lock 42–44 ms; at 85 %, 38–41 ms; at 80 %, 37–38 ms.
STEP_AIM = 0.8
# What the end of a step (its commit) is reckoned to take a row before any step has been
# measured: without it the first step of a first import wrote 2,300 rows and held 62 ms.
FIRST_TAIL_S = 0.00002
CHECKPOINT_EVERY_S = 1.0  # how often an import copies its log back into the database
MAX_SHOWN_ROWS = 10_000  # rejected / defaulted rows listed in a summary, at most
# Fault injection for the tests: the process kills itself (SIGKILL) inside its n-th write step.
_KILL_AT_STEP = int(os.environ.get("CHECKIN_IMPORT_KILL_STEP", "0") or 0)


def interrupted_import(replica: Replica) -> dict[str, Any] | None:
    """The import left halfway, if any: its file, when it started, how far it got."""
    text = replica.meta("import_state")
    return json.loads(text) if text else None


def interrupted_sentence(state: dict[str, Any]) -> str:
    return _(
        "L'import de {file} commencé le {started} a été interrompu : une partie des {rows} "
        "inscriptions seulement est à jour. Importez de nouveau ce fichier pour le terminer.",
        file=state.get("file", "?"),
        started=str(state.get("started", "?")).replace("T", " ")[:16],
        rows=state.get("rows", "?"),
    )


def _context(event: EventConfig, mapping: Mapping) -> str:
    """What a row's reading depends on besides its cells: a changed rule re-reads all."""
    parts = [
        CLEANING_VERSION,
        repr([(c.key, c.name, c.aliases, c.default) for c in event.categories]),
        repr([(d.iso, d.label, d.label_en, d.aliases) for d in event.days]),
        repr((event.all_days, event.empty_days_means_all, event.ticket_rules, event.phone_region)),
        repr(
            (
                sorted(mapping.columns.items()),
                mapping.profile.key if mapping.profile else "",
                mapping.own_codes,
            )
        ),
    ]
    return hashlib.blake2b("\x1e".join(parts).encode(), digest_size=8).hexdigest()


class _Staging:
    """The checked rows, in a file beside the import (never in the replica until applied).

    Each row is one ``marshal`` blob (its values in ``STAGED`` order, about 900 bytes)
    sealed with AES-GCM under a key made for this import and never written anywhere: the
    file holds personal rows, and one left behind by a crash (swept at the next start) can
    never be read. Only each row's uid and place stay in memory (100,000 rows kept in
    memory held 90 MB more at the peak; through an SQLCipher file they cost 2–3 s of a
    first import of 100,000 rows).

    Rows are read back in the order of their uid: an import into an empty replica then
    fills the indexes keyed by uid (the attendee's, ``live_uid``'s, the codes' and the
    sensitive rows') at their end instead of all over them, so each short step touches a
    few pages, not hundreds.
    """

    def __init__(self, folder: Path, fresh: bool) -> None:
        self.file = (folder / "staging.bin").open("w+b")
        self.seal = AESGCM(AESGCM.generate_key(bit_length=128))
        self.uids: list[str] = []
        self.ends = array("q")  # where each row's blob ends in the file
        self.inserts = bytearray()  # 1: a new registration, 0: an update
        self.fixed: dict[int, str] = {}  # an update's fields a desk fixed (kept)
        self.pending: list[bytes] = []
        self.size = 0
        # A first import (no imported row in the replica): the same person's registrations
        # are grouped as they are staged, and written grouped (see ``regrouped``). By a
        # hash of the person's key (the keys themselves would hold 15 MB); equal hashes of
        # different keys are told apart in ``regrouped``.
        self.fresh = fresh
        self.first_of: dict[int, int] = {}
        self.groups: dict[int, list[int]] = {}

    @property
    def count(self) -> int:
        return len(self.uids)

    def add(self, op: str, fixed: str, row: Clean) -> None:
        at = len(self.uids)
        blob = self.seal.encrypt(at.to_bytes(12, "little"), row.data, None)
        self.pending.append(blob)
        self.size += len(blob)
        self.ends.append(self.size)
        self.uids.append(row.uid)
        self.inserts.append(op == "insert")
        if fixed:
            self.fixed[at] = fixed
        if len(self.pending) >= 2000:
            self._flush()
        if self.fresh and op == "insert" and row.person_key:
            key = hash(row.person_key)
            first = self.first_of.setdefault(key, at)
            if first != at:
                self.groups.setdefault(key, [first]).append(at)

    def _flush(self) -> None:
        try:
            self.file.seek(0, os.SEEK_END)
            self.file.write(b"".join(self.pending))
        except OSError as exc:
            raise DatabaseError(
                _(
                    "Impossible de préparer l'import dans {folder} ({problem}) : rien n'a été "
                    "importé. Libérez de la place sur le disque, puis importez de nouveau.",
                    folder=Path(self.file.name).parent.parent,
                    problem=exc.strerror or exc,
                )
            ) from exc
        self.pending.clear()

    def values(self, at: int) -> tuple[Any, ...]:
        if self.pending:
            self._flush()
            self.file.flush()
        start = self.ends[at - 1] if at else 0
        self.file.seek(start)  # read, not mapped: mapped pages count in the desk's memory
        sealed = self.file.read(self.ends[at] - start)
        return self._unsealed(at, sealed)

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """Every staged row's values (``STAGED`` order), in the order they were staged."""
        for at in range(self.count):
            share_with_window()
            yield self.values(at)

    def chunks(self, size: int, by_uid: bool = True) -> Iterator[list[tuple[str, str, tuple[Any, ...]]]]:
        """(op, fields kept, values) of every staged row, ``size`` at a time: by uid, or
        (``by_uid`` False) in the order they were staged, each chunk read in one go."""
        if not by_uid:
            for start in range(0, self.count, size):
                end = min(start + size, self.count)
                yield [
                    ("insert" if self.inserts[at] else "update", self.fixed.get(at, ""), values)
                    for at, values in zip(range(start, end), self._block(start, end), strict=True)
                ]
            return
        order = sorted(range(self.count), key=self.uids.__getitem__)
        for start in range(0, len(order), size):
            yield [
                ("insert" if self.inserts[at] else "update", self.fixed.get(at, ""), self.values(at))
                for at in order[start : start + size]
            ]

    def _unsealed(self, at: int, sealed: bytes | memoryview) -> tuple[Any, ...]:
        """Row ``at``'s values from its sealed blob (its place is its nonce, as in ``add``)."""
        return tuple(marshal.loads(self.seal.decrypt(at.to_bytes(12, "little"), sealed, None)))

    def _block(self, start: int, end: int) -> Iterator[tuple[Any, ...]]:
        """The values of rows ``start`` to ``end`` (excluded), read in one go."""
        if self.pending:
            self._flush()
            self.file.flush()
        first = self.ends[start - 1] if start else 0
        self.file.seek(first)
        data = memoryview(self.file.read(self.ends[end - 1] - first))
        begin = 0
        for at in range(start, end):
            stop = self.ends[at] - first
            yield self._unsealed(at, data[begin:stop])
            begin = stop

    def regrouped(self) -> tuple[dict[str, str], list[dict[str, Any]]]:
        """A first import's grouping, as ``_REGROUP`` makes it: every registration of a
        person pointed at the one that counts (uid → that uid, for the others only), and
        the summary's duplicates (that one's code, the others' codes)."""
        uid_, key_, status_, at_, reg_, code_ = (
            _AT[c] for c in ("uid", "person_key", "status", "registered_at", "registration", "code")
        )
        people: dict[str, list[tuple[int, str, str, str, str]]] = defaultdict(list)
        for places in self.groups.values():
            for at in places:
                v = self.values(at)
                people[v[key_]].append((_STATUS_RANK.get(v[status_], 4), v[at_], v[reg_], v[uid_], v[code_]))
        live: dict[str, str] = {}
        duplicates = []
        for members in people.values():
            if len(members) < 2:
                continue  # the same hash, another person
            rank = min(m[0] for m in members)
            best = max((m for m in members if m[0] == rank), key=lambda m: (m[1], m[2]))
            others = [m for m in members if m is not best]
            live.update((m[3], best[3]) for m in others)
            duplicates.append({"live": best[4], "others": sorted(m[4] for m in others)})
        return live, sorted(duplicates, key=lambda d: str(d["live"]))

    def close(self) -> None:
        self.file.close()


def _read_all(replica: Replica, sql: str) -> Iterator[tuple[Any, ...]]:
    """Every row of ``sql``, a few thousand at a time straight from the driver (through
    SQLAlchemy's row objects, 100,000 rows cost a second), the window served between."""
    with replica.read() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        cursor = raw.execute(sql)
        while batch := cursor.fetchmany(2000):
            share_with_window()
            yield from batch


class _CodeOwners:
    """Which registration holds each code, read from the replica when first asked: a
    re-import whose rows are all unchanged never reads the codes' table."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica
        self.owners: dict[str, str] | None = None

    def _all(self) -> dict[str, str]:
        if self.owners is None:
            self.owners = dict(_read_all(self.replica, "SELECT code, uid FROM ticket_code"))
        return self.owners

    def get(self, code: str, default: str | None = None) -> str | None:
        return self._all().get(code, default)

    def __setitem__(self, code: str, uid: str) -> None:
        self._all()[code] = uid


def import_registrations(
    replica: Replica,
    event: EventConfig,
    export: OpenedExport,
    summary: ImportSummary,
    dry_run: bool,
    lock_budget_s: float | None,
) -> None:
    """Check every row of ``export`` (read with its mapping) against the replica, then,
    unless ``dry_run``, apply them in steps of ``lock_budget_s`` (None: one transaction)."""
    mapping = export.mapping
    assert mapping is not None, "the mapping is chosen before the rows are read"
    summary.platform = mapping.profile.platform if mapping.profile else ""
    summary.layout = mapping.label
    summary.columns = {f: mapping.header(f) for f in sorted(mapping.columns, key=mapping.columns.get)}  # type: ignore[arg-type]
    context = _context(event, mapping)
    # registration → (uid, row_hash, status, source, category, days, code, registration)
    existing: dict[str, tuple[str, ...]] = {
        row[7]: row
        for row in _read_all(
            replica, "SELECT uid, row_hash, status, source, category, days, code, registration FROM attendee"
        )
    }
    code_owner = _CodeOwners(replica)
    with replica.read() as conn:
        fixed: dict[str, set[str]] = defaultdict(set)
        for uid, fld in conn.exec_driver_sql(
            "SELECT DISTINCT attendee_uid, field FROM fact WHERE kind = 'edit'"
        ):
            if fld in EDITABLE:
                fixed[uid].add(fld)
    by_hash = {v[1]: reg for reg, v in existing.items() if v[3] == "import"}
    # An unchanged row (same cells, same rules) needs no cleaning; a dry run cleans them all.
    cleaner = Cleaner(event, mapping, context, frozenset() if dry_run else frozenset(by_hash))
    seen: dict[str, int] = {}
    tally = _Tally(event, summary)
    fresh = not any(v[3] == "import" for v in existing.values()) and not interrupted_import(replica)
    with tempfile.TemporaryDirectory(prefix="checkin-import-", dir=paths.staging_dir()) as tmp:
        staging = _Staging(Path(tmp), fresh and not dry_run)
        try:
            for number, digest, outcome in cleaned(export.rows(), cleaner):
                share_with_window()
                summary.read += 1
                if outcome is None:
                    reg = by_hash[digest]
                    if reg not in seen:
                        seen[reg] = number
                        summary.unchanged += 1
                        before = existing[reg]
                        tally.rows[(before[4], before[5], before[2])] += 1
                        continue
                    summary.rejected.append({"row": number, "reason": _twice(reg, seen[reg])})
                    continue
                _stage_row(
                    event,
                    mapping,
                    outcome,
                    number,
                    existing,
                    code_owner,
                    fixed,
                    seen,
                    staging,
                    summary,
                    tally,
                )
            summary.missing = sum(1 for reg, v in existing.items() if v[3] == "import" and reg not in seen)
            tally.finish()
            if dry_run:
                summary.duplicates = _duplicates_preview(replica, staging)
                return
            _apply(replica, staging, summary, export.headers, lock_budget_s)
            addons.write(replica, event.id, summary, seen)

        finally:
            staging.close()


class _Tally:
    """The dry run's tables: category × day, ticket types, rows that fell to a default."""

    def __init__(self, event: EventConfig, summary: ImportSummary) -> None:
        self.event = event
        self.summary = summary
        self.cells: Counter[tuple[str, str]] = Counter()
        self.types: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.statuses: Counter[str] = Counter()
        self.rows: Counter[tuple[str, str, str]] = Counter()

    def known(self, category: str, days: str, status: str) -> None:
        self.rows[(category, days, status)] += 1  # counted by value, spread over days at the end

    def record(self, record: Clean, number: int) -> None:
        self.known(record.category, record.days, record.status)
        if record.date_unread:
            self.summary.unread_dates += 1
            self.summary.unread_date = self.summary.unread_date or record.registered_at
        key = (record.ticket_type, record.category, record.days)
        entry = self.types.get(key)
        if entry is None:
            entry = self.types[key] = {
                "ticket_type": record.ticket_type,
                "category": record.category,
                "days": [d for d in record.days.split(",") if d],
                "category_default": record.category_default,
                "days_default": record.days_default,
                "count": 0,
            }
        entry["count"] += 1
        if record.category_default or record.days_default:
            if len(self.summary.defaults) < MAX_SHOWN_ROWS:
                what = []
                if record.category_default:
                    what.append("category")
                if record.days_default:
                    what.append("days")
                self.summary.defaults.append(
                    {
                        "row": number,
                        "name": " ".join(p for p in (record.first_name, record.last_name) if p),
                        "ticket_type": record.ticket_type,
                        "category": record.category,
                        "days": [d for d in record.days.split(",") if d],
                        "defaults": what,
                    }
                )

    def finish(self) -> None:
        for (category, held, status), count in self.rows.items():
            self.statuses[status] += count
            if status != "cancelled":
                for day in held.split(",") if held else ("",):
                    self.cells[(category, day)] += count
        days = [d.iso for d in self.event.days]
        table: dict[str, dict[str, int]] = {}
        for cat in [c.name for c in self.event.categories] + sorted({c for c, _d in self.cells}):
            row = {day: self.cells.get((cat, day), 0) for day in days}
            if self.cells.get((cat, "")):
                row[""] = self.cells[(cat, "")]
            if any(row.values()):
                table[cat] = row
        self.summary.table = table
        self.summary.ticket_types = sorted(self.types.values(), key=lambda e: (-e["count"], e["ticket_type"]))
        self.summary.statuses = dict(self.statuses)


def _twice(reg: str, first: int) -> str:
    return _("inscription {reg} en double dans le fichier (déjà ligne {row})", reg=reg, row=first)


def _stage_row(
    event: EventConfig,
    mapping: Mapping,
    outcome: Outcome,
    number: int,
    existing: dict[str, tuple[str, ...]],
    code_owner: _CodeOwners,
    fixed: dict[str, set[str]],
    seen: dict[str, int],
    staging: _Staging,
    summary: ImportSummary,
    tally: _Tally,
) -> None:
    """The bookkeeping of one cleaned row, in the file's order (duplicates, code owners)."""
    if not isinstance(outcome, Clean):
        assert outcome is not None
        kind, reason, parent, product = outcome
        if kind == "addon":  # an add-on position: its holder's entitlement, not a person
            addons.attach(summary, parent, product)
        shown = summary.rejected if kind == "rejected" else summary.skipped
        if len(shown) < MAX_SHOWN_ROWS:
            shown.append({"row": number, "reason": reason})
        return
    record = outcome
    first = seen.get(record.registration)
    if first is not None and addons.is_addon_row(mapping):
        addons.attach(summary, record.registration, record.ticket_type)
        return
    if first is not None:
        summary.rejected.append({"row": number, "reason": _twice(record.registration, first)})
        return
    before = existing.get(record.registration)
    if mapping.own_codes:
        try:
            record = record.with_code(_own_code(event, record, before, code_owner))
        except RowError as exc:
            summary.rejected.append({"row": number, "reason": str(exc)})
            return
        summary.own_codes += 1
    owner = code_owner.get(record.code)
    if owner is not None and owner != record.uid:
        summary.rejected.append(
            {
                "row": number,
                "reason": _("le code {code} appartient déjà à une autre inscription", code=record.code),
            }
        )
        return
    seen[record.registration] = number
    code_owner[record.code] = record.uid
    tally.record(record, number)
    if record.platform_checkin:
        summary.platform_checkins += 1
    if before is None:
        summary.created += 1
        if record.status == "cancelled":
            summary.cancelled += 1
        staging.add("insert", "", record)
        return
    uid, old_hash, status, *_rest = before
    if old_hash == record.row_hash:
        summary.unchanged += 1
        return
    if status != "cancelled" and record.status == "cancelled":
        summary.cancelled += 1
    kept = fixed.get(uid, set())
    summary.kept_fixes += len(kept)
    summary.updated += 1
    staging.add("update", ",".join(sorted(kept)), record)


def _own_code(
    event: EventConfig, record: Clean, before: tuple[str, ...] | None, code_owner: _CodeOwners
) -> str:
    """A registration's own code: the one it already has, else one derived from it."""
    if before is not None and before[6]:
        return before[6]
    for attempt in range(100):
        code = codes.own_code(event.walkin_prefix, event.id, record.registration, attempt)
        if code_owner.get(code, record.uid) == record.uid:
            return code
    raise RowError(_("aucun code libre pour {reg}", reg=record.registration))


_INSERT = (
    f"INSERT INTO attendee (source, live_uid, {', '.join(ATTENDEE_FIELDS)}) "
    f"VALUES ('import', ?, {', '.join('?' * len(ATTENDEE_FIELDS))})"
)


def _apply(
    replica: Replica, staging: _Staging, summary: ImportSummary, headers: list[str], budget: float | None
) -> None:
    """Apply the staged rows in steps that each hold the write lock briefly.

    A step writes rows a few at a time and commits once its budget is spent, or at once
    when the desk's own thread is waiting for the lock (a scan, a fix): the desk waits for
    a few rows and a commit, never for a whole step.
    """
    state = {
        "file": summary.file.get("name", ""),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": summary.created + summary.updated,
    }
    # A first import writes each row grouped with its person's other registrations: no
    # regrouping pass over the replica after (a scan of every row: a second per 100,000).
    live, duplicates = staging.regrouped() if staging.fresh else ({}, [])
    # A first import's search index is built after its rows, in bulk (FTS5 writes a segment
    # and merges others in each step otherwise: the steps that merged held the lock 45–54 ms);
    # another import keeps it in step, row by row (the desk searches what it holds).
    bulk_index = staging.fresh and budget is not None
    # With no budget (one transaction), still read a few thousand staged rows at a time.
    feed = _Feed(staging.chunks(STEP_ROWS) if budget is not None else staging.chunks(5000, by_uid=False))
    first = True
    copied = flushed = time.perf_counter()
    while feed.fill():
        started = time.perf_counter()
        # The first step (the note saying an import is under way) is durable; the others
        # need not wait for the disk: the last step is durable again, and with it all.
        with replica.write(durable=first, bulk=True) as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            # Asked once the desk was let in (``Replica.write``): a desk that just wrote scans.
            active = budget is not None and replica.write_lock.desk_active(DESK_ACTIVE_S)
            limit = min(budget, ACTIVE_BUDGET_S) if active and budget is not None else budget
            if first:
                set_meta(conn, "import_state", json.dumps(state))
                if bulk_index:
                    defer_search_index(conn)  # built after the rows, in bulk
                first = False
            (last,) = raw.execute("SELECT coalesce(max(id), 0) FROM attendee").fetchone()
            raw.execute("INSERT INTO meta(key, value) VALUES ('fts_deferred', 'yes')")
            piece = ACTIVE_ROWS if active else None  # None: whole chunks
            rows = _write_rows(replica, raw, feed, live, (limit, piece), started, summary)
            ending = time.perf_counter()
            _index_new_rows(raw, last)
        elapsed = time.perf_counter() - started
        feed.tails.append((elapsed - (ending - started)) / max(rows, 1))
        _step(summary, elapsed)
        if active or time.perf_counter() - flushed > FLUSH_EVERY_S:
            replica.flush()
            flushed = time.perf_counter()
        if budget is not None and time.perf_counter() - copied > CHECKPOINT_EVERY_S:
            # The log the steps write is copied into the database outside the lock, from
            # time to time: the pages a step rewrites are copied once, not once a step.
            replica.checkpoint()
            copied = time.perf_counter()
    if budget is not None and not first:
        replica.checkpoint()
    if bulk_index and not first:
        fill_search_index(replica, on_step=lambda elapsed: _step(summary, elapsed))
    # Nothing written (an unchanged file), nothing to regroup — unless an import cut halfway
    # wrote rows that were never regrouped.
    if not staging.fresh and (not first or replica.meta("import_state")):
        _regroup(replica, budget, summary)
    summary.duplicates = duplicates if staging.fresh else _duplicates(replica)
    # The steps' log to disk before the last, durable, step: its fsync would write it all
    # while holding the lock (100 ms after 100,000 rows, a scan waiting behind it).
    replica.flush()
    started = time.perf_counter()
    with replica.write() as conn:
        set_meta(conn, "import_headers", json.dumps(headers, ensure_ascii=False))
        set_meta(conn, "last_import", json.dumps(public(summary)))
        conn.exec_driver_sql("DELETE FROM meta WHERE key = 'import_state'")
    _step(summary, time.perf_counter() - started)


def _regroup(replica: Replica, budget: float | None, summary: ImportSummary) -> None:
    """Point every registration of a person at the one that counts, 2,000 at a time (all
    at once with no budget)."""
    changes = _regroup_changes(replica)
    size = 2000 if budget is not None else len(changes) or 1
    for at in range(0, len(changes), size):
        started = time.perf_counter()
        with replica.write(durable=False) as conn:
            conn.exec_driver_sql("UPDATE attendee SET live_uid = ? WHERE uid = ?", changes[at : at + size])  # type: ignore[arg-type]
        _step(summary, time.perf_counter() - started)


_Chunk = list[tuple[str, str, tuple[Any, ...]]]


@dataclass
class _Feed:
    """The staged rows on their way to the steps, read (and unsealed) before a step takes
    the lock: as many chunks as the last step wrote, and two more."""

    chunks: Iterator[_Chunk]
    ready: deque[_Chunk] = field(default_factory=deque)
    ahead: int = 4
    # What the end of the recent steps took a row (search index, commit: the pages a step
    # dirtied, about as many as its rows): the most of them, times a step's rows, is kept
    # free at the end of its budget (an average of whole tails let steps overshoot it).
    tails: deque[float] = field(default_factory=lambda: deque([FIRST_TAIL_S], maxlen=8))

    def fill(self) -> bool:
        """Read ahead; False once every row is written."""
        while len(self.ready) < self.ahead and (chunk := next(self.chunks, None)) is not None:
            self.ready.append(chunk)
        return bool(self.ready)

    def take(self) -> _Chunk | None:
        if not self.ready and (chunk := next(self.chunks, None)) is not None:
            self.ready.append(chunk)  # more than was read ahead
        return self.ready.popleft() if self.ready else None


def _write_rows(
    replica: Replica,
    raw: sqlite3.Connection,
    feed: _Feed,
    live: dict[str, str],
    how: tuple[float | None, int | None],
    started: float,
    summary: ImportSummary,
) -> int:
    """One step's rows, ``piece`` rows at a time, until its ``limit`` (less its end) is
    spent or the desk's thread waits; the rows written."""
    (limit, piece), rows, written = how, 0, 0
    while (pending := feed.take()) is not None:
        if piece is not None and len(pending) > piece:
            feed.ready.appendleft(pending[piece:])  # the rest of the chunk: next, or next step
            pending = pending[:piece]
        _write_chunk(raw, pending, live)
        rows, written = rows + len(pending), written + 1
        if _KILL_AT_STEP and summary.steps + 1 == _KILL_AT_STEP:
            os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))  # mid-step
        if limit is not None and (
            time.perf_counter() - started + max(feed.tails) * rows >= limit * STEP_AIM
            or replica.write_lock.waiting()
        ):
            break
    feed.ahead = written + 2
    return rows


def _step(summary: ImportSummary, elapsed: float) -> None:
    summary.steps += 1
    summary.longest_step_ms = max(summary.longest_step_ms, elapsed * 1000)


_N = len(ATTENDEE_FIELDS)
_UPDATE_COLS = [c for c in ATTENDEE_FIELDS if c not in ("uid", "registration")]


def _write_chunk(
    raw: sqlite3.Connection, chunk: list[tuple[str, str, tuple[Any, ...]]], live: dict[str, str]
) -> None:
    """Write a few staged rows (inside a step, the search index left to its end); ``live``:
    a first import's registrations that point at another of their person's."""
    inserts: list[tuple[Any, ...]] = []
    codes_: list[tuple[str, str]] = []
    sensitive: list[tuple[str, str, str]] = []
    for op, kept, values in chunk:
        share_with_window()
        attendee = values[:_N]
        uid = attendee[0]
        codes_.append((attendee[2], uid))
        if op != "insert" or values[_N] or values[_N + 1]:  # no row: nothing to keep apart
            sensitive.append((uid, values[_N], values[_N + 1]))
        if op == "insert":
            inserts.append((live.get(uid, uid), *attendee))
            continue
        named = dict(zip(ATTENDEE_FIELDS, attendee, strict=True))
        names = [c for c in _UPDATE_COLS if c not in set(kept.split(","))]
        raw.execute(
            f"UPDATE attendee SET {', '.join(f'{c} = ?' for c in names)} WHERE registration = ?",
            (*(named[c] for c in names), named["registration"]),
        )
    if inserts:
        raw.executemany(_INSERT, inserts)
    raw.executemany("INSERT INTO ticket_code(code, uid) VALUES (?, ?) ON CONFLICT(code) DO NOTHING", codes_)
    raw.executemany(
        "INSERT INTO sensitive_info(uid, dietary, accessibility) VALUES (?, ?, ?) "
        "ON CONFLICT(uid) DO UPDATE SET dietary = excluded.dietary, accessibility = excluded.accessibility",
        sensitive,
    )


def _index_new_rows(raw: sqlite3.Connection, last: int) -> None:
    """Index for search, in one statement, the rows a step added above id ``last`` (see
    schema 3: the per-row trigger stands aside while ``fts_deferred`` is set; FTS5 writes a
    segment per statement). Rows a pending fill will index (``fts.upto``, schema 4) are
    left to it."""
    raw.execute(
        "INSERT INTO attendee_fts(rowid, search_names, search_org, search_email) "
        "SELECT id, search_names, search_org, search_email FROM attendee WHERE id > ? AND id <= "
        "coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts.upto'), 9223372036854775807)",
        (last,),
    )
    raw.execute("DELETE FROM meta WHERE key = 'fts_deferred'")


# The registration that counts for each person: confirmed before pending before wait-listed
# before cancelled, then the newest (registration date, then number: text compared as
# Python compares it — SQLite's BINARY order of UTF-8 is the order of code points).
_REGROUP = """
SELECT best, uid FROM (
    SELECT uid, live_uid, first_value(uid) OVER (
        PARTITION BY person_key ORDER BY
            CASE status WHEN 'confirmed' THEN 0 WHEN 'pending' THEN 1
                        WHEN 'waitlisted' THEN 2 WHEN 'cancelled' THEN 3 ELSE 4 END,
            registered_at DESC, registration DESC
    ) AS best
    FROM attendee WHERE source = 'import' AND person_key != ''
) WHERE live_uid != best
UNION ALL
SELECT uid, uid FROM attendee WHERE source = 'import' AND person_key = '' AND live_uid != uid
"""


def _regroup_changes(replica: Replica) -> list[tuple[str, str]]:
    """Point every registration of a person at the one that counts (read on a snapshot).

    The same person (same e-mail, name and organisation) registered more than once keeps
    all codes scannable; the registration that counts is the newest live one (confirmed
    before pending before wait-listed before cancelled). Ranked by SQLite in one
    statement: only the registrations to re-point come back to Python, not every row.
    """
    with replica.read() as conn:
        return [(str(best), str(uid)) for best, uid in conn.exec_driver_sql(_REGROUP)]


def _duplicates(replica: Replica) -> list[dict[str, Any]]:
    with replica.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT a.code, l.code FROM attendee a JOIN attendee l ON l.uid = a.live_uid "
            "WHERE a.source = 'import' AND a.live_uid != a.uid"
        ).all()
    others: dict[str, list[str]] = defaultdict(list)
    for code, live in rows:
        others[str(live)].append(str(code))
    return sorted(({"live": k, "others": sorted(v)} for k, v in others.items()), key=lambda d: str(d["live"]))


def _duplicates_preview(replica: Replica, staging: _Staging) -> list[dict[str, Any]]:
    """The dry run's duplicates: the replica's registrations with the staged ones over them."""
    people: dict[str, dict[str, tuple[str, str, str, str]]] = defaultdict(dict)
    with replica.read() as conn:
        for uid, key, status, at, reg, code in conn.exec_driver_sql(
            "SELECT uid, person_key, status, registered_at, registration, code FROM attendee "
            "WHERE source = 'import' AND person_key != ''"
        ):
            people[key][uid] = (status, at, reg, code)
    uid_, key_, status_, at_, reg_, code_ = (
        _AT[c] for c in ("uid", "person_key", "status", "registered_at", "registration", "code")
    )
    for v in staging.rows():
        if v[key_]:
            people[v[key_]][v[uid_]] = (v[status_], v[at_], v[reg_], v[code_])
    out = []
    for members in people.values():
        if len(members) < 2:
            continue
        ranked = sorted(members.values(), key=lambda m: (_STATUS_RANK.get(m[0], 4), _neg(m[1]), _neg(m[2])))
        out.append({"live": ranked[0][3], "others": sorted(m[3] for m in ranked[1:])})
    return sorted(out, key=lambda d: str(d["live"]))


def _neg(text: str) -> tuple[int, ...]:
    """Sort key that puts the greatest text first."""
    return (*(-ord(c) for c in text), 1)
