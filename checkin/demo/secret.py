"""The demo's key: the demo starts on any machine without a keyring and never asks.

Encryption is on by default, and a fresh Linux machine without a Secret Service has no
keyring: a desk there asks for a passphrase. The demo's people are invented, so the demo
(and the benchmarks and rehearsals built on synthetic people) keys its files with a
random secret kept in its own data folder (``data/demo/demo.key``, readable by the user
alone) rather than ask. Where ``CHECKIN_PASSPHRASE`` or a keyring gives the desk's
secret, that one is used, as a real desk does — unless the demo folder already holds its
own key, which made its files.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from checkin.base import keys, paths

log = logging.getLogger(__name__)

NAME = "demo.key"


def key_file() -> Path:
    return paths.data_dir() / "demo" / NAME


def use_demo_secret() -> None:
    """Make sure this process has a secret for the demo's files without asking anybody."""
    path = key_file()
    if path.is_file():
        keys.provide(path.read_text(encoding="utf-8").strip())
        return
    if not keys.must_ask():
        return  # CHECKIN_PASSPHRASE or the keyring, as on a real desk
    path.parent.mkdir(parents=True, exist_ok=True)
    made = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(made + "\n")
    keys.provide(made)
    log.info("no keyring: the demo's invented people are encrypted with a key kept in its folder")
