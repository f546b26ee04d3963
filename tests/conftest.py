"""Fixtures shared by every test: a private home, the event, the sample data, replicas."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from checkin import event as event_module
from checkin.db import Replica, open_replica
from checkin.event import EventConfig

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "aict2026"
if not SAMPLE_DIR.exists():  # a clone beside shared/, as CI lays it out
    SAMPLE_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "aict2026"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every path the program uses points into this test's folder."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("CHECKIN_HOME", str(folder))
    monkeypatch.delenv("CHECKIN_DB", raising=False)
    monkeypatch.delenv("CHECKIN_EVENT", raising=False)
    monkeypatch.delenv("CHECKIN_LANG", raising=False)
    return folder


@pytest.fixture(scope="session")
def event() -> EventConfig:
    return event_module.load()


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    assert SAMPLE_DIR.exists(), f"sample data not found at {SAMPLE_DIR}"
    return SAMPLE_DIR


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[Replica]:
    """An empty replica in a real SQLite file."""
    r = open_replica(tmp_path / "desk.sqlite")
    yield r
    r.close()


@pytest.fixture
def sample_db(tmp_path: Path, event: EventConfig, sample_dir: Path) -> Iterator[Replica]:
    """A replica with the sample export, programme and B2B grid imported."""
    from checkin.importer import import_file

    r = open_replica(tmp_path / "sample.sqlite")
    for name in ("inscriptions.csv", "programme.csv", "rendez-vous-b2b.csv"):
        import_file(r, event, sample_dir / name)
    yield r
    r.close()


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


_exit_status = 0


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave without the interpreter's final garbage collection once Qt was loaded.

    PySide6 6.12 can abort in that last collection ("bool_dealloc: deallocating True or
    False", about one run in four here), after every test has passed and the summary is
    printed; the exit status pytest computed is kept.
    """
    import sys

    if "PySide6" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status)
