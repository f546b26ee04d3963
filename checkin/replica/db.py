"""Opening the replica: WAL, a versioned schema, migrations, and one writer.

The schema version lives in SQLite's ``user_version``. A database written by a newer
version of checkin is refused with a clear message rather than half-read. Files are
created readable by their owner alone: they hold personal data.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool, QueuePool, StaticPool

from checkin.base.errors import DamagedReplica, DatabaseError, KnownError
from checkin.base.i18n import _
from checkin.replica import cipher
from checkin.replica.encrypt import encrypt_in_place
from checkin.replica.hlc import Clock
from checkin.replica.migrations import MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)

# How long a writer waits for the write lock (this process's, then SQLite's) before it
# gives up with a sentence: the desk's own thread (a scan, a fix) must never look frozen;
# background work (printing, sync, imports) may wait longer.
INTERACTIVE_TIMEOUT = 1.0
BACKGROUND_TIMEOUT = 30.0
WAL_CHECKPOINT_BYTES = 16 << 20


_OPEN_ERRORS: tuple[type[Exception], ...] = (*cipher.DbError, DBAPIError)
_CHECK_ERRORS: tuple[type[Exception], ...] = (*cipher.DbError, KnownError)

_shares = threading.local()


def share_with_window(every: float = 0.005, pause: float = 0.0002) -> None:
    """Called in the loops of long background work (an import), gives the window's thread
    the interpreter for a moment every ``every`` seconds.

    A worker that calls SQLite row after row lets go of Python's lock (the GIL) at each
    call and takes it straight back, before the waiting window thread is even awake: that
    thread's own waits then never count as "nobody let go", the worker is never asked to
    hand over, and a scan's every SQLite call waited 100 ms or more (a scan took 1–2 s
    during an import of 100,000 rows). A short sleep hands the lock over for real. Work on
    the main thread (a command-line import, whose worker pool adds threads of its own:
    its pauses cost seconds on a loaded machine) never pauses: the window's work runs on
    the task pool's threads, the window on the main one."""
    if threading.current_thread() is threading.main_thread():
        return
    now = time.perf_counter()
    last = getattr(_shares, "last", 0.0)
    if now - last < every:
        return
    _shares.last = now
    if threading.active_count() > 1:
        time.sleep(pause)
        _shares.last = time.perf_counter()


