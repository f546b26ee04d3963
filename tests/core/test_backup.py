"""Backups, restore, damage and a full disk — on real files, a real killed process and a
small file system of its own."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from replica_faults import damage_page
from sample import SAMPLE_DIR

from checkin.base.errors import DamagedReplica, DatabaseError
from checkin.event import model as event_mod
from checkin.replica import backup, facts
from checkin.replica.attendees import all_live
from checkin.replica.db import open_replica, quick_check
from tests import dbfiles

SAMPLE = SAMPLE_DIR / "inscriptions.csv"
DAY = "2026-07-08"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from checkin.importer import import_file

    path = tmp_path_factory.mktemp("backup") / "template.sqlite"
    replica = open_replica(path)
    import_file(replica, event_mod.load(), SAMPLE)
    replica.close()
    return path


@pytest.fixture
def desk(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHECKIN_HOME", str(tmp_path / "home"))
    path = tmp_path / "desk.sqlite"
    shutil.copyfile(template, path)
    return path


def admit(path: Path, n: int, offset: int = 0) -> list[str]:
    replica = open_replica(path)
    try:
        with replica.read() as conn:
            people = sorted((a for a in all_live(conn) if a.status == "confirmed"), key=lambda a: a.code)
        return [
            facts.record_checkin(replica, p, day=DAY, desk="Accueil 1").id
            for p in people[offset : offset + n]
        ]
    finally:
        replica.close()


def checkins(path: Path) -> set[str]:
    con = dbfiles.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT id FROM fact WHERE kind = 'checkin'")}
    finally:
        con.close()


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "checkin.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_backups_are_whole_copies_and_only_the_last_n_are_kept(desk: Path, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    made = []
    for n in range(4):
        admit(desk, 1, offset=n)
        made.append(backup.backup(desk, folder, desk_id="0123456789", kind="auto", keep=3))
        time.sleep(1.05)  # names carry the second
    day = backup.backup(desk, folder, desk_id="0123456789", kind="day", keep=3)
    kept = backup.listing(folder)
    assert [b.path for b in kept] == [b.path for b in made[1:]] + [day.path]
    assert quick_check(day.path) == "" and checkins(day.path) == checkins(desk)
    assert len(checkins(made[1].path)) == 2
    assert (day.path.stat().st_mode & 0o777) == 0o600


def test_a_backup_killed_halfway_leaves_the_previous_one_whole(desk: Path, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    admit(desk, 3)
    run = cli("backup", "--db", str(desk), "--to", str(folder), "--json")
    assert run.returncode == 0, run.stderr
    previous = Path(json.loads(run.stdout)["path"])
    before = previous.read_bytes()
    admit(desk, 2, offset=3)
    # A slow copy (one page per step), killed while it writes.
    proc = subprocess.Popen(
        [sys.executable, "-m", "checkin.cli", "backup", "--db", str(desk), "--to", str(folder)],
        env={**os.environ, "CHECKIN_BACKUP_PAGES": "1", "CHECKIN_BACKUP_PAUSE": "0.002"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(folder.glob("*.partial")) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert list(folder.glob("*.partial")), "the kill came after the copy"
    assert [b.path for b in backup.listing(folder)] == [previous]  # the half copy is no backup
    assert previous.read_bytes() == before and quick_check(previous) == ""
    assert len(checkins(previous)) == 3
    # The next backup clears the half copy; a restore takes the newest whole one.
    run = cli("backup", "--db", str(desk), "--to", str(folder), "--json")
    assert run.returncode == 0, run.stderr
    assert not list(folder.glob("*.partial")) and len(backup.listing(folder)) == 2


def test_a_damaged_replica_is_found_and_restored_with_its_later_facts(desk: Path, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    early = admit(desk, 3)
    assert cli("backup", "--db", str(desk), "--to", str(folder)).returncode == 0
    late = admit(desk, 2, offset=3)  # after the backup
    damage_page(desk)
    assert quick_check(desk) != ""
    sentence = backup.damaged_sentence(desk, quick_check(desk), folder, "hub.sqlite")
    assert "abîmée" in sentence and "restaurer la dernière sauvegarde" in sentence
    assert "reconstruire le poste depuis le hub" in sentence
    run = cli("restore", "--db", str(desk), "--from", str(folder))
    assert run.returncode == 0, run.stderr
    assert "Poste remis en état depuis" in run.stdout and "2 faits repris" in run.stdout
    assert quick_check(desk) == ""
    assert checkins(desk) == set(early) | set(late)  # nothing the damage spared is lost
    aside = [p for p in tmp_path.glob("desk.sqlite.replaced-*") if not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1  # the damaged file is kept, never deleted
    replica = open_replica(desk)
    replica.close()


def test_a_replica_too_damaged_to_open_is_a_sentence(desk: Path, tmp_path: Path) -> None:
    with desk.open("r+b") as fh:
        fh.write(b"\x00" * 100)  # the header
    with pytest.raises(DamagedReplica) as err:
        open_replica(desk)
    assert "abîmée" in str(err.value) and "checkin restore" in str(err.value)
    run = cli("scan", "AICT26-AAAAAAAA", "--db", str(desk))
    assert run.returncode == 1 and "abîmée" in run.stderr and "inattendue" not in run.stderr


def test_db_pointing_at_a_folder_is_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="est un dossier"):
        open_replica(tmp_path)
    run = cli("find", "dupont", "--db", str(tmp_path))
    assert run.returncode == 1 and "est un dossier" in run.stderr and "desk.sqlite" in run.stderr


# -- a full disk, on a small file system of its own ------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(
            f"cannot mount a small file system here ({done.stderr.strip()}); see the fault-injection test"
        )
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> Path:
    """Fill the file system to the last block."""
    ballast = folder / "ballast"
    with ballast.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
        except OSError:
            pass
        try:
            while True:
                fh.write(b"\0" * 512)
        except OSError:
            pass
    return ballast


def _scan_until_refused(replica: Any) -> tuple[list[str], str, list[Any]]:
    """Admit people one after the other until the desk refuses; return the uids it said
    were admitted, the refusal's sentence and the people not admitted yet."""
    from checkin.arrivals import scan

    ev = event_mod.load()
    admitted: list[str] = []
    with replica.read() as conn:
        people = sorted(
            (a for a in all_live(conn) if a.status == "confirmed" and (not a.days or DAY in a.days)),
            key=lambda a: a.code,
        )
    people = [p for p in people if p.uid not in _stored(replica.path)]
    for n, person in enumerate(people):
        try:
            decision = scan.decide(replica, ev, person.code, day=DAY, desk="A")
        except DatabaseError as exc:
            return admitted, exc.message, people[n:]
        if decision.outcome == "admitted":
            admitted.append(person.uid)
    return admitted, "", []


