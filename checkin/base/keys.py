"""Where the desk's secret comes from, and the key it gives for each encrypted file.

A lost laptop must not give away the registrations: the replica, its backups and an SQLite
hub are encrypted (see :mod:`checkin.replica.cipher`). Their key is derived from one secret
per desk user, found in this order:

1. ``CHECKIN_PASSPHRASE`` (scripts, tests, and a passphrase typed by staff at start-up,
   which the command line and the window put there through :func:`provide`);
2. the operating system's keyring for the user (Windows Credential Manager, macOS
   Keychain, Secret Service), where a random secret is made the first time;
3. nothing: a :class:`~checkin.base.errors.KnownError` saying how to give one.

Each file's key is scrypt(secret, the file's own 16-byte salt): the salt is the one
SQLCipher keeps at the head of the file, so two files never share a key and a backup, a
copy or a replica moved to another laptop needs only the secret (``checkin key export``).
The derivation costs about 50 ms; it is made once per file and process.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import secrets
from collections.abc import Callable
from typing import Any

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.base.settings import DeskSettings

log = logging.getLogger(__name__)

ENV = "CHECKIN_PASSPHRASE"
SWITCH = "CHECKIN_ENCRYPT"  # 0/off/no/false or 1/on/yes/true: overrides the ``encrypt`` setting
SERVICE = "checkin"
ACCOUNT = "replica-key"
SALT_BYTES = 16


class MissingKey(KnownError):
    """No secret: no keyring on this system and no passphrase given."""


_asker: list[Callable[[], str]] = []


def encryption_on() -> bool:
    """Whether new files are encrypted: ``CHECKIN_ENCRYPT`` when set, else the desk's
    ``encrypt`` setting (on by default)."""
    given = os.environ.get(SWITCH, "").strip().lower()
    if given:
        return given not in {"0", "off", "no", "false"}
    return bool(DeskSettings.load().encrypt)


def set_asker(ask: Callable[[], str]) -> None:
    """How to ask staff for the passphrase when there is no keyring (the command line's
    prompt on a terminal; the window may give its own dialog)."""
    _asker[:] = [ask]


def must_ask() -> bool:
    """Whether the secret can only come from staff typing it (no variable, no keyring)."""
    return not os.environ.get(ENV, "") and _keyring() is None


def provide(passphrase: str) -> None:
    """Use ``passphrase`` for this process (typed by staff when there is no keyring)."""
    os.environ[ENV] = passphrase


def secret(*, create: bool = True) -> str:
    """The desk user's secret; made and stored in the keyring the first time."""
    given = os.environ.get(ENV, "")
    if given:
        return given
    ring = _keyring()
    if ring is None:
        typed = _asker[0]() if _asker else ""
        if not typed:
            raise MissingKey(no_key_sentence())
        provide(typed)
        return typed
    try:
        found = ring.get_password(SERVICE, ACCOUNT)
        if found:
            return str(found)
        if not create:
            raise MissingKey(no_key_sentence())
        made = secrets.token_urlsafe(32)
        ring.set_password(SERVICE, ACCOUNT, made)
    except MissingKey:
        raise
    except Exception as exc:  # a locked or broken keyring: the user is told, not a traceback
        log.warning("keyring unusable: %s", type(exc).__name__)
        raise MissingKey(no_key_sentence()) from exc
    log.info("a new desk key was stored in the system keyring")
    return made


def store(value: str) -> None:
    """Put an exported secret (``checkin key import``) into this user's keyring."""
    ring = _keyring()
    if ring is None:
        raise MissingKey(
            _(
                "Pas de trousseau de clés sur ce système : donnez la clé dans la variable "
                "CHECKIN_PASSPHRASE ou tapez-la au démarrage."
            )
        )
    ring.set_password(SERVICE, ACCOUNT, value.strip())


def file_key(salt: bytes, *, create: bool = True) -> bytes:
    """The 32-byte key of the file whose salt is ``salt``."""
    return _derive(secret(create=create), salt)


@functools.lru_cache(maxsize=64)
def _derive(passphrase: str, salt: bytes) -> bytes:
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)


def system_keyring() -> Any:
    """The system keyring, or None where there is none (for other secrets: pretix's token)."""
    return _keyring()


def _keyring() -> Any:
    """The system keyring, or None where there is none (headless Linux, CI)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        ring = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(ring, fail.Keyring) or getattr(ring, "priority", 1) <= 0:
        return None
    return ring


def no_key_sentence() -> str:
    return _(
        "La base du poste est chiffrée et aucune clé n'est disponible : ce système n'a pas de "
        "trousseau de clés. Donnez la phrase secrète du poste (variable CHECKIN_PASSPHRASE, "
        "ou tapez-la au démarrage)."
    )
