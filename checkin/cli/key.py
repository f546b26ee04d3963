"""``checkin key export`` and ``checkin key import``: moving an encrypted replica (or its
backups) to another laptop.

Every encrypted file's key is derived from the desk user's one secret and the file's own
salt (:mod:`checkin.base.keys`), so the secret is all another laptop needs: ``export``
prints it, ``import`` reads it from standard input into that laptop's keyring (or staff
give it as the passphrase, ``CHECKIN_PASSPHRASE``, where there is no keyring). Desks that
share an SQLite hub file share the secret the same way.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from checkin.base import keys
from checkin.base.errors import KnownError
from checkin.base.i18n import _


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser("key", help=_("exporter ou importer la clé des bases chiffrées du poste"))
    sub = p.add_subparsers(dest="key_command", required=True)
    e = sub.add_parser("export", help=_("afficher la clé du poste, à garder hors de l'ordinateur"))
    e.set_defaults(func=run_export, needs_event=False)
    i = sub.add_parser(
        "import", help=_("ranger dans le trousseau la clé d'un autre poste (lue sur l'entrée)")
    )
    i.set_defaults(func=run_import, needs_event=False)


def run_export(args: Any) -> int:
    print(keys.secret(create=False))
    return 0


def run_import(args: Any) -> int:
    value = getpass.getpass(_("Clé du poste : ")) if sys.stdin.isatty() else sys.stdin.readline()
    if not value.strip():
        raise KnownError(_("Aucune clé lue : rien n'a changé."))
    keys.store(value)
    print(_("Clé rangée dans le trousseau : les bases de l'autre poste s'ouvrent ici."))
    return 0


def ask_on_terminal() -> str:
    """The passphrase typed by staff at start-up (no keyring, a terminal)."""
    if not sys.stdin.isatty():
        return ""
    return getpass.getpass(_("Phrase secrète du poste : "))
