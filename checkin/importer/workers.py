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
small file (under ``POOL_MIN_ROWS``) is cleaned in-process: spawning a pool costs ~0.3 s.

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
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from typing import NamedTuple

from checkin.base.errors import KnownError
from checkin.base.i18n import _, language, set_language
from checkin.event.model import EventConfig
from checkin.importer.mapping import Mapping
from checkin.importer.records import AddOnRow, Record, RowError, RowSkipped, row_hash
from checkin.importer.records import build as build_record
from checkin.replica import attendees

# What an import writes: every stored column (declared in checkin.replica.attendees) but the
# two it sets itself; a staged row is these values and the sensitive ones, in this order.
ATTENDEE_FIELDS = [c for c in attendees.STORED if c not in ("source", "live_uid")]
STAGED = (*ATTENDEE_FIELDS, "dietary", "accessibility")
CODE_AT = STAGED.index("code")
_staged = operator.attrgetter(*STAGED)

POOL_MIN_ROWS = int(os.environ.get("CHECKIN_IMPORT_POOL_MIN_ROWS", "2000") or 2000)
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
        marshal.dumps(_staged(r)),
    )


class Cleaner:
    """One row's cells → its digest and outcome, with the rules of one import."""

    def __init__(self, event: EventConfig, mapping: Mapping, context: str, known: frozenset[str]) -> None:
        self.event = event
        self.mapping = mapping
        self.context = context
        self.known = known  # digests of rows the replica holds (empty for a dry run)

    def row(self, cells: list[str], force: bool = False) -> tuple[str, Outcome]:
        digest = row_hash(cells, self.context)
        if digest in self.known and not force:
            return digest, None
        try:
            return digest, _clean(build_record(self.event, self.mapping, cells, self.context, digest))
        except AddOnRow as exc:
            return digest, ("addon", str(exc), exc.parent, exc.product)
        except RowSkipped as exc:
            return digest, ("skipped", str(exc), "", "")
        except RowError as exc:
            return digest, ("rejected", str(exc), "", "")


_worker: Cleaner | None = None


def _init(cleaner: Cleaner, lang: str) -> None:
    """A worker's start: the import's rules, once, and the desk's language for the reasons."""
    global _worker
    set_language(lang)
    _worker = cleaner


def _clean_chunk(index: int, chunk: list[tuple[int, list[str]]]) -> list[tuple[int, str, Outcome]]:
    if _KILL_AT_CHUNK and index + 1 == _KILL_AT_CHUNK:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
    assert _worker is not None, "the pool's initializer sets the cleaner"
    row = _worker.row
    return [(number, *row(cells)) for number, cells in chunk]


def cleaned(
    rows: Iterable[tuple[int, list[str]]], cleaner: Cleaner, workers: int | None = None
) -> Iterator[tuple[int, str, Outcome]]:
    """(row number, digest, outcome) of every row, in the file's order."""
    rows = iter(rows)
    head = list(islice(rows, POOL_MIN_ROWS))
    workers = workers or WORKERS
    if len(head) < POOL_MIN_ROWS or workers < 2:
        row = cleaner.row
        for number, cells in chain(head, rows):
            yield (number, *row(cells))
        return
    yield from _pooled(chain(head, rows), cleaner, workers)


def _pooled(
    rows: Iterator[tuple[int, list[str]]], cleaner: Cleaner, workers: int
) -> Iterator[tuple[int, str, Outcome]]:
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init,
        initargs=(cleaner, language()),
    )
    inflight: deque[Future[list[tuple[int, str, Outcome]]]] = deque()
    try:
        index = 0
        while chunk := list(islice(rows, CHUNK_ROWS)):
            inflight.append(pool.submit(_clean_chunk, index, chunk))
            index += 1
            if len(inflight) > 2 * workers:  # a few chunks ahead: every worker busy, memory bounded
                yield from inflight.popleft().result()
        while inflight:
            yield from inflight.popleft().result()
    except BrokenProcessPool as exc:
        raise WorkerLost(
            _(
                "Un processus qui lisait le fichier s'est arrêté avant la fin : rien n'a été "
                "importé. Importez de nouveau ce fichier."
            )
        ) from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class WorkerLost(KnownError):
    """A worker process died while cleaning rows; nothing was written."""
