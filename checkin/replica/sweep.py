"""After a purge, the files around the replica that still hold names: gone too.

A purge empties the replica's tables and vacuums it (``checkin.sync.purge``), but a desk
also leaves personal data beside it: the backups written every few minutes, the replaced
files a restore kept aside, the badge PDFs of the file printer, the log (crash reports are
tracebacks in it) and its rotated files, the staging folders (in the data folder) of an
import that was killed. :func:`sweep` removes them, each file overwritten with zeros before it is
unlinked (on a disk that writes in place, the old bytes go; on an SSD or a journalling
file system only full-disk encryption, which the operating system provides, covers the
copies the drive keeps). The lead's PIN tries and the settings hold no personal data and
stay.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from checkin.base import logs, paths
from checkin.base.settings import DeskSettings
from checkin.replica import backup

log = logging.getLogger(__name__)

_CHUNK = 1 << 20


def shred(path: Path) -> None:
    """Overwrite ``path`` with zeros, then unlink it (a file that vanished meanwhile is fine)."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as out:
            zeros = bytes(min(size, _CHUNK))
            left = size
            while left > 0:
                left -= out.write(zeros[: min(left, _CHUNK)])
            out.flush()
            os.fsync(out.fileno())
        path.unlink()
    except FileNotFoundError:
        pass


def _files(folder: Path, pattern: str = "*") -> list[Path]:
    try:
        return [p for p in folder.glob(pattern) if p.is_file() and not p.is_symlink()]
    except OSError:
        return []


def _backups(folders: Iterable[Path]) -> int:
    """Every backup and partial backup: they are copies of the unpurged replica."""
    gone = 0
    for folder in set(folders):
        for path in _files(folder, "checkin-*.sqlite*"):
            shred(path)
            gone += 1
    return gone


def _configured_backups() -> list[Path]:
    configured = DeskSettings.load().backup_dir
    return [backup.folder_for(configured)] if configured else []


def _prints(folders: Iterable[Path]) -> int:
    """Badge PDFs the file printer wrote (``job-*.pdf``) and their half-written ``.part``."""
    gone = 0
    for folder in set(folders):
        for path in [*_files(folder, "job-*.pdf"), *_files(folder, "job-*.part")]:
            shred(path)
            gone += 1
    return gone


def _aside(replica: Path) -> int:
    """Replicas a restore kept aside, and half-restored copies."""
    found = [
        *_files(replica.parent, f"{replica.name}.replaced-*"),
        *_files(replica.parent, f"{replica.name}.restoring"),
    ]
    for path in found:
        shred(path)
    return len(found)


def _logs() -> int:
    """Rotated logs go; the current one is emptied in place (its handler keeps appending)."""
    current = logs.log_file()
    rotated = _files(current.parent, current.name + ".*")
    for path in rotated:
        shred(path)
    if current.exists():
        size = current.stat().st_size
        with current.open("r+b") as out:
            out.write(bytes(size))
            out.truncate(0)
            out.flush()
            os.fsync(out.fileno())
    return len(rotated) + 1


def _staging() -> int:
    """Staging folders an import or a hub import left when it was killed."""
    gone = 0
    for folder in paths.staging_dir().iterdir():
        if folder.is_dir() and not folder.is_symlink():
            for path in _files(folder, "**/*"):
                shred(path)
            shutil.rmtree(folder, ignore_errors=True)
            gone += 1
        elif folder.is_file():
            shred(folder)
            gone += 1
    return gone


def sweep(
    replica: Path, *, backup_folders: Iterable[Path] = (), print_folders: Iterable[Path] = ()
) -> dict[str, int]:
    """Remove the personal data a purged replica leaves around it; how many of each went."""
    done = {
        "backups": _backups([backup.default_folder(), *_configured_backups(), *backup_folders]),
        "prints": _prints([paths.print_dir(), *print_folders]),
        "aside": _aside(replica),
        "staging": _staging(),
        "logs": _logs(),
    }
    log.info("personal files swept after a purge: %s", done)
    return done
