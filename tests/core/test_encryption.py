"""Encrypted at rest: the replica, its backups, the print queue and an SQLite hub hold no
name or e-mail in their bytes; no key or a wrong key is a sentence; a plain replica from
the previous version is encrypted in place, and a kill midway leaves one whole file."""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from sample import SAMPLE_DIR

from checkin.base import keys
from checkin.base.errors import KnownError
from checkin.event.model import EventConfig
from checkin.replica import backup as backup_mod
from checkin.replica import cipher
from checkin.replica.db import open_replica

PAST = Path(__file__).resolve().parents[1] / "data" / "past"
ROOT = Path(__file__).resolve().parents[2]


class MemoryKeyring(KeyringBackend):
    """A keyring in memory, standing in for the Credential Manager, Keychain or Secret Service."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def encrypted(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CHECKIN_ENCRYPT", "1")
    monkeypatch.setenv("CHECKIN_PASSPHRASE", "une phrase de test assez longue")
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # no keyring unless a test sets one
    yield
    keyring.set_keyring(before)


def sample_secrets() -> list[bytes]:
    """Every name and e-mail of the sample, as UTF-8 bytes."""
    with (SAMPLE_DIR / "inscriptions.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    found = set()
    for row in rows:
        for column in ("Nom", "Email"):
            if len(row[column]) >= 4:
                found.add(row[column].encode("utf-8"))
    assert len(found) > 100
    return sorted(found)


def plain_hits(*files: Path) -> list[bytes]:
    data = b"".join(p.read_bytes() for p in files if p.exists())
    return [s for s in sample_secrets() if s in data]


def test_replica_backup_and_print_queue_hold_no_name_or_email(
    encrypted: None, tmp_path: Path, event: EventConfig
) -> None:
    from checkin.importer import import_file
    from checkin.printing.backends import FileBackend
    from checkin.printing.queue import PdfBadgeRenderer, PrintQueue

    db = tmp_path / "desk.sqlite"
    replica = open_replica(db)
    import_file(replica, event, SAMPLE_DIR / "inscriptions.csv")
    with replica.read() as conn:
        uids = [str(r[0]) for r in conn.exec_driver_sql("SELECT uid FROM attendee LIMIT 20")]
    queue = PrintQueue(replica, {"files": FileBackend("files", tmp_path / "pdf")}, PdfBadgeRenderer(event))  # type: ignore[arg-type]
    for uid in uids:
        queue.enqueue_badge(uid)  # the jobs wait in the replica's print_job table
    made = backup_mod.backup(db, tmp_path / "backups", desk_id=replica.desk_id, kind="manual")
    with replica.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM print_job").scalar_one() == 20
    files = [db, Path(f"{db}-wal"), made.path]
    assert plain_hits(*files) == []  # read while open: the log too
    replica.close()
    assert plain_hits(*files) == []
    assert cipher.is_encrypted(db) and cipher.is_encrypted(made.path)
    again = open_replica(made.path)  # the backup opens with the desk's secret
    try:
        with again.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM attendee").scalar_one() > 100
    finally:
        again.close()


def test_a_wrong_passphrase_is_a_sentence(
    encrypted: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "desk.sqlite"
    open_replica(db).close()
    monkeypatch.setenv("CHECKIN_PASSPHRASE", "pas la bonne")
    with pytest.raises(KnownError, match="autre clé"):
        open_replica(db)
    assert "autre clé" in backup_mod.check(db)  # a quick check too: no traceback


def test_no_key_at_all_is_a_sentence(
    encrypted: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "desk.sqlite"
    open_replica(db).close()
    monkeypatch.delenv("CHECKIN_PASSPHRASE")
    with pytest.raises(keys.MissingKey, match="CHECKIN_PASSPHRASE"):
        open_replica(db)


def test_the_keyring_path_makes_and_keeps_the_desk_secret(
    encrypted: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CHECKIN_PASSPHRASE")
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    db = tmp_path / "desk.sqlite"
    open_replica(db).close()
    stored = ring.store[(keys.SERVICE, keys.ACCOUNT)]
    assert len(stored) >= 40 and cipher.is_encrypted(db)
    open_replica(db).close()  # the same secret, found again
    # Another laptop: `checkin key import` of the exported secret opens the copy.
    other = MemoryKeyring()
    keyring.set_keyring(other)
    with pytest.raises(KnownError, match="autre clé"):
        open_replica(db)
    keys.store(stored)
    open_replica(db).close()


def test_a_plain_replica_of_the_previous_version_opens_encrypted(encrypted: None, tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    shutil.copyfile(PAST / "replica-v1.sqlite", db)
    con = sqlite3.connect(db)
    before = con.execute("SELECT count(*) FROM attendee").fetchone()[0]
    con.close()
    replica = open_replica(db)
    try:
        with replica.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM attendee").scalar_one() == before
    finally:
        replica.close()
    assert cipher.is_encrypted(db)
    assert not (tmp_path / "old.sqlite.encrypting").exists()
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db).execute("SELECT count(*) FROM attendee").fetchone()


def test_a_kill_before_the_rename_leaves_the_plain_file_whole(encrypted: None, tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    shutil.copyfile(PAST / "replica-v1.sqlite", db)
    original = db.read_bytes()
    env = {**os.environ, "CHECKIN_ENCRYPT_STOP": "before-rename", "PYTHONPATH": str(ROOT)}
    code = "import sys; from pathlib import Path; from checkin.replica.db import open_replica; open_replica(Path(sys.argv[1]))"
    done = subprocess.run([sys.executable, "-c", code, str(db)], env=env, capture_output=True, timeout=60)
    assert done.returncode == 9, done.stderr
    assert db.read_bytes()[:16] == b"SQLite format 3\x00"
    con = sqlite3.connect(db)  # whole: SQLite finds nothing wrong
    assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    con.close()
    assert len(db.read_bytes()) == len(original)
    open_replica(db).close()  # the next start finishes the job, over the left sibling
    assert cipher.is_encrypted(db) and not (tmp_path / "old.sqlite.encrypting").exists()


def test_an_sqlite_hub_file_is_encrypted(encrypted: None, tmp_path: Path, event: EventConfig) -> None:
    from checkin.sync.hub import open_hub
    from checkin.sync.hubimport import import_into_hub

    hub_file = tmp_path / "hub.sqlite"
    hub = open_hub(str(hub_file), create=True)
    try:
        import_into_hub(hub, event, SAMPLE_DIR / "inscriptions.csv")
    finally:
        hub.close()
    assert cipher.is_encrypted(hub_file)
    assert plain_hits(hub_file) == []


def test_the_encrypt_setting_decides_and_the_variable_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checkin.base.settings import DeskSettings

    monkeypatch.delenv("CHECKIN_ENCRYPT", raising=False)
    desk = DeskSettings.load()
    desk.encrypt = True
    desk.save()
    on = tmp_path / "on.sqlite"
    open_replica(on).close()
    assert cipher.is_encrypted(on)
    desk.encrypt = False  # a closed lab
    desk.save()
    off = tmp_path / "off.sqlite"
    open_replica(off).close()
    assert cipher.is_plain(off)
    open_replica(on).close()  # an encrypted replica still opens with encryption off
    monkeypatch.setenv("CHECKIN_ENCRYPT", "1")  # the variable comes before the setting
    open_replica(off).close()
    assert cipher.is_encrypted(off)


def test_encryption_off_keeps_plain_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKIN_ENCRYPT", "0")
    db = tmp_path / "desk.sqlite"
    open_replica(db).close()
    assert cipher.is_plain(db)


def test_key_export_then_import_on_another_laptop(
    encrypted: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from checkin.cli import main

    monkeypatch.delenv("CHECKIN_PASSPHRASE")
    keyring.set_keyring(MemoryKeyring())
    db = tmp_path / "desk.sqlite"
    open_replica(db).close()
    assert main(["key", "export"]) == 0
    exported = capsys.readouterr().out.strip()
    keyring.set_keyring(MemoryKeyring())  # the other laptop
    monkeypatch.setattr("sys.stdin", io.StringIO(exported + "\n"))
    assert main(["key", "import"]) == 0
    open_replica(db).close()
    assert main(["key", "export"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == exported


def test_no_keyring_asks_the_passphrase_at_start(
    encrypted: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "desk.sqlite"
    open_replica(db).close()
    typed = os.environ["CHECKIN_PASSPHRASE"]
    monkeypatch.delenv("CHECKIN_PASSPHRASE")
    monkeypatch.setattr(keys, "_asker", [lambda: typed])
    open_replica(db).close()


def test_a_rehearsal_copy_of_an_encrypted_desk_is_encrypted(encrypted: None, tmp_path: Path) -> None:
    from checkin.rehearsal.workspace import copy_of_desk

    db = tmp_path / "desk.sqlite"
    open_replica(db).close()
    ws = copy_of_desk(db, parent=tmp_path)
    try:
        assert cipher.is_encrypted(ws.template)
        clone = ws.clone_desk(1)
        assert cipher.is_encrypted(clone)
        open_replica(clone).close()
    finally:
        ws.remove()


def _plain_hub(path: Path, event: EventConfig, monkeypatch: pytest.MonkeyPatch) -> int:
    """A hub file from before encryption, the sample imported; its number of registrations."""
    from checkin.sync.hub import open_hub
    from checkin.sync.hubimport import import_into_hub

    monkeypatch.setenv("CHECKIN_ENCRYPT", "0")
    hub = open_hub(str(path), create=True)
    try:
        import_into_hub(hub, event, SAMPLE_DIR / "inscriptions.csv")
    finally:
        hub.close()
    monkeypatch.setenv("CHECKIN_ENCRYPT", "1")
    assert cipher.is_plain(path) and plain_hits(path)
    con = sqlite3.connect(path)
    try:
        return int(con.execute("SELECT count(*) FROM hub_attendee").fetchone()[0])
    finally:
        con.close()


def test_a_plain_hub_file_is_encrypted_in_place(
    encrypted: None, tmp_path: Path, event: EventConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from checkin.sync.hub import open_hub

    hub_file = tmp_path / "hub.sqlite"
    people = _plain_hub(hub_file, event, monkeypatch)
    hub = open_hub(str(hub_file))
    try:
        with hub.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM hub_attendee")).scalar_one() == people
    finally:
        hub.close()
    assert cipher.is_encrypted(hub_file) and plain_hits(hub_file) == []
    # Still a rollback journal (a hub on a shared folder has no shared memory for WAL).
    assert not Path(f"{hub_file}-wal").exists() and not (tmp_path / "hub.sqlite.encrypting").exists()
    con = cipher.connect(hub_file)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        con.close()


def test_a_kill_before_the_hub_is_renamed_leaves_the_plain_hub_whole(
    encrypted: None, tmp_path: Path, event: EventConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub_file = tmp_path / "hub.sqlite"
    people = _plain_hub(hub_file, event, monkeypatch)
    original = hub_file.read_bytes()
    env = {**os.environ, "CHECKIN_ENCRYPT_STOP": "before-rename", "PYTHONPATH": str(ROOT)}
    code = "import sys; from checkin.sync.hub import open_hub; open_hub(sys.argv[1])"
    done = subprocess.run(
        [sys.executable, "-c", code, str(hub_file)], env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 9, done.stderr
    assert hub_file.read_bytes() == original
    con = sqlite3.connect(hub_file)
    try:
        assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        con.close()
    from checkin.sync.hub import open_hub

    open_hub(str(hub_file)).close()  # the next opening finishes the job, over the left sibling
    assert cipher.is_encrypted(hub_file) and not (tmp_path / "hub.sqlite.encrypting").exists()
    con = cipher.connect(hub_file)
    try:
        assert con.execute("SELECT count(*) FROM hub_attendee").fetchone()[0] == people
    finally:
        con.close()


def test_a_desk_still_on_the_plain_hub_fails_instead_of_writing_into_it(
    encrypted: None, tmp_path: Path, event: EventConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another desk opened the plain hub before it was encrypted: its next write is an
    error it retries (on the encrypted file), never a write into the nameless old file."""
    from checkin.sync.hub import open_hub

    hub_file = tmp_path / "hub.sqlite"
    _plain_hub(hub_file, event, monkeypatch)
    other = sqlite3.connect(hub_file, isolation_level=None)
    try:
        before = other.execute("SELECT count(*) FROM hub_fact").fetchone()[0]
        open_hub(str(hub_file)).close()
        assert cipher.is_encrypted(hub_file)
        with pytest.raises(sqlite3.DatabaseError):
            other.execute("INSERT INTO hub_meta(key, value) VALUES ('lost', 'write')")
    finally:
        other.close()
    con = cipher.connect(hub_file)
    try:
        assert con.execute("SELECT count(*) FROM hub_fact").fetchone()[0] == before
    finally:
        con.close()


