"""An import's rows cleaned, hashed and compared in worker processes, on every core.

Cleaning a row (cells to fields, names re-cased, e-mail checked, dates read, the search
words) is about 85 µs of Python: 8–9 s for 100,000 rows on one core, and in the window's
own interpreter that work starves the window's thread (the GIL convoy). So the rows go, a
few thousand at a time, to a pool of **spawned** processes (the same code on Linux,
Windows, macOS and in the PyInstaller bundle, whose entry scripts call
``multiprocessing.freeze_support()``), one per core; the event, the mapping and the
hashes of the rows the replica already holds are sent once, to each worker's initializer.
A worker returns per row what the parent needs and nothing more: the row's digest, and
either nothing (a row the replica holds unchanged), the reason it is rejected or skipped,
or the few fields the bookkeeping reads plus the staged row already packed (``marshal``).

The parent keeps everything that depends on the order of the rows (duplicates in the file,
code owners, the tally) and the writing. Results come back in the order of the file. A
small file (under ``POOL_MIN_ROWS`` rows to clean) is cleaned in-process: spawning a pool
costs ~0.3 s, more on a loaded machine, and hurts the window's scans while it happens.

A worker that dies (killed, out of memory) breaks the pool: the import stops with a
sentence before anything is written (cleaning is finished before the first write), and
importing the file again does the whole work.
"""

from __future__ import annotations

import marshal
import multiprocessing
import operator
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import NamedTuple

from checkin.base.errors import KnownError
from checkin.base.i18n import _, language, set_language
from checkin.event.model import EventConfig
from checkin.importer.mapping import Mapping
from checkin.importer.records import AddOnRow, Record, RowError, RowSkipped, row_hash
from checkin.importer.records import build as build_record
from checkin.replica import attendees
from checkin.replica.db import share_with_window

# What an import writes: every stored column (declared in checkin.replica.attendees) but the
# two it sets itself; a staged row is these values and the sensitive ones, in this order.
ATTENDEE_FIELDS = [c for c in attendees.STORED if c not in ("source", "live_uid")]
STAGED = (*ATTENDEE_FIELDS, "dietary", "accessibility")
CODE_AT = STAGED.index("code")
_staged = operator.attrgetter(*STAGED)

# Below this many rows to clean, cleaning stays in-process: spawning costs ~0.3 s idle (a
# few seconds loaded), and from the window a spawn hurt scans more than cleaning 6,000 rows
# (bench-desk, a re-import with 5 % changed: p99 118–218 ms with the pool, 61–88 in-process).
POOL_MIN_ROWS = int(os.environ.get("CHECKIN_IMPORT_POOL_MIN_ROWS", "10000") or 10000)
WORKERS = os.cpu_count() or 1  # one per core
CHUNK_ROWS = int(os.environ.get("CHECKIN_IMPORT_CHUNK_ROWS", "2000") or 2000)
# Fault injection for the tests: a worker kills itself (SIGKILL) on the n-th chunk (from 1).
_KILL_AT_CHUNK = int(os.environ.get("CHECKIN_IMPORT_KILL_CHUNK", "0") or 0)


class Clean(NamedTuple):
    """A cleaned row: what the parent's bookkeeping reads, and the staged row packed."""

    uid: str
    registration: str
    code: str
    status: str
    category: str
    days: str
    ticket_type: str
    category_default: bool
    days_default: bool
    first_name: str
    last_name: str
    platform_checkin: str
    row_hash: str
    registered_at: str
    date_unread: bool  # the registration date kept as written: said once in the summary
    person_key: str  # the same person registered twice (see apply's regrouping)
    data: bytes  # marshal of the ``STAGED`` values

    def with_code(self, code: str) -> Clean:
        values = list(marshal.loads(self.data))
        values[CODE_AT] = code
        return self._replace(code=code, data=marshal.dumps(tuple(values)))


# A row's outcome: Clean, None (its digest is one the replica holds: not cleaned), or
# ("skipped" | "rejected" | "addon", reason, an add-on's parent registration, its product).
Outcome = Clean | None | tuple[str, str, str, str]


def _clean(record: Record) -> Clean:
    r = record
    return Clean(
        r.uid,
        r.registration,
        r.code,
        r.status,
        r.category,
        r.days,
        r.ticket_type,
        r.category_default,
        r.days_default,
        r.first_name,
        r.last_name,
        r.platform_checkin,
        r.row_hash,
        r.registered_at,
        r.date_unread,
        r.person_key,
        marshal.dumps(_staged(r)),
    )


class Cleaner:
    """One row's cells → its outcome, with the rules of one import."""

    def __init__(self, event: EventConfig, mapping: Mapping, context: str, known: frozenset[str]) -> None:
        self.event = event
        self.mapping = mapping
        self.context = context
        self.known = known  # digests of rows the replica holds (empty for a dry run)

    def outcome(self, cells: list[str], digest: str) -> Outcome:
        try:
            return _clean(build_record(self.event, self.mapping, cells, self.context, digest))
        except AddOnRow as exc:
            return ("addon", str(exc), exc.parent, exc.product)
        except RowSkipped as exc:
            return ("skipped", str(exc), "", "")
        except RowError as exc:
            return ("rejected", str(exc), "", "")

    def chunk(
        self, chunk: list[tuple[int, str, list[str] | None]], share: Callable[[], None] | None = None
    ) -> list[tuple[int, str, Outcome]]:
        """A chunk's rows settled: cleaned, or (no cells: held unchanged) passed through.
        ``share``: called at each row in the window's process (``share_with_window``)."""
        outcome = self.outcome
        if share is None:
            return [(n, d, None if cells is None else outcome(cells, d)) for n, d, cells in chunk]
        settled: list[tuple[int, str, Outcome]] = []
        for n, d, cells in chunk:
            share()
            settled.append((n, d, None if cells is None else outcome(cells, d)))
        return settled

    def for_workers(self) -> Cleaner:
        """The rules alone: the parent settles the rows it knows, so a worker needs no hashes
        (100,000 of them pickled while the window waits for the interpreter)."""
        return Cleaner(self.event, self.mapping, self.context, frozenset())


