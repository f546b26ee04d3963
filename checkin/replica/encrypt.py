"""Encrypting a plain replica or SQLite hub file in place, so that a kill at any moment
leaves one whole file and no write is lost.

The plain file is copied encrypted into a sibling file (``NAME.encrypting``, SQLCipher's
``sqlcipher_export``), which is flushed to disk, then renamed over the plain one (an atomic
rename) and the folder flushed. Killed before the rename, the plain file is untouched and
the sibling is thrown away at the next try; after it, the encrypted file is whole. The
plain file's log is emptied into it first, so no plain ``-wal`` is left beside the
encrypted file; the file keeps its journal (WAL for a replica, a rollback journal for a hub).

A hub file may be used by other desks meanwhile. The rename is made holding SQLite's
exclusive lock on the plain file, after checking that no transaction was committed to it
since the copy was taken (its header's change counter; else the copy is made again). A
desk that opened the plain file before the rename cannot write into it afterwards: SQLite
refuses a write to a file renamed away ("readonly database", ``SQLITE_READONLY_DBMOVED``),
an error its exchange tries again, on the encrypted file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher  # type: ignore[import-untyped]

from checkin.base import paths
from checkin.base.errors import DatabaseError
from checkin.base.i18n import _
from checkin.replica import cipher

log = logging.getLogger(__name__)

SUFFIX = ".encrypting"
TRIES = 3
LOCK_TIMEOUT = 30.0


def sibling(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


def encrypt_in_place(path: Path) -> None:
    """Replace the plain SQLite file ``path`` by an encrypted copy of it."""
    partial = sibling(path)
    wal = _empty_log(path)
    for _try in range(TRIES):
        partial.unlink(missing_ok=True)
        fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
        try:
            counter = _export(path, partial, wal)
            with partial.open("rb+") as fh:
                os.fsync(fh.fileno())
            if _swap(path, partial, counter):
                break
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        log.info("%s changed while it was copied: copied again", path.name)
    else:
        partial.unlink(missing_ok=True)
        raise DatabaseError(
            _(
                "La base {path} change sans arrêt : son chiffrement est remis au prochain "
                "démarrage (arrêtez les échanges des autres postes pendant ce temps).",
                path=path,
            )
        )
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    paths.fsync_dir(path.parent)
    log.info("encrypted in place: %s", path.name)


def _empty_log(path: Path) -> bool:
    """Copy the plain file's write-ahead log into it and leave no log behind; whether the
    file was in WAL mode (the encrypted copy keeps its journal mode)."""
    con = sqlite3.connect(path, timeout=LOCK_TIMEOUT)
    try:
        wal = str(con.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
        if wal:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()
    return wal


def change_counter(path: Path) -> bytes:
    """The header's file change counter: bumped by every commit in rollback-journal mode."""
    with path.open("rb") as fh:
        fh.seek(24)
        return fh.read(4)


def _export(path: Path, partial: Path, wal: bool) -> bytes:
    """Copy ``path`` encrypted into ``partial`` in one read transaction; the change counter
    of the state copied."""
    con = sqlcipher.connect(str(path), isolation_level=None, timeout=LOCK_TIMEOUT)
    try:
        salt = os.urandom(16)
        con.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{cipher.key_hex(salt)}'\"", (str(partial),))
        con.execute("BEGIN")
        version = int(con.execute("PRAGMA main.user_version").fetchone()[0])  # the snapshot starts
        counter = change_counter(path)
        con.execute("SELECT sqlcipher_export('enc')")
        con.execute(f"PRAGMA enc.user_version = {version}")
        con.execute("COMMIT")
        if wal:
            con.execute("PRAGMA enc.journal_mode = WAL")
        con.execute("DETACH DATABASE enc")
    finally:
        con.close()
    return counter


def _swap(path: Path, partial: Path, counter: bytes) -> bool:
    """Rename ``partial`` over ``path`` under the plain file's exclusive lock, unless a commit
    came in since the copy (False: copy again). Windows renames no file another program
    holds open: there a desk still on the plain file makes the rename fail, tried again at
    the next start."""
    if os.name == "nt":
        if os.environ.get("CHECKIN_ENCRYPT_STOP") == "before-rename":  # tests: a kill here
            os._exit(9)
        os.replace(partial, path)
        return True
    lock = sqlite3.connect(path, timeout=LOCK_TIMEOUT, isolation_level=None)
    try:
        lock.execute("BEGIN EXCLUSIVE")
        if change_counter(path) != counter:
            return False
        if os.environ.get("CHECKIN_ENCRYPT_STOP") == "before-rename":  # tests: a kill here
            os._exit(9)
        os.replace(partial, path)
        return True
    finally:
        lock.close()