class WriteLock:
    """The replica's one-writer lock: a timeout, and the desk's own thread served first.

    A plain lock is not fair: a background loop that commits batch after batch can take it
    back before a waiting scan is even scheduled. Here a background writer does not take
    the lock while the interactive thread waits for it, so a scan waits at most for the
    transaction in progress.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._owner: int | None = None
        self._since = 0.0
        self._holder = ""
        self._urgent = 0
        # Work in a process of its own (replica/apart.py) shares two integers in shared
        # memory with the desk: [0] is raised while the desk's own thread wants to write,
        # [1] counts its writes (``signal``, on the desk's side); the work reads them
        # (``outside``, on its side), ends its step, lets the desk in before the next, and
        # keeps its steps short while the desk writes.
        self.signal: Any = None
        self.outside: Any = None
        self._desk_seen = -float("inf")  # when the desk was last seen writing (``outside``)
        self._writes_seen = 0

    def acquire(self, timeout: float, *, urgent: bool) -> bool:
        me = threading.get_ident()
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._owner == me:
                raise RuntimeError("nested write transaction on one thread")
            if urgent:
                self._urgent += 1
            try:
                while self._owner is not None or (self._urgent and not urgent):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._cond.wait(left)
                self._owner = me
                self._since = time.monotonic()
                self._holder = threading.current_thread().name
                return True
            finally:
                if urgent:
                    self._urgent -= 1

    def release(self) -> None:
        with self._cond:
            self._owner = None
            self._cond.notify_all()

    def waiting(self) -> bool:
        """Whether the interactive thread is waiting for the lock (a background writer
        holding it then ends its transaction as soon as it can), or a desk's thread in
        another process waiting for SQLite's (``outside``)."""
        if self.outside is not None and self._look(time.monotonic()):
            return True
        return self._urgent > 0

    def _look(self, now: float) -> bool:
        """Whether the desk's thread in the other process wants to write now; notes when it
        was last seen writing (now, or a write done since the last look)."""
        waiting, writes = self.outside[0] > 0, self.outside[1]
        if waiting or writes != self._writes_seen:
            self._desk_seen, self._writes_seen = now, writes
        return bool(waiting)

    def let_desk_in(self, longest: float = 1.0, quiet: float = 0.01) -> None:
        """Before a background step: while a desk's thread in another process wants to
        write, and until it has wanted nothing for ``quiet`` seconds (a scan writes twice:
        its fact, then its badge's job; the second should not wait behind a whole new
        step), wait — at most ``longest`` seconds."""
        if self.outside is None:
            return
        deadline = time.monotonic() + longest
        while time.monotonic() < deadline:
            now = time.monotonic()
            if not self._look(now) and now - self._desk_seen > quiet:
                return
            time.sleep(0.0005)

    def desk_active(self, within: float) -> bool:
        """Whether a desk's thread in another process was seen writing in the last ``within``
        seconds (it scans: background work keeps its transactions shorter)."""
        return time.monotonic() - self._desk_seen < within

    def holder(self) -> tuple[str, float]:
        """(thread name, seconds held) of the current writer, ("", 0) when free."""
        with self._cond:
            if self._owner is None:
                return "", 0.0
            return self._holder, time.monotonic() - self._since