def _stored(db: Path) -> set[str]:
    con = dbfiles.connect(db)
    try:
        return {r[0] for r in con.execute("SELECT attendee_uid FROM fact WHERE kind = 'checkin'")}
    finally:
        con.close()


def test_a_full_disk_refuses_admissions_with_a_sentence_then_resumes(
    small_disk: Path, template: Path
) -> None:
    """The desk is open and admitting when its disk fills up (a tmpfs of a few MB)."""
    db = small_disk / "desk.sqlite"
    shutil.copyfile(template, db)
    replica = open_replica(db)
    try:
        ballast = _fill(small_disk)
        admitted, sentence, _waiting = _scan_until_refused(replica)
        assert sentence, "the disk never filled"
        assert "disque est plein" in sentence and "rien n'a été enregistré" in sentence
        assert _stored(db) == set(admitted)  # every "admitted" answer is on disk, nothing more
        ballast.unlink()  # space is back: the same desk goes on by itself
        more, sentence, _left = _scan_until_refused(replica)
        assert more  # admitting again (until this small disk fills up once more)
        assert not sentence or "disque est plein" in sentence
        assert _stored(db) == set(admitted) | set(more)
    finally:
        replica.close()
    assert quick_check(db) == ""


def test_a_full_database_by_fault_injection_is_the_same_sentence(desk: Path) -> None:
    """The same refusal without a file system of its own (where mounting is not allowed):
    SQLite's own page limit makes every write hit "database or disk is full"."""
    from sqlalchemy import event

    from checkin.arrivals import scan

    ev = event_mod.load()
    replica = open_replica(desk)
    try:
        replica.engine.dispose()
        limit = {"pages": 0}

        def cap(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            if limit["pages"]:
                dbapi_conn.execute(f"PRAGMA max_page_count = {limit['pages']}")

        event.listen(replica.engine, "connect", cap)
        with replica.read() as conn:
            people = sorted((a for a in all_live(conn) if a.status == "confirmed"), key=lambda a: a.code)
            limit["pages"] = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
        replica.engine.dispose()
        with pytest.raises(DatabaseError) as err:
            for person in people:
                facts.record_checkin(replica, person, day=DAY, desk="A")
        assert "disque est plein" in str(err.value)
        limit["pages"] = 0
        replica.engine.dispose()
        assert scan.decide(replica, ev, people[-1].code, day=DAY, desk="A").outcome in {
            "admitted",
            "already_in",
        }
    finally:
        replica.close()
