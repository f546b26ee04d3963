"""Every path the program uses, in one place, so tests can redirect them all.

``CHECKIN_HOME`` moves the data and configuration folders (tests point it at ``tmp_path``);
``--db`` or ``CHECKIN_DB`` picks the replica file; the event file is chosen once per run by ``checkin.event.model.resolve``.
"""

from __future__ import annotations

import importlib.resources
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_log_path

APP = "checkin"


def _home() -> Path | None:
    value = os.environ.get("CHECKIN_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    home = _home()
    path = home / "data" if home else user_data_path(APP, appauthor=False)
    return _private_dir(path)


def config_dir() -> Path:
    home = _home()
    path = home / "config" if home else user_config_path(APP, appauthor=False)
    return _private_dir(path)


def log_dir() -> Path:
    home = _home()
    path = home / "logs" if home else user_log_path(APP, appauthor=False)
    return _private_dir(path)


def db_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The replica: ``--db`` first, then ``CHECKIN_DB``, then the data folder."""
    if override:
        return Path(override)
    env = os.environ.get("CHECKIN_DB")
    if env:
        return Path(env)
    return data_dir() / "desk.sqlite"


def settings_path() -> Path:
    return config_dir() / "settings.toml"


def print_dir() -> Path:
    """Where the file printer writes PDFs (the default and the demo)."""
    return _private_dir(data_dir() / "prints")


def staging_dir() -> Path:
    """Where imports check their rows before applying them: inside the data folder, so
    that it is private like the replica and a purge finds what a killed import left."""
    return _private_dir(data_dir() / "staging")


def resources_dir() -> Path:
    """The data shipped inside the package (events, fonts, layouts, slips, sounds, catalogs).

    Read through ``importlib.resources`` so the same code finds them in a git checkout, an
    installed wheel and a frozen bundle; every file there is a plain file on disk (the
    package is never imported from a zip), which ReportLab and Qt need.
    """
    env = os.environ.get("CHECKIN_RESOURCES")
    if env:
        return Path(env)
    return Path(str(importlib.resources.files("checkin").joinpath("resources")))


def default_event_path() -> Path:
    """The event shipped with the program (AICT 2026), used when nothing else is chosen."""
    return resources_dir() / "events" / "aict2026.toml"


def _private_dir(path: Path) -> Path:
    """Create ``path`` readable by its owner alone (personal data lives there); a folder an
    older version made readable by others is closed again."""
    if not path.exists():
        path.mkdir(parents=True, mode=0o700, exist_ok=True)
    elif os.name != "nt" and path.stat().st_mode & 0o077:
        try:
            path.chmod(0o700)
        except OSError:  # not ours (a shared folder): left as it is
            pass
    return path


def keep_private() -> None:
    """Every file and folder this process creates is its user's alone (0600, 0700).

    Set once as a command or the desk starts: SQLite's own files (WAL, staging, backups),
    the log's rotated files and the badge PDFs are then private without each writer
    remembering to say so.
    """
    if os.name != "nt":
        os.umask(0o077)


def fsync_dir(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (its directory entry flushed); Windows has no
    directory handle to flush and keeps renames on its own."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def temporary_home(prefix: str) -> Iterator[Path]:
    """``CHECKIN_HOME`` pointed at a fresh temporary folder for the block (benches and
    screenshots: nothing of theirs reaches the user's desk), then put back and removed."""
    previous = os.environ.get("CHECKIN_HOME")
    with tempfile.TemporaryDirectory(prefix=prefix) as home:
        os.environ["CHECKIN_HOME"] = home
        try:
            yield Path(home)
        finally:
            if previous is None:
                os.environ.pop("CHECKIN_HOME", None)
            else:
                os.environ["CHECKIN_HOME"] = previous