@dataclass
class Replica:
    """An open replica: its engine, its desk identity and its clock."""

    path: Path | None
    engine: Engine
    desk_id: str
    clock: Clock
    write_lock: WriteLock = field(default_factory=WriteLock)
    # The thread whose writes must not wait long (the desk window's); None: no such thread.
    interactive_thread: int | None = None
    # A private copy thrown away after use (the hub import's staging copy): its commits
    # never wait for the disk (``synchronous = OFF``); a crash loses nothing that matters.
    scratch: bool = False

    def set_interactive(self) -> None:
        """Mark the calling thread (the window's) as the one whose writes come first."""
        self.interactive_thread = threading.get_ident()

    @contextmanager
    def write(
        self, timeout: float | None = None, *, durable: bool = True, bulk: bool = False
    ) -> Iterator[Connection]:
        """One transaction of the single writer; committed on exit.

        Waits at most ``timeout`` seconds (by default short on the interactive thread,
        longer elsewhere) for the write lock, then raises :class:`DatabaseError` with a
        sentence: the caller's work is not recorded and can be tried again.

        ``durable`` (the default) commits with an fsync: a check-in is on disk before the
        desk says "admitted". Bulk work that can be done again (a pulled batch, with its
        cursor in the same transaction) passes ``durable=False``: its commit is atomic but
        not flushed at once, so each short transaction stays short.

        ``bulk`` (an import's steps) leaves the copy of the log into the database to the
        caller (:meth:`checkpoint`, from time to time rather than after every step) and
        does not cut the log file back to its size limit when it starts over: cutting a
        long log costs tens of milliseconds inside the step.
        """
        urgent = threading.get_ident() == self.interactive_thread
        if not urgent:
            # Work in a process of its own (replica/apart.py): a desk's thread in the other
            # process that wants to write goes first, and so does its next write.
            self.write_lock.let_desk_in()
        if timeout is None:
            timeout = INTERACTIVE_TIMEOUT if urgent else BACKGROUND_TIMEOUT
        started = time.monotonic()
        # While an import runs in another process (importer/apart.py), every writer here
        # polls SQLite's lock every millisecond: a background one (the print queue) waiting
        # in SQLite's backoff holds this process's lock meanwhile, and a scan behind it
        # waited 100 ms and more. The desk's own thread also asks the import to step aside.
        eager = self.write_lock.signal is not None
        signal = self.write_lock.signal if urgent else None
        if signal is not None:
            signal[0] += 1  # work in another process ends its step and waits
            signal[1] += 1  # and keeps its steps short: the desk scans
        try:
            with self._writing(urgent, eager, timeout, started, durable, bulk) as conn:
                yield conn
        finally:
            if signal is not None:
                signal[0] -= 1
        if not urgent and not bulk:
            self.checkpoint_if_large()

    @contextmanager
    def _writing(
        self, urgent: bool, eager: bool, timeout: float, started: float, durable: bool, bulk: bool
    ) -> Iterator[Connection]:
        if not self.write_lock.acquire(timeout, urgent=urgent):
            holder, held = self.write_lock.holder()
            log.warning("write lock not had in %.1f s (held %.1f s by %s)", timeout, held, holder)
            raise DatabaseError(busy_sentence())
        try:
            with self.engine.connect() as conn:
                # SQLite's own lock (another program writing the same file) gets what is left.
                left = max(0.0, timeout - (time.monotonic() - started))
                conn.info["immediate"] = True
                conn.info["busy_ms"] = max(1, int(left * 1000))
                conn.info["durable"] = "OFF" if self.scratch else durable
                conn.info["bulk"] = bulk
                conn.info["eager"] = eager
                conn.info["urgent"] = urgent
                with conn.begin():
                    yield conn
        except Exception as exc:
            known = _known(getattr(exc, "orig", exc), self.path)
            if known is None:
                raise
            raise known from exc
        finally:
            self.write_lock.release()

    def flush(self) -> None:
        """Flush to disk what non-durable commits left in the write-ahead log (bulk work calls
        it after a batch, outside the lock, so the next check-in's fsync does not write it)."""
        if self.path is None:
            return
        try:
            fd = os.open(f"{self.path}-wal", os.O_RDWR | getattr(os, "O_BINARY", 0))
        except OSError:
            return
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def checkpoint_if_large(self) -> None:
        """Copy the write-ahead log into the database once it has grown, from a background
        writer and outside the write lock (a passive checkpoint lets writers go on): the
        desk's own thread never pays for it, as it would with SQLite's automatic one, which
        runs inside whichever commit crosses the limit, a scan's included."""
        if self.path is None:
            return
        try:
            size = os.path.getsize(f"{self.path}-wal")
        except OSError:
            return
        if size > WAL_CHECKPOINT_BYTES:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database without holding the write lock
        (SQLite's PASSIVE checkpoint: writers and readers go on meanwhile), so the next
        scan's commit does not find a long log to copy itself."""
        if self.path is None:
            return
        con = cipher.connect(self.path, timeout=0.05)
        try:
            con.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except cipher.OperationalError:
            pass  # busy: another checkpoint is under way, which does the same work
        finally:
            con.close()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except DBAPIError as exc:
            known = _known(exc.orig or exc, self.path)
            if isinstance(known, DamagedReplica):
                raise known from exc  # damage found by a read: the desk offers the repair
            raise

    def meta(self, key: str, default: str = "") -> str:
        with self.read() as conn:
            row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (key,)).first()
        return str(row[0]) if row else default

    def close(self) -> None:
        if self.path is not None:
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except Exception:  # closing must not fail: the log is replayed at the next open
                log.debug("checkpoint at close failed", exc_info=True)
        self.engine.dispose()


def busy_sentence(path: Path | None = None) -> str:
    if path is not None:
        return _(
            "La base {path} est occupée par un autre programme : rien n'a été enregistré, "
            "recommencez dans un instant.",
            path=path,
        )
    return _(
        "Le poste est occupé par un travail en cours (import, échange, impression) : "
        "rien n'a été enregistré, recommencez dans un instant."
    )


