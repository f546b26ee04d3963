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
import re
import threading
from pathlib import Path

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


def test_purge_leaves_no_name_in_the_data_folder(home: Path, capsys: object) -> None:
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
    logs.setup()
    logging.getLogger("checkin.test").error("crash report naming %s <%s>", words[0], words[-1])
    logs.log_file().with_name("checkin.log.1").write_text(" ".join(words[:50]), encoding="utf-8")
    (paths.staging_dir() / "checkin-import-killed").mkdir()
    (paths.staging_dir() / "checkin-import-killed" / "staging.sqlite").write_bytes(" ".join(words).encode())
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
