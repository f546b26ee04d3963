"""After ``checkin purge`` no byte of the data folder names an attendee.

The sample is imported, some people admitted and their badges printed to files through the
print queue, a backup made, names written to the log (as a crash report would) and to a
rotated log, a killed import's staging file left behind; then ``checkin purge``, and every
file under the test's home is read as bytes and searched for every name and e-mail, in
UTF-8 and UTF-16.
"""

from __future__ import annotations

import csv
import logging
import logging.handlers
import os
import re
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sample import SAMPLE_DIR

from checkin.base import logs, paths
from checkin.cli import main
from checkin.event import model as event_mod
from checkin.printing.backends import FileBackend
from checkin.printing.queue import Job, PdfBadgeRenderer, PrintQueue
from checkin.replica import attendees
from checkin.replica.db import open_replica


def sample_people() -> list[str]:
    """Every surname, first name and e-mail of the sample (the words to look for)."""
    with (SAMPLE_DIR / "inscriptions.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    words = {r[k].strip() for r in rows for k in ("Nom", "Prénom", "Email")}
    return sorted(w for w in words if len(w) >= 4)


def print_badges(db: Path, n: int) -> list[Path]:
    replica = open_replica(db)
    done = threading.Semaphore(0)

    def listener(job: Job) -> None:
        if job.state == "done":
            done.release()

    queue = PrintQueue(replica, {"files": FileBackend("files")}, PdfBadgeRenderer(event_mod.load()))
    queue.add_listener(listener)
    queue.start()
    try:
        with replica.read() as conn:
            chosen = sorted(attendees.all_live(conn), key=lambda a: a.code)[:n]
        for person in chosen:
            queue.enqueue_badge(person, desk="Accueil 1", role="volunteer")
        assert all(done.acquire(timeout=30) for _ in chosen)
    finally:
        queue.stop()
        replica.close()
    return sorted(paths.print_dir().glob("*.pdf"))


@pytest.fixture(autouse=True)
def _umask_and_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``checkin``'s main sets the process's umask (0077) and its log file, in this test's
    home whatever ran before: both given back after the test."""
    old = os.umask(0o022)
    os.umask(old)
    root = logging.getLogger("checkin")
    kept = list(root.handlers)
    for handler in kept:
        root.removeHandler(handler)
    monkeypatch.setattr(logs, "_configured", False)
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in kept:
        root.addHandler(handler)
    os.umask(old)


def test_purge_leaves_no_name_in_the_data_folder(
    home: Path, capsys: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Names are found in the files before the purge only when they are plain (encryption
    # off, a closed lab): the worst case for the purge; encrypted files: test_encryption.
    monkeypatch.setenv("CHECKIN_ENCRYPT", "0")
    db = paths.db_path()
    assert main(["import", str(SAMPLE_DIR / "inscriptions.csv")]) == 0
    words = sample_people()
    replica = open_replica(db)
    with replica.read() as conn:
        codes = [a.code for a in sorted(attendees.all_live(conn), key=lambda a: a.code)[:5]]
    replica.close()
    for code in codes:
        assert main(["scan", code, "--day", "2026-07-08"]) in (0, 1)
    pdfs = print_badges(db, 3)
    assert len(pdfs) == 3 and all(p.name.startswith("job-") for p in pdfs)
    assert main(["backup"]) == 0
    # What the desk logged at INFO while importing, scanning and printing: no names.
    assert logs.log_file().stat().st_size > 0 and found_in(paths.log_dir(), words) == {}
    crash = logging.getLogger("checkin.test")
    crash.error("crash report naming %s <%s>", words[0], words[-1])
    for handler in logging.getLogger("checkin").handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            handler.doRollover()  # the names now in checkin.log.1
    crash.error("crash report naming %s", words[1])
    killed = Path(tempfile.mkdtemp(prefix="checkin-import-", dir=paths.staging_dir()))
    con = sqlite3.connect(killed / "staging.sqlite")  # what a killed import leaves
    con.execute("CREATE TABLE row(data)")
    con.executemany("INSERT INTO row VALUES (?)", [(w,) for w in words])
    con.commit()
    con.close()
    assert_private(home)
    # Before: the names are there to find (a sample of them, as this folder is large).
    before = found_in(home, words[::40])
    where = {part for p in before for part in p.relative_to(home).parts}
    assert {"desk.sqlite", "backups", "logs", "checkin.log.1", "staging"} <= where  # PDFs: compressed

    assert main(["purge", "--keep-aggregates"]) == 0
    assert found_in(home, words) == {}
    assert not list(paths.print_dir().iterdir()) and not list(paths.staging_dir().iterdir())
    assert not list((paths.data_dir() / "backups").iterdir())


def _pattern(words: list[str], enc: str) -> re.Pattern[bytes]:
    """Any of ``words`` as a whole word (``MARY`` is a surname, ``PRIMARY`` is SQL)."""
    letter = b"[A-Za-z0-9]"
    if enc == "utf-16-le":
        letter = b"[A-Za-z0-9]\x00"
    elif enc == "utf-16-be":
        letter = b"\x00[A-Za-z0-9]"
    body = b"|".join(re.escape(w.encode(enc)) for w in words)
    return re.compile(b"(?<!" + letter + b")(?:" + body + b")(?!" + letter + b")")


def found_in(folder: Path, words: list[str]) -> dict[Path, set[str]]:
    """Files under ``folder`` holding any of ``words`` (UTF-8, UTF-16 LE and BE, as bytes)."""
    patterns = {enc: _pattern(words, enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")}
    hits: dict[Path, set[str]] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for enc, pattern in patterns.items():
                for match in pattern.finditer(data):
                    hits.setdefault(path, set()).add(match.group().decode(enc))
    return hits


def assert_private(home: Path) -> None:
    """Folders 0700 and files 0600 in the data, log and configuration folders."""
    loose = []
    for top in (paths.data_dir(), paths.log_dir(), paths.config_dir()):
        for path in [top, *top.rglob("*")]:
            mode = path.stat().st_mode & 0o777
            if mode != (0o700 if path.is_dir() else 0o600):
                loose.append(f"{path.relative_to(home)} {mode:o}")
    assert loose == [], "\n".join(loose)