def _disk_full(path: Path | None) -> bool:
    """SQLite says "disk I/O error" when a full disk stops its shared-memory file."""
    if path is None:
        return False
    try:
        return shutil.disk_usage(path.parent).free < 256 * 1024
    except OSError:
        return False


def _known(exc: BaseException, path: Path | None) -> DatabaseError | None:
    """The environment's faults (disk full, locked, read-only); ``None`` for a bug."""
    if isinstance(exc, DatabaseError):
        return exc  # already a sentence (a wrong key)
    if not isinstance(exc, cipher.DbError):
        return None
    text = str(exc).lower()
    if "full" in text or ("disk i/o" in text and _disk_full(path)):
        return DatabaseError(
            _(
                "Le disque est plein : rien n'a été enregistré (base {path}). Libérez de la place sur "
                "ce disque, puis recommencez ; le poste reprend de lui-même.",
                path=path,
            )
        )
    if "locked" in text or "busy" in text:
        return DatabaseError(busy_sentence(path))
    if "readonly" in text:
        return DatabaseError(_("La base {path} est en lecture seule.", path=path))
    if "malformed" in text or "not a database" in text:
        return damaged(path, str(exc)) if path is not None else DatabaseError(str(exc))
    if "disk i/o" in text:
        return DatabaseError(_("La base {path} est illisible ou abîmée : {error}", path=path, error=exc))
    return None


def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: a check-in is on disk before the desk says "admitted".
    cur.execute("PRAGMA synchronous=FULL")
    # Checkpoints are run by background writers (Replica.checkpoint_if_large), never by
    # a scan's commit.
    cur.execute("PRAGMA wal_autocheckpoint=0")
    # A log reset after a full checkpoint is cut back to this size, so its size says how
    # much is waiting to be copied.
    cur.execute(f"PRAGMA journal_size_limit={WAL_CHECKPOINT_BYTES}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.execute("PRAGMA cache_size=-32000")
    cur.close()


def open_replica(path: str | os.PathLike[str] | None, *, create: bool = True) -> Replica:
    """Open (and create or migrate) a replica; ``None`` opens a private in-memory one.

    A damaged file raises :class:`DamagedReplica` (a sentence saying what to do), a folder
    or a file that is not a replica a :class:`DatabaseError`, never a traceback.
    """
    db_file = Path(path) if path is not None else None
    if db_file is not None:
        if db_file.is_dir():
            raise DatabaseError(folder_sentence(db_file))
        if not db_file.exists():
            if not create:
                raise DatabaseError(_("Base introuvable : {path}", path=db_file))
            _create_private(db_file)
        elif cipher.is_plain(db_file) and cipher.enabled():
            _encrypt(db_file)  # a replica from before encryption
        elif not _looks_like_sqlite(db_file):
            if db_file.suffix in {".sqlite", ".db", ".sqlite3"}:
                raise damaged(db_file, _("en-tête illisible"))
            raise DatabaseError(_("{path} n'est pas une base checkin.", path=db_file))
        engine = _file_engine(db_file)
    else:
        engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect)
    # Let SQLAlchemy's transaction control match SQLite's (BEGIN issued explicitly).
    event.listen(engine, "begin", _begin)
    _set_autocommit_driver(engine)
    try:
        version = _migrate(engine, db_file)
        desk_id = _ensure_desk_id(engine)
        clock = Clock(desk_id)
        with engine.connect() as conn:
            clock.observe(str(conn.exec_driver_sql("SELECT coalesce(max(hlc), '') FROM fact").scalar_one()))
    except _OPEN_ERRORS as exc:
        engine.dispose()
        orig = getattr(exc, "orig", None) or exc
        known = _known(orig, db_file)
        if isinstance(known, DamagedReplica) or db_file is None:
            raise (known or DatabaseError(str(orig))) from exc
        if known is not None:
            raise known from exc
        raise damaged(db_file, str(orig)) from exc
    except Exception:
        engine.dispose()
        raise
    log.debug("replica %s at schema %d", db_file, version)
    if db_file is not None:
        _restrict(db_file)
    replica = Replica(db_file, engine, desk_id, clock)
    if replica.meta("fts.upto", "") or merging_owed(replica):  # a fill or its merging cut short
        log.info("search index: %d rows indexed after an interrupted fill", fill_search_index(replica))
    return replica


