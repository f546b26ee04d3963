"""The hub: the one place every desk's work meets, on an SQLite file or on PostgreSQL.

The same schema (``checkin.replica.models``' hub tables) runs on both, through Core. Every row written to the hub takes a number
from one counter (``hub_counter``); the counter row stays locked until the writing
transaction commits, so writers are serialised and the rows a reader can see always form a
prefix of the numbering. A desk can therefore pull "everything after n" and never skip a
row committed late by a slower writer.

The hub's schema has its own version (``hub_meta.schema_version``); a hub written by a
newer checkin is refused with a clear message, as the replica is.

An SQLite hub uses a rollback journal rather than WAL: WAL needs shared memory, which a
shared folder or a USB stick opened from several laptops does not give.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, event, exc, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.replica import cipher, models
from checkin.replica.attendees import STORED
from checkin.replica.encrypt import encrypt_in_place
from checkin.sync import tls

log = logging.getLogger(__name__)

HUB_SCHEMA = 3
PURGE_KEY = "purge"  # hub_meta: "<purge id> <when>", set by the last purge of the hub

# The hub's tables, declared once in checkin.replica.models.
hub_meta = models.table(models.HubMeta)
hub_counter = models.table(models.HubCounter)
hub_attendee = models.table(models.HubAttendee)
hub_sensitive = models.table(models.HubSensitive)
hub_ticket_code = models.table(models.HubTicketCode)
hub_session = models.table(models.HubSession)
hub_meeting = models.table(models.HubMeeting)
hub_fact = models.table(models.HubFact)
hub_conflict = models.table(models.HubConflict)
hub_aggregate = models.table(models.HubAggregate)  # counts kept after a purge

# The replica's columns a hub table holds (the ones a push and a pull copy).
ATTENDEE_COLUMNS = [c for c in hub_attendee.c.keys() if c in STORED]
FACT_COLUMNS = [c for c in hub_fact.c.keys() if c in models.table(models.Fact).c]
SESSION_COLUMNS = [c for c in hub_session.c.keys() if c in models.table(models.ProgrammeSession).c]
MEETING_COLUMNS = [c for c in hub_meeting.c.keys() if c in models.table(models.Meeting).c]


class HubError(KnownError):
    """The hub cannot be used: unreachable, not a hub, newer than this checkin."""


@dataclass
class Hub:
    url: str
    engine: Engine
    hub_id: str

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def write(self, beside: Path | None = None) -> Iterator[Connection]:
        """One writing transaction; on SQLite it takes the file's write lock at BEGIN.

        ``beside``: an SQLite file a file hub's transaction reads as well, attached as
        ``beside`` where the hub's library can open it (``conn.info["beside"]`` says so):
        rows copied from it by SQLite itself never pass through Python."""
        with guard(self.url):
            with self.engine.connect() as conn:
                conn.info["immediate"] = True
                raw = conn.connection.driver_connection
                attached = beside is not None and self.is_sqlite and cipher.attach(raw, beside, "beside")
                conn.info["beside"] = attached
                try:
                    with conn.begin():
                        yield conn
                finally:
                    conn.info.pop("beside", None)
                    if attached:
                        _detach(conn, raw)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with guard(self.url):
            with self.engine.connect() as conn:
                with conn.begin():
                    yield conn

    def allocate(self, conn: Connection, count: int) -> int:
        """Reserve ``count`` numbers; return the first. Locks the counter until commit."""
        top = conn.execute(
            hub_counter.update()
            .where(hub_counter.c.name == "seq")
            .values(value=hub_counter.c.value + count)
            .returning(hub_counter.c.value)
        ).scalar_one()
        return int(top) - count + 1

    def now_millis(self, conn: Connection) -> int:
        """The hub's reference time, against which a desk's clock skew is measured.

        PostgreSQL's clock for a server hub. For a file hub on a shared folder, the file
        server's clock: it stamps the modification time of a small probe file written next
        to the hub. For a file on this computer's own disk or on a USB stick there is no
        other clock than this computer's, and the desk's clock is taken as it is.
        ``CHECKIN_HUB_CLOCK`` (``auto``, ``file``, ``local``) overrides the choice.
        """
        if not self.is_sqlite:
            value = conn.exec_driver_sql(
                "SELECT (extract(epoch from clock_timestamp()) * 1000)::bigint"
            ).scalar_one()
            return int(value)
        if self.clock_file is not None:
            try:
                return file_clock(self.clock_file)
            except OSError as error:
                log.warning("hub clock probe failed (%s); using this computer's clock", error)
        return int(time.time() * 1000)

    @cached_property
    def clock_file(self) -> Path | None:
        """The file hub whose file system gives the reference time (decided once per opening)."""
        if not self.is_sqlite:
            return None
        path = Path(make_url(normalise_url(self.url)).database or "")
        mode = os.environ.get("CHECKIN_HUB_CLOCK", "auto")
        return path if mode == "file" or (mode == "auto" and on_network_share(path)) else None

    def close(self) -> None:
        self.engine.dispose()


def _detach(conn: Connection, raw: Any) -> None:
    """Detach the file a write read beside the hub; a connection that cannot is not reused."""
    try:
        raw.execute("DETACH DATABASE beside")
    except cipher.Error:
        log.warning("could not detach a file from the hub's connection", exc_info=True)
        conn.invalidate()


@contextmanager
def guard(url: str) -> Iterator[None]:
    """Turn a lost or refused connection into one sentence; bugs still raise."""
    try:
        yield
    except (exc.OperationalError, exc.InterfaceError) as error:
        told = tls.explain(make_url(normalise_url(url)), str(getattr(error, "orig", None) or error))
        raise HubError(
            told or _("Le hub {url} ne répond pas : {error}", url=safe_url(url), error=_short(error))
        ) from error
    except exc.DBAPIError as error:
        if error.connection_invalidated:
            raise HubError(
                _("Le hub {url} ne répond pas : {error}", url=safe_url(url), error=_short(error))
            ) from error
        raise


def _short(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(normalise_url(url)).render_as_string(hide_password=True)
    except Exception:
        return url


def normalise_url(url: str) -> str:
    """A bare path means an SQLite file hub; PostgreSQL URLs get the psycopg driver."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    dbapi_conn.isolation_level = None  # BEGIN is issued by _begin
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=DELETE")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.pop("immediate", False) else "BEGIN")


