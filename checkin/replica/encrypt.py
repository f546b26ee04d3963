"""Encrypting a plain replica in place, so that a kill at any moment leaves one whole file.

A replica from before encryption is copied encrypted into a sibling file
(``NAME.encrypting``, SQLCipher's ``sqlcipher_export``), which is flushed to disk, then
renamed over the plain one (an atomic rename) and the folder flushed. Killed before the
rename, the plain file is untouched and the sibling is thrown away at the next try; after
it, the encrypted file is whole. The plain file's log is emptied into it first, so no
plain ``-wal`` is left beside the encrypted file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher  # type: ignore[import-untyped]

from checkin.base import paths
from checkin.replica import cipher

log = logging.getLogger(__name__)

SUFFIX = ".encrypting"


def sibling(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


def encrypt_in_place(path: Path) -> None:
    """Replace the plain SQLite file ``path`` by an encrypted copy of it."""
    partial = sibling(path)
    partial.unlink(missing_ok=True)
    _empty_log(path)
    fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        _export(path, partial)
        with partial.open("rb+") as fh:
            os.fsync(fh.fileno())
        if os.environ.get("CHECKIN_ENCRYPT_STOP") == "before-rename":  # tests: a kill here
            os._exit(9)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    paths.fsync_dir(path.parent)
    log.info("replica encrypted in place: %s", path.name)


def _empty_log(path: Path) -> None:
    """Copy the plain file's write-ahead log into it and leave no log behind."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()


def _export(path: Path, partial: Path) -> None:
    con = sqlcipher.connect(str(path), isolation_level=None)
    try:
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        salt = os.urandom(16)
        con.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{cipher.key_hex(salt)}'\"", (str(partial),))
        con.execute("SELECT sqlcipher_export('enc')")
        con.execute(f"PRAGMA enc.user_version = {version}")
        con.execute("PRAGMA enc.journal_mode = WAL")
        con.execute("DETACH DATABASE enc")
    finally:
        con.close()