def _encrypt(db_file: Path) -> None:
    """Encrypt a plain replica in place; a locked or damaged file is a sentence."""
    try:
        encrypt_in_place(db_file)
    except cipher.DbError as exc:
        raise (_known(exc, db_file) or damaged(db_file, str(exc))) from exc


def _file_engine(db_file: Path) -> Engine:
    """The engine of a replica file: the standard ``sqlite3`` for a plain file, SQLCipher
    (each connection keyed by :func:`cipher.connect`) for an encrypted one.

    The pool is named for both: a connection is lent to one thread at a time and given
    back (``QueuePool``). Left to SQLAlchemy, the encrypted engine's URL (``sqlite://``,
    the file being in ``creator``) reads as an in-memory base and got a
    ``SingletonThreadPool``, which keeps one connection per thread and closes the oldest
    threads' connections past five threads — while those threads still used them: the
    desk's window, print workers, task pool and live sync crashed SQLCipher (a
    segmentation fault, tests/core/test_encryption_threads.py)."""
    pool = NullPool if os.name == "nt" else QueuePool
    module = cipher.dbapi(db_file)
    if module is sqlite3:
        return create_engine(f"sqlite:///{db_file}", poolclass=pool)
    cipher.connect(db_file).close()  # a missing or wrong key: one sentence, before any engine
    return create_engine(
        "sqlite://",
        module=module,
        poolclass=pool,
        creator=lambda: cipher.connect(db_file, check_same_thread=False),
    )


def damaged(path: Path, problem: str) -> DamagedReplica:
    return DamagedReplica(
        _(
            "La base du poste {path} est abîmée ({problem}) : restaurez la dernière sauvegarde "
            "(checkin restore) ou reconstruisez le poste depuis le hub (checkin restore --empty, "
            "puis checkin sync) ; la fenêtre du poste propose les deux.",
            path=path,
            problem=problem,
        ),
        path,
        problem,
    )


def folder_sentence(path: Path) -> str:
    return _(
        "{path} est un dossier, pas une base : indiquez le fichier du poste, par exemple {example}.",
        path=path,
        example=path / "desk.sqlite",
    )


def quick_check(path: Path) -> str:
    """ "" when the replica reads whole, else what SQLite finds wrong (``PRAGMA quick_check``)."""
    try:
        con = cipher.connect(path, readonly=True)
        try:
            rows = con.execute("PRAGMA quick_check(5)").fetchall()
        finally:
            con.close()
    except _CHECK_ERRORS as exc:  # a wrong key included
        return str(exc)
    found = [str(r[0]) for r in rows]
    return "" if found == ["ok"] else "; ".join(found)


