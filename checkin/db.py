"""Opening the replica: WAL, a versioned schema, migrations, and one writer.

The schema version lives in SQLite's ``user_version``. A database written by a newer
version of checkin is refused with a clear message rather than half-read. Files are
created readable by their owner alone: they hold personal data.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool, StaticPool
from sqlmodel import SQLModel

from checkin import models  # noqa: F401  (registers the tables)
from checkin.errors import DatabaseError
from checkin.hlc import Clock
from checkin.i18n import _

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3

_FTS = [
    # External-content index over the folded columns; triggers keep it in step.
    """CREATE VIRTUAL TABLE IF NOT EXISTS attendee_fts USING fts5(
        search_names, search_org, search_email,
        content='attendee', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS attendee_ai AFTER INSERT ON attendee BEGIN
        INSERT INTO attendee_fts(rowid, search_names, search_org, search_email)
        VALUES (new.id, new.search_names, new.search_org, new.search_email); END""",
    """CREATE TRIGGER IF NOT EXISTS attendee_ad AFTER DELETE ON attendee BEGIN
        INSERT INTO attendee_fts(attendee_fts, rowid, search_names, search_org, search_email)
        VALUES ('delete', old.id, old.search_names, old.search_org, old.search_email); END""",
    """CREATE TRIGGER IF NOT EXISTS attendee_au AFTER UPDATE OF search_names, search_org,
        search_email ON attendee BEGIN
        INSERT INTO attendee_fts(attendee_fts, rowid, search_names, search_org, search_email)
        VALUES ('delete', old.id, old.search_names, old.search_org, old.search_email);
        INSERT INTO attendee_fts(rowid, search_names, search_org, search_email)
        VALUES (new.id, new.search_names, new.search_org, new.search_email); END""",
    # Facts are only ever added.
    """CREATE TRIGGER IF NOT EXISTS fact_no_update BEFORE UPDATE ON fact BEGIN
        SELECT RAISE(ABORT, 'facts are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS fact_no_delete BEFORE DELETE ON fact
        WHEN (SELECT value FROM meta WHERE key = 'purging') IS NOT 'yes' BEGIN
        SELECT RAISE(ABORT, 'facts are append-only'); END""",
    "CREATE INDEX IF NOT EXISTS fact_attendee_kind_day ON fact(attendee_uid, kind, day)",
    "CREATE INDEX IF NOT EXISTS fact_kind_day ON fact(kind, day)",
]


def _migrate_0_to_1(conn: Connection) -> None:
    SQLModel.metadata.create_all(conn)
    for statement in _FTS:
        conn.exec_driver_sql(statement)


def _migrate_1_to_2(conn: Connection) -> None:
    """The check-in a ticketing platform had recorded, shown on the card (imports)."""
    columns = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(attendee)")}
    if "platform_checkin" not in columns:
        conn.exec_driver_sql("ALTER TABLE attendee ADD COLUMN platform_checkin VARCHAR NOT NULL DEFAULT ''")


def _migrate_2_to_3(conn: Connection) -> None:
    """An import indexes its rows for search in one statement per step: inside an
    import's transaction (``meta.fts_deferred``), the per-row trigger stands aside. FTS5
    writes a segment per statement, so indexing row by row cost an import ten times more."""
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS attendee_ai")
    conn.exec_driver_sql(
        """CREATE TRIGGER attendee_ai AFTER INSERT ON attendee
        WHEN (SELECT value FROM meta WHERE key = 'fts_deferred') IS NOT 'yes' BEGIN
        INSERT INTO attendee_fts(rowid, search_names, search_org, search_email)
        VALUES (new.id, new.search_names, new.search_org, new.search_email); END"""
    )


# MIGRATIONS[n] takes a database at version n to version n + 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    0: _migrate_0_to_1,
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
}


@dataclass
class Replica:
    """An open replica: its engine, its desk identity and its clock."""

    path: Path | None
    engine: Engine
    desk_id: str
    clock: Clock
    write_lock: threading.Lock

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[Connection]:
        """One transaction of the single writer; committed (durably) on exit.

        ``durable=False`` (an import's intermediate steps) commits without waiting for the
        disk: a power cut may take the last such steps back, never leave half of one, and
        the next durable commit (any scan) writes them for good. Nor does such a commit
        copy the log into the database (a checkpoint, which may take long): the writer
        calls :meth:`checkpoint` after it, without the lock.
        """
        with self.write_lock:
            try:
                with self.engine.connect() as conn:
                    raw = None if durable else conn.connection.driver_connection
                    if raw is not None:  # before BEGIN: SQLite refuses it inside a transaction
                        raw.execute("PRAGMA synchronous=NORMAL")
                        raw.execute("PRAGMA wal_autocheckpoint=0")
                    try:
                        conn.info["immediate"] = True
                        with conn.begin():
                            yield conn
                    finally:
                        if raw is not None:
                            raw.execute("PRAGMA synchronous=FULL")
                            raw.execute("PRAGMA wal_autocheckpoint=1000")
            except Exception as exc:
                known = _known(getattr(exc, "orig", exc), self.path)
                if known is None:
                    raise
                raise known from exc

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database without holding the write lock
        (SQLite's PASSIVE checkpoint: writers and readers go on meanwhile), so the next
        scan's commit does not find a long log to copy itself."""
        if self.path is None:
            return
        con = sqlite3.connect(self.path, timeout=0.05)
        try:
            con.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.OperationalError:
            pass  # busy: another checkpoint is under way, which does the same work
        finally:
            con.close()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def meta(self, key: str, default: str = "") -> str:
        with self.read() as conn:
            row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (key,)).first()
        return str(row[0]) if row else default

    def close(self) -> None:
        self.engine.dispose()


def _known(exc: BaseException, path: Path | None) -> DatabaseError | None:
    """The environment's faults (disk full, locked, read-only); ``None`` for a bug."""
    if not isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError):
        return None
    text = str(exc).lower()
    if "full" in text:
        return DatabaseError(_("Le disque est plein : impossible d'enregistrer dans {path}.", path=path))
    if "locked" in text or "busy" in text:
        return DatabaseError(_("La base {path} est occupée par un autre programme.", path=path))
    if "readonly" in text:
        return DatabaseError(_("La base {path} est en lecture seule.", path=path))
    if "disk i/o" in text or "malformed" in text or "not a database" in text:
        return DatabaseError(_("La base {path} est illisible ou abîmée : {error}", path=path, error=exc))
    return None


def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: a check-in is on disk before the desk says "admitted".
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.execute("PRAGMA cache_size=-32000")
    cur.close()


def open_replica(path: str | os.PathLike[str] | None, *, create: bool = True) -> Replica:
    """Open (and create or migrate) a replica; ``None`` opens a private in-memory one."""
    db_file = Path(path) if path is not None else None
    if db_file is not None:
        if not db_file.exists():
            if not create:
                raise DatabaseError(_("Base introuvable : {path}", path=db_file))
            _create_private(db_file)
        elif not _looks_like_sqlite(db_file):
            raise DatabaseError(_("{path} n'est pas une base checkin.", path=db_file))
        url = f"sqlite:///{db_file}"
        engine = create_engine(url, poolclass=NullPool if os.name == "nt" else None)
    else:
        engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect)
    # Let SQLAlchemy's transaction control match SQLite's (BEGIN issued explicitly).
    event.listen(engine, "begin", _begin)
    _set_autocommit_driver(engine)
    try:
        version = _migrate(engine, db_file)
        desk_id = _ensure_desk_id(engine)
    except sqlite3.DatabaseError as exc:
        engine.dispose()
        raise DatabaseError(
            _("{path} n'est pas une base checkin lisible : {error}", path=db_file, error=exc)
        ) from exc
    except Exception:
        engine.dispose()
        raise
    clock = Clock(desk_id)
    with engine.connect() as conn:
        clock.observe(str(conn.exec_driver_sql("SELECT coalesce(max(hlc), '') FROM fact").scalar_one()))
    log.debug("replica %s at schema %d", db_file, version)
    if db_file is not None:
        _restrict(db_file)
    return Replica(db_file, engine, desk_id, clock, threading.Lock())


def _begin(conn: Connection) -> None:
    # Writers take the write lock at BEGIN, so they wait (busy_timeout) instead of failing
    # halfway; readers start a plain snapshot.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.pop("immediate", False) else "BEGIN")


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
    with path.open("rb") as fh:
        head = fh.read(16)
    return head == b"" or head == b"SQLite format 3\x00"


def _restrict(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists() and os.name != "nt":
            os.chmod(p, 0o600)