def test_a_write_to_the_hub_during_the_copy_is_kept(
    encrypted: None, tmp_path: Path, event: EventConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another desk commits to the plain hub while it is being copied: the copy is made
    again, and the encrypted hub holds that write."""
    from checkin.replica import encrypt
    from checkin.sync.hub import open_hub

    hub_file = tmp_path / "hub.sqlite"
    _plain_hub(hub_file, event, monkeypatch)
    copies: list[bytes] = []
    real_export = encrypt._export

    def export_then_another_desk_writes(path: Path, partial: Path, wal: bool) -> bytes:
        counter = real_export(path, partial, wal)
        copies.append(counter)
        if len(copies) == 1:
            con = sqlite3.connect(path, isolation_level=None)
            con.execute("INSERT INTO hub_meta(key, value) VALUES ('written-during-the-copy', 'kept')")
            con.close()
        return counter

    monkeypatch.setattr(encrypt, "_export", export_then_another_desk_writes)
    open_hub(str(hub_file)).close()
    assert len(copies) == 2 and cipher.is_encrypted(hub_file)
    con = cipher.connect(hub_file)
    try:
        kept = con.execute("SELECT value FROM hub_meta WHERE key = 'written-during-the-copy'").fetchone()
    finally:
        con.close()
    assert kept == ("kept",)