def _begin(conn: Connection) -> None:
    # Writers take the write lock at BEGIN, so they wait (busy_timeout) instead of failing
    # halfway; readers start a plain snapshot. Settings stay with the pooled connection:
    # they are issued only when they change.
    immediate = conn.info.pop("immediate", False)
    busy = int(conn.info.pop("busy_ms", 5000)) if immediate else 5000
    # The desk's thread while an import runs in another process: SQLite's own wait polls
    # at 1, 2, 5, 10, 15, 20… ms (the lock freed at 20 ms is had at 33); polled here every
    # millisecond instead, the import having been asked to end its step.
    eager = busy if immediate and conn.info.pop("eager", False) else 0
    busy = 0 if eager else busy
    # FULL: a check-in is on disk before the desk says "admitted" (see Replica.write).
    durable = conn.info.pop("durable", True)
    sync = durable if isinstance(durable, str) else "FULL" if durable else "NORMAL"
    if conn.info.get("busy_set") != busy:
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {busy}")
        conn.info["busy_set"] = busy
    if conn.info.get("sync_set", "FULL") != sync:
        conn.exec_driver_sql(f"PRAGMA synchronous = {sync}")
        conn.info["sync_set"] = sync
    # A bulk step leaves the log its length (see Replica.write), and so does the desk's own
    # thread: cutting a log an import made long (100 MB) took a scan's commit 100–190 ms.
    # Other transactions (background ones) cut it back to the limit when it starts over.
    bulk, urgent = conn.info.pop("bulk", False), conn.info.pop("urgent", False)
    limit = -1 if bulk or urgent else WAL_CHECKPOINT_BYTES
    if conn.info.get("limit_set", WAL_CHECKPOINT_BYTES) != limit:
        conn.exec_driver_sql(f"PRAGMA journal_size_limit = {limit}")
        conn.info["limit_set"] = limit
    if eager:
        _begin_eagerly(conn, eager / 1000)
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _begin_eagerly(conn: Connection, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except DBAPIError as exc:
            if ("locked" not in str(exc.orig) and "busy" not in str(exc.orig)) or time.monotonic() > deadline:
                raise
        time.sleep(0.001)


def _set_autocommit_driver(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _autocommit(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves


def _migrate(engine: Engine, db_file: Path | None) -> int:
    with engine.connect() as conn:
        version = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            _(
                "La base {path} a été écrite par une version plus récente de checkin "
                "(schéma {found}, cette version connaît jusqu'au {known}) : mettez checkin à jour.",
                path=db_file,
                found=version,
                known=SCHEMA_VERSION,
            )
        )
    while version < SCHEMA_VERSION:
        with engine.begin() as conn:
            MIGRATIONS[version](conn)
            version += 1
            conn.exec_driver_sql(f"PRAGMA user_version = {version}")
        log.info("replica migrated to schema %d", version)
    return version


def _ensure_desk_id(engine: Engine) -> str:
    with engine.begin() as conn:
        row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'desk_id'").first()
        if row:
            return str(row[0])
        desk_id = str(uuid.uuid4())
        conn.exec_driver_sql("INSERT INTO meta(key, value) VALUES ('desk_id', ?)", (desk_id,))
        return desk_id


def _create_private(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)


def _looks_like_sqlite(path: Path) -> bool:
    """Empty, plain or encrypted (an encrypted replica opens whether new files are encrypted or not)."""
    return cipher.header(path) == b"" or cipher.is_plain(path) or cipher.is_encrypted(path)


def _restrict(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists() and os.name != "nt":
            os.chmod(p, 0o600)


# -- the search index, filled after the rows (schema 4) ------------------------------------


def defer_search_index(conn: Connection) -> None:
    """From now on, rows added above the current last id are indexed later, in batches
    (:func:`fill_search_index`), not one by one as they are written. Inside the caller's
    write transaction."""
    conn.exec_driver_sql(
        "INSERT INTO meta(key, value) SELECT 'fts.upto', coalesce(max(id), 0) FROM attendee "
        "WHERE true ON CONFLICT(key) DO NOTHING"
    )


def fill_search_index(
    replica: Replica,
    *,
    budget: float = 0.015,
    step: int = 500,
    on_step: Callable[[float], None] | None = None,
) -> int:
    """Index the rows a deferred fill left out, in transactions of about ``budget`` seconds;
    the triggers keep every row in step again once it is done. Returns the rows indexed.
    ``on_step``: told how long each transaction held the write lock.

    Some of these transactions held the lock 40–57 ms where the others took 17: FTS5
    merging segments as they are written, and a commit cutting the log back to its limit
    after a checkpoint. So they are bulk transactions (the log keeps its length; it is
    copied into the database after, outside the lock), they write their segments with
    FTS5's merging off, and the segments are merged after, a few pages per transaction
    (:func:`_merge_search_index`), merging on again at the end. A fill or a merging cut
    short is finished at the next open. 100,000 registrations: 32 fills of 17 ms, 43
    merges of 2–17 ms."""
    total, done = 0, False
    if replica.meta("fts.upto", ""):
        began = time.perf_counter()
        with replica.write(durable=False, bulk=True) as conn:  # its merges: after the fill
            _fts_command(conn, "automerge", 0)
            _fts_command(conn, "crisismerge", _FTS_MAX_SEGMENTS)
        if on_step is not None:
            on_step(time.perf_counter() - began)
    while not done:
        began = time.perf_counter()
        with replica.write(durable=False, bulk=True) as conn:  # an index can always be filled again
            row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'fts.upto'").first()
            if row is None:
                break
            upto, started = int(row[0]), time.monotonic()
            while True:  # at least one step per transaction
                top = conn.exec_driver_sql(
                    "SELECT max(id) FROM (SELECT id FROM attendee WHERE id > ? ORDER BY id LIMIT ?)",
                    (upto, step),
                ).scalar()
                if top is None:
                    conn.exec_driver_sql("DELETE FROM meta WHERE key = 'fts.upto'")
                    done = True
                    break
                total += int(
                    conn.exec_driver_sql(
                        "INSERT INTO attendee_fts(rowid, search_names, search_org, search_email) "
                        "SELECT id, search_names, search_org, search_email FROM attendee "
                        "WHERE id > ? AND id <= ?",
                        (upto, top),
                    ).rowcount
                )
                upto = int(top)
                if time.monotonic() - started >= budget or replica.write_lock.waiting():
                    break  # the desk's thread waiting: its turn now
            if not done:
                conn.exec_driver_sql("UPDATE meta SET value = ? WHERE key = 'fts.upto'", (str(upto),))
        if on_step is not None:
            on_step(time.perf_counter() - began)
    replica.checkpoint()
    _merge_search_index(replica, on_step)
    replica.flush()
    replica.checkpoint()
    return total


# FTS5's own settings (its defaults), and how much merging one transaction does: 25 pages
# of the index written, 2–17 ms a transaction (100,000 registrations).
_FTS_AUTOMERGE, _FTS_CRISISMERGE, _FTS_MAX_SEGMENTS, MERGE_PAGES = 4, 16, 1000, 25


def _fts_command(conn: Connection, command: str, value: int) -> int:
    """Run one of FTS5's special inserts; the rows it changed (a merge: fewer than 2, it
    found nothing left to merge)."""
    raw = conn.connection.driver_connection
    assert raw is not None
    before = raw.total_changes
    raw.execute("INSERT INTO attendee_fts(attendee_fts, rank) VALUES (?, ?)", (command, value))
    return int(raw.total_changes - before)


def merging_owed(replica: Replica) -> bool:
    """Whether a fill left the search index's merging off (cut short before it merged)."""
    with replica.read() as conn:
        row = conn.exec_driver_sql("SELECT v FROM attendee_fts_config WHERE k = 'automerge'").first()
    return row is not None and str(row[0]) == "0"


def _merge_search_index(replica: Replica, on_step: Callable[[float], None] | None) -> None:
    """Merge the segments a fill wrote, ``MERGE_PAGES`` pages a transaction, then turn
    FTS5's merging back on (nothing to do unless a fill turned it off)."""
    if not merging_owed(replica):
        return
    worked = 2
    while worked >= 2:  # FTS5: fewer than 2 changes, no merging was left to do
        began = time.perf_counter()
        with replica.write(durable=False, bulk=True) as conn:
            worked = _fts_command(conn, "merge", MERGE_PAGES)
            if worked < 2:
                _fts_command(conn, "automerge", _FTS_AUTOMERGE)
                _fts_command(conn, "crisismerge", _FTS_CRISISMERGE)
        if on_step is not None:
            on_step(time.perf_counter() - began)