# A chunk: (row number, digest, cells — None for a row the replica holds unchanged).
Chunk = list[tuple[int, str, list[str] | None]]
Settled = list[tuple[int, str, Outcome]]
_worker: Cleaner | None = None


def _init(cleaner: Cleaner, lang: str) -> None:
    """A worker's start: the import's rules, once, and the desk's language for the reasons."""
    global _worker
    set_language(lang)
    _worker = cleaner


def _clean_chunk(index: int, chunk: Chunk) -> Settled:
    if _KILL_AT_CHUNK and index + 1 == _KILL_AT_CHUNK:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
    assert _worker is not None, "the pool's initializer sets the cleaner"
    return _worker.chunk(chunk)


def cleaned(
    rows: Iterable[tuple[int, list[str]]], cleaner: Cleaner, workers: int | None = None
) -> Iterator[tuple[int, str, Outcome]]:
    """(row number, digest, outcome) of every row, in the file's order.

    The parent hashes each row (a few µs): a row the replica holds unchanged is sent with
    no cells and comes back as it went. The pool starts once ``POOL_MIN_ROWS`` rows wait
    for cleaning, so a re-import of an unchanged file, like a small file, spawns nothing
    and is settled in-process."""
    workers = workers or WORKERS
    pipeline = _Pipeline(cleaner, workers if workers >= 2 else 0)
    known, context = cleaner.known, cleaner.context
    try:
        for number, cells in rows:
            digest = row_hash(cells, context)
            if digest in known and not pipeline.waiting and not pipeline.queue:
                yield number, digest, None  # nothing before it waits: settled at once
            elif pipeline.add(number, digest, None if digest in known else cells):
                yield from pipeline.ready()  # looked at once a chunk, not once a row
        yield from pipeline.drain()
    finally:
        pipeline.close()


class _Pipeline:
    """The rows in the file's order, in chunks: held (before the pool starts), or sent."""

    def __init__(self, cleaner: Cleaner, workers: int) -> None:
        self.cleaner = cleaner
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.queue: deque[Chunk | Future[Settled]] = deque()
        self.waiting: Chunk = []
        self.to_clean = 0  # rows with cells in ``waiting``
        self.held = 0  # rows to clean in held chunks
        self.sent = 0  # chunks sent to the pool

    def add(self, number: int, digest: str, cells: list[str] | None) -> bool:
        """Whether the row closed a chunk."""
        self.waiting.append((number, digest, cells))
        self.to_clean += cells is not None
        if self.to_clean >= CHUNK_ROWS or len(self.waiting) >= 8 * CHUNK_ROWS:
            self._cut()
            return True
        return False

    def _cut(self) -> None:
        chunk, self.waiting, count, self.to_clean = self.waiting, [], self.to_clean, 0
        if self.pool is None and self.workers and self.held + count >= POOL_MIN_ROWS:
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init,
                initargs=(self.cleaner.for_workers(), language()),
            )
            self.queue = deque(self._send(c) if isinstance(c, list) else c for c in self.queue)
        if self.pool is None and (not self.workers or not count):
            self.queue.append(self._here(chunk))  # no pool to wait for, or nothing to clean
        elif self.pool is None:
            self.held += count
            self.queue.append(chunk)
        else:
            self.queue.append(self._send(chunk))

    def _send(self, chunk: Chunk) -> Future[Settled]:
        assert self.pool is not None
        try:
            self.sent += 1
            return self.pool.submit(_clean_chunk, self.sent - 1, chunk)
        except BrokenProcessPool as exc:
            raise _lost() from exc

    def _here(self, chunk: Chunk) -> Future[Settled]:
        """A chunk settled in this process, as a finished future (it keeps its place)."""
        done: Future[Settled] = Future()
        done.set_result(self.cleaner.chunk(chunk, share_with_window))
        return done

    def ready(self) -> Iterator[tuple[int, str, Outcome]]:
        """Finished chunks, and — a few chunks ahead keep every worker busy — the oldest
        one, waited for. Held chunks wait for the pool, or for the end."""
        while self.queue and isinstance(head := self.queue[0], Future):
            if not head.done() and len(self.queue) <= 2 * self.workers:
                return
            self.queue.popleft()
            yield from _result(head)

    def drain(self) -> Iterator[tuple[int, str, Outcome]]:
        if self.waiting:
            self._cut()
        while self.queue:
            head = self.queue.popleft()
            yield from (
                self.cleaner.chunk(head, share_with_window) if isinstance(head, list) else _result(head)
            )

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _result(future: Future[Settled]) -> Settled:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise _lost() from exc


def _lost() -> WorkerLost:
    return WorkerLost(
        _(
            "Un processus qui lisait le fichier s'est arrêté avant la fin : rien n'a été "
            "importé. Importez de nouveau ce fichier."
        )
    )


class WorkerLost(KnownError):
    """A worker process died while cleaning rows; nothing was written."""