def _encrypt(path: Path) -> None:
    """Encrypt a plain hub file in place; a busy or damaged file is a sentence."""
    try:
        encrypt_in_place(path)
    except cipher.Error as error:
        raise HubError(
            _("Le hub {path} n'a pas pu être chiffré : {error}", path=path, error=error)
        ) from error


def make_engine(url: str, *, create: bool) -> Engine:
    full = normalise_url(url)
    parsed = make_url(full)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:":
            raise HubError(_("Un hub SQLite doit être un fichier : {url}", url=url))
        path = Path(database)
        if not path.exists():
            if not create:
                raise HubError(_("Hub introuvable : {path}", path=path))
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
        # mode=rw: a hub file that disappears (a USB stick pulled out) is an error, not a
        # new empty file.
        # Encrypted like a replica (checkin.replica.cipher) when the file is, or is new; a
        # plain hub from before encryption is encrypted in place, as a replica is.
        resolved = path.resolve()
        if cipher.is_plain(resolved) and cipher.enabled():
            _encrypt(resolved)
        engine = create_engine(
            "sqlite://",
            module=cipher.dbapi(resolved),
            poolclass=NullPool,
            creator=lambda: cipher.connect(resolved, mode="rw", timeout=30, check_same_thread=False),
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        refused = tls.refusal(parsed)  # before any connection: see checkin.sync.tls
        if refused:
            raise HubError(refused)
        return create_engine(full, connect_args={"connect_timeout": 5}, pool_pre_ping=True)
    raise HubError(_("Type de hub non pris en charge : {url}", url=safe_url(url)))


def file_clock(path: Path) -> int:
    """The time, in milliseconds, that the file system holding ``path`` stamps on a write."""
    probe = path.with_name(path.name + ".clock")
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, str(os.getpid()).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return os.stat(probe).st_mtime_ns // 1_000_000


_NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "davfs", "fuse.rclone"}


def on_network_share(path: Path, mountinfo: str | None = None) -> bool:
    """Whether ``path`` lies on a network file system (whose server has its own clock)."""
    if sys.platform == "win32" and mountinfo is None:
        resolved = str(path.resolve())
        if resolved.startswith("\\\\"):
            return True
        import ctypes

        drive = resolved[:3]
        return bool(ctypes.windll.kernel32.GetDriveTypeW(drive) == 4)  # type: ignore[attr-defined]
    try:
        mounts = mountinfo or Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False  # macOS and others: taken as local
    target = str(path.resolve())
    best, fstype = "", ""
    for line in mounts.splitlines():
        left, _sep, right = line.partition(" - ")
        fields = left.split()
        if len(fields) < 5 or not right:
            continue
        point = fields[4].replace("\\040", " ")
        if (target == point or target.startswith(point.rstrip("/") + "/")) and len(point) > len(best):
            best, fstype = point, right.split()[0]
    return fstype in _NETWORK_FS


