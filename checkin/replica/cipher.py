"""Opening SQLite files encrypted at rest (SQLCipher 4 through ``sqlcipher3``).

Why SQLCipher through ``sqlcipher3``: it is DB-API compatible with ``sqlite3``, so
SQLAlchemy and the raw hot paths keep their code; it bundles a recent SQLite (3.53, FTS5,
WAL, the online backup API) and has wheels for Windows, macOS (Intel and ARM) and Linux.

Which library opens a file is decided by the file itself: a plain SQLite header
("SQLite format 3") opens with the standard ``sqlite3`` (a replica from before encryption,
or one made with ``CHECKIN_ENCRYPT=0``), anything else with SQLCipher and the key of
:mod:`checkin.base.keys`. A new or empty file is encrypted when :func:`enabled`.

A wrong key or no key is a sentence (:class:`WrongKey`, :class:`~checkin.base.keys.MissingKey`),
never a traceback.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher  # type: ignore[import-untyped]

from checkin.base import keys
from checkin.base.errors import DatabaseError
from checkin.base.i18n import _

PLAIN_HEADER = b"SQLite format 3\x00"
# Errors of either library, for ``except`` clauses (SQLCipher's are not sqlite3's subclasses).
Error: tuple[type[Exception], ...] = (sqlite3.Error, sqlcipher.Error)
DbError: tuple[type[Exception], ...] = (sqlite3.DatabaseError, sqlcipher.DatabaseError)
OperationalError: tuple[type[Exception], ...] = (sqlite3.OperationalError, sqlcipher.OperationalError)


class WrongKey(DatabaseError):
    """The file is encrypted with another key (or is not a database at all)."""


def enabled() -> bool:
    """Whether new files are encrypted: the ``encrypt`` setting (on by default),
    ``CHECKIN_ENCRYPT`` first (:func:`checkin.base.keys.encryption_on`)."""
    return keys.encryption_on()


def needs_secret(path: Path) -> bool:
    """Whether opening ``path`` will need the desk's secret: encryption is on (a new or plain
    file gets encrypted), or the file is encrypted already. A plain desk never asks."""
    return enabled() or is_encrypted(path)


def header(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(16)
    except OSError:
        return b""


def is_plain(path: Path) -> bool:
    """A plain SQLite file (an empty or missing one is not: it will be made encrypted)."""
    return header(path) == PLAIN_HEADER


def is_encrypted(path: Path) -> bool:
    """An SQLCipher file: its first 16 bytes are its random salt (zeros are a damaged header)."""
    head = header(path)
    return len(head) == 16 and head not in (PLAIN_HEADER, bytes(16))


def dbapi(path: Path | None, encrypt: bool | None = None) -> Any:
    """The DB-API module that opens ``path`` (for SQLAlchemy's ``module=``); ``encrypt``
    decides for a new file (a backup is encrypted as its source is), else :func:`enabled`."""
    if path is None or is_plain(path):
        return sqlite3
    if is_encrypted(path):
        return sqlcipher
    if encrypt is None:
        encrypt = enabled()  # a new or empty file: read the setting only then
    return sqlcipher if encrypt else sqlite3


def connect(
    path: Path,
    *,
    readonly: bool = False,
    mode: str = "",
    timeout: float = 5.0,
    check_same_thread: bool = True,
    encrypt: bool | None = None,
    **kw: Any,
) -> Any:
    """A DB-API connection to ``path``, keyed when the file is (or will be) encrypted."""
    module = dbapi(path, encrypt)
    mode = "ro" if readonly else mode  # ro: never written; rw: never created
    target = f"file:{path}?mode={mode}" if mode else str(path)
    con = module.connect(target, uri=bool(mode), timeout=timeout, check_same_thread=check_same_thread, **kw)
    if module is sqlite3:
        return con
    try:
        apply_key(con, path)
    except BaseException:
        con.close()
        raise
    return con


def apply_key(con: Any, path: Path) -> None:
    """Key a fresh SQLCipher connection for ``path`` and check the key opens it."""
    con.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our sentence, not stderr noise
    head = header(path)
    new = not is_encrypted(path)
    salt = os.urandom(keys.SALT_BYTES) if new else head
    con.execute(f"PRAGMA key = \"x'{key_hex(salt)}'\"")
    if new:
        # Write the first page (and so the salt) now: the next connection reads it back.
        con.execute("PRAGMA user_version = 0")
        con.commit()
        return
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        raise WrongKey(wrong_key_sentence(path)) from exc


def attach(con: Any, path: Path, name: str) -> bool:
    """Attach ``path`` to the open connection ``con`` as ``name``, keyed as the file is;
    False where ``con``'s library cannot read it (a plain SQLite connection, an encrypted
    file). Outside a transaction (SQLite refuses to attach inside one)."""
    if isinstance(con, sqlcipher.Connection):
        key = f"x'{key_hex(header(path))}'" if is_encrypted(path) else ""
        con.execute(f'ATTACH DATABASE ? AS {name} KEY "{key}"', (str(path),))
        return True
    if is_encrypted(path):
        return False
    con.execute(f"ATTACH DATABASE ? AS {name}", (str(path),))
    return True


def key_hex(salt: bytes) -> str:
    """SQLCipher's raw key with its salt: no second derivation inside SQLCipher."""
    return keys.file_key(salt).hex() + salt.hex()


def wrong_key_sentence(path: Path) -> str:
    return _(
        "La base {path} est chiffrée avec une autre clé (ou n'est pas une base checkin) : "
        "donnez la phrase secrète du poste qui l'a créée (CHECKIN_PASSPHRASE), ou importez "
        "sa clé (checkin key import).",
        path=path,
    )
