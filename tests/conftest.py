"""Fixtures shared by every test: a private home, the event, the sample data, replicas."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sample import SAMPLE_DIR

from checkin.event import model as event_module
from checkin.event.model import EventConfig
from checkin.replica.db import Replica, open_replica


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every path the program uses points into this test's folder."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("CHECKIN_HOME", str(folder))
    monkeypatch.delenv("CHECKIN_DB", raising=False)
    monkeypatch.delenv("CHECKIN_EVENT", raising=False)
    monkeypatch.delenv("CHECKIN_LANG", raising=False)
    # During the event: past its retention date, every desk would purge itself at start.
    monkeypatch.setenv("CHECKIN_TODAY", "2026-07-08")
    return folder


@pytest.fixture(scope="session")
def event() -> EventConfig:
    return event_module.load()


OTHER_EVENT_NAME = "Forum des territoires solidaires"


def write_other_event(folder: Path) -> Path:
    """A second event that differs visibly from AICT 2026 and still reads the sample export.

    Other id, name and short name; a third day (10 July); the « Élu » category renamed
    and recoloured; another badge footer; dietary needs shown at the desks.
    """
    from checkin.base import paths

    text = paths.default_event_path().read_text(encoding="utf-8")
    for old, new in (
        ('id = "aict2026"', 'id = "fts2026"'),
        (
            'name = "17es Rencontres de l\'action internationale des collectivités territoriales"',
            f'name = "{OTHER_EVENT_NAME}"',
        ),
        ('short_name = "Rencontres de l\'AICT 2026"', 'short_name = "Forum FTS 2026"'),
        ('label = "9 juillet"\nlabel_en = "9 July"', 'label = "jeudi 9"\nlabel_en = "Thursday 9"'),
        (
            "[registration]",
            '[[days]]\ndate = "2026-07-10"\nlabel = "vendredi 10"\nlabel_en = "Friday 10"\n'
            'aliases = ["10 juillet"]\n\n[registration]',
        ),
        (
            'name = "Élu"\nname_en = "Elected official"\ncolour = "#1F4E9D"',
            'name = "Élu·e local·e"\nname_en = "Local councillor"\ncolour = "#7B241C"',
        ),
        ("Cités Unies France — #AICT2026", "Forum FTS — #FTS2026"),
        ("desk_fields = []", 'desk_fields = ["dietary"]'),
    ):
        assert old in text, old
        text = text.replace(old, new)
    path = folder / "fts2026.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def other_event_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file of a second event (see :func:`write_other_event`), written once."""
    return write_other_event(tmp_path_factory.mktemp("other-event"))


@pytest.fixture
def other_event(tmp_path: Path, other_event_file: Path) -> Path:
    """A copy of the second event's file that a test may change."""
    folder = tmp_path / "other-event"
    folder.mkdir(exist_ok=True)
    return Path(shutil.copy(other_event_file, folder / other_event_file.name))


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
    # The desk's secret for encrypted replicas (checkin.base.keys): never the test
    # machine's keyring; subprocesses inherit it.
    os.environ.setdefault("CHECKIN_PASSPHRASE", "phrase secrète des tests")


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