def open_hub(url: str, *, create: bool = False) -> Hub:
    """Open a hub (``create``: make its tables if it has none); refuse a newer one."""
    engine = make_engine(url, create=create)
    try:
        with guard(url):
            with engine.connect() as conn:
                exists = engine.dialect.has_table(conn, "hub_meta")
            if not exists:
                if not create:
                    raise HubError(
                        _(
                            "{url} n'est pas un hub checkin : lancez d'abord « checkin hub init ».",
                            url=safe_url(url),
                        )
                    )
                _initialise(engine)
            hub_id, version = _identity(engine)
            if version > HUB_SCHEMA:
                raise HubError(
                    _(
                        "Le hub {url} a été créé par une version plus récente de checkin "
                        "(schéma {found}, cette version connaît jusqu'au {known}) : mettez checkin à jour.",
                        url=safe_url(url),
                        found=version,
                        known=HUB_SCHEMA,
                    )
                )
            if version < HUB_SCHEMA:
                _migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return Hub(url, engine, hub_id)


def _initialise(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.info["immediate"] = True
        with conn.begin():
            # Two "hub init" at once: the second finds the tables and does nothing.
            models.HUB_METADATA.create_all(conn, checkfirst=True)
            existing = conn.execute(hub_meta.select().where(hub_meta.c.key == "hub_id")).first()
            if existing is None:
                conn.execute(
                    hub_meta.insert(),
                    [
                        {"key": "hub_id", "value": str(uuid.uuid4())},
                        {"key": "schema_version", "value": str(HUB_SCHEMA)},
                    ],
                )
                conn.execute(hub_counter.insert().values(name="seq", value=0))
    log.info("hub created")


def _identity(engine: Engine) -> tuple[str, int]:
    with engine.connect() as conn:
        rows: dict[str, str] = {str(k): str(v) for k, v in conn.execute(hub_meta.select())}
    if "hub_id" not in rows:
        raise HubError(_("Le hub est incomplet (identifiant manquant)."))
    return rows["hub_id"], int(rows.get("schema_version", "0") or 0)


def _set_meta(conn: Connection, key: str, value: str) -> None:
    updated = conn.execute(hub_meta.update().where(hub_meta.c.key == key).values(value=value))
    if not updated.rowcount:
        conn.execute(hub_meta.insert().values(key=key, value=value))


def set_meta(conn: Connection, key: str, value: str) -> None:
    _set_meta(conn, key, value)


def get_meta(conn: Connection, key: str, default: str = "") -> str:
    row = conn.execute(hub_meta.select().where(hub_meta.c.key == key)).first()
    return str(row[1]) if row else default


def _migrate(engine: Engine) -> None:
    """Bring an older hub to this schema, one step per transaction.

    Each step re-reads the version under a lock (SQLite's write lock, a table lock on
    PostgreSQL), so desks opening the same old hub at once migrate it once.
    """
    while True:
        with engine.connect() as conn:
            conn.info["immediate"] = True
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql("LOCK TABLE hub_meta IN SHARE ROW EXCLUSIVE MODE")
                version = int(get_meta(conn, "schema_version", "0") or 0)
                if version >= HUB_SCHEMA:
                    return
                MIGRATIONS[version](conn)
                _set_meta(conn, "schema_version", str(version + 1))
                log.info("hub migrated to schema %d", version + 1)


def _v1_to_v2(conn: Connection) -> None:
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS hub_fact_ref ON hub_fact (ref)")


def _v2_to_v3(conn: Connection) -> None:
    """Registrations carry the check-in their ticketing platform had recorded (imports)."""
    from sqlalchemy import inspect

    if "platform_checkin" not in {c["name"] for c in inspect(conn).get_columns("hub_attendee")}:
        conn.exec_driver_sql("ALTER TABLE hub_attendee ADD COLUMN platform_checkin TEXT NOT NULL DEFAULT ''")


# MIGRATIONS[n] takes a hub at version n to n + 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1_to_v2, 2: _v2_to_v3}


def upsert(conn: Connection, table: Table, rows: list[dict[str, Any]], keys: list[str], update: bool) -> None:
    """INSERT … ON CONFLICT DO NOTHING / DO UPDATE, on SQLite and PostgreSQL alike."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(table)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table)
    if update:
        names = [c for c in rows[0] if c not in keys]
        stmt = stmt.on_conflict_do_update(
            index_elements=keys, set_={c: getattr(stmt.excluded, c) for c in names}
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=keys)
    conn.execute(stmt, rows)
