"""Hubs for the sync tests: an SQLite file and a real, throw-away PostgreSQL cluster.

The cluster is Debian's PostgreSQL (``/usr/lib/postgresql/*/bin``): ``initdb`` in a temporary
folder, ``pg_ctl start`` on a free loopback port, one fresh database per test, stopped at
the end of the session. ``initdb`` refuses to run as root, so as root the cluster runs as
the ``postgres`` system user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sample import SAMPLE_DIR
from sqlalchemy import create_engine, text

from checkin.event import model as event_module
from checkin.event.model import EventConfig
from checkin.sync.hub import Hub, open_hub
from checkin.sync.hubimport import import_into_hub


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class Cluster:
    def __init__(self, bindir: Path, settings: str = "") -> None:
        self.bindir = bindir
        self.settings = settings  # more ``-c name=value`` for the server (TLS: tests/sync/test_tls_server.py)
        self.root = Path(tempfile.mkdtemp(prefix="checkin-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = "postgres"
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def own(self, path: Path) -> None:
        """Give a file to the server's user (a key must be the server's, mode 0600)."""
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str) -> None:
        cmd = [str(a) for a in args]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(
            self.bindir / "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100 {self.settings}"
        ).strip()
        self._run(
            self.bindir / "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        try:
            self._run(self.bindir / "pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(sql))
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    bindir = _pg_bin()
    if bindir is None:
        pytest.fail("PostgreSQL is not installed (apt-get install postgresql)")
    cluster = Cluster(bindir)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(autouse=True)
def _sync_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKIN_HOME", str(tmp_path / "home"))


@pytest.fixture
def sync_event() -> EventConfig:
    return event_module.load()


HubFactory = Callable[[], str]


@pytest.fixture(params=["sqlite", "postgresql"])
def new_hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HubFactory]:
    """Makes empty, initialised hubs of the parametrised kind; returns their URLs."""
    made: list[str] = []
    cluster: Cluster | None = request.getfixturevalue("pg_cluster") if request.param == "postgresql" else None

    def make() -> str:
        name = f"hub_{uuid.uuid4().hex[:10]}"
        if cluster is None:
            url = str(tmp_path / f"{name}.sqlite")
        else:
            cluster.admin(f"CREATE DATABASE {name}")
            url = cluster.url(name)
            made.append(name)
        open_hub(url, create=True).close()
        return url

    make.kind = request.param  # type: ignore[attr-defined]
    yield make
    if cluster is not None:
        for name in made:
            cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def seeded_hub(new_hub: HubFactory, sync_event: EventConfig) -> Callable[[], str]:
    """Makes hubs holding the sample export, programme and B2B grid (imported once, then copied)."""
    template = new_hub()
    hub = open_hub(template)
    try:
        for name in ("inscriptions.csv", "programme.csv", "rendez-vous-b2b.csv"):
            import_into_hub(hub, sync_event, SAMPLE_DIR / name)
    finally:
        hub.close()
    return lambda: clone(template)


def clone(url: str) -> str:
    """A copy of a hub (a file copy, or a PostgreSQL database made from it as template)."""
    if "://" not in url:
        target = str(Path(url).with_name(f"hub_{uuid.uuid4().hex[:10]}.sqlite"))
        shutil.copyfile(url, target)
        return target
    base, _, source = url.rpartition("/")
    name = f"hub_{uuid.uuid4().hex[:10]}"
    engine = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {source}"))
    finally:
        engine.dispose()
    return f"{base}/{name}"


def hub_state(url: str) -> dict[str, object]:
    hub: Hub = open_hub(url)
    try:
        with hub.read() as conn:
            facts = sorted(
                tuple(r)
                for r in conn.execute(text("SELECT id, kind, attendee_uid, day, ref, hlc FROM hub_fact"))
            )
            people = sorted(
                tuple(r)
                for r in conn.execute(
                    text("SELECT uid, first_name, last_name, organisation, status FROM hub_attendee")
                )
            )
    finally:
        hub.close()
    return {"facts": facts, "attendees": people}
