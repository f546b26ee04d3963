"""``checkin preflight``: the checks before the doors open, green or red, and what to do."""

from __future__ import annotations

import argparse
import json
from typing import Any

from checkin.base import paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.base.settings import DeskSettings
from checkin.event import days
from checkin.event import model as event_module
from checkin.preflight import checks
from checkin.replica.db import open_replica


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "preflight", help=_("vérifications avant l'ouverture des portes (vert / rouge, et quoi faire)")
    )
    p.add_argument("--db")
    p.add_argument("--day", help=_("Jour de l'événement (AAAA-MM-JJ)"))
    p.add_argument(
        "--test-page", action="store_true", help=_("imprimer la page de test du badge (à scanner ensuite)")
    )
    p.add_argument(
        "--test-slip", action="store_true", help=_("imprimer le ticket de test de l'imprimante thermique")
    )
    p.add_argument("--scanned", help=_("le texte lu en scannant une page de test (confirme cette page)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_preflight)


def cmd_preflight(args: argparse.Namespace) -> int:
    event = event_module.of(args)
    settings = DeskSettings.load()
    db = paths.db_path(args.db)
    if not db.exists():
        raise KnownError(_("Base introuvable : {path} (importez d'abord les inscriptions).", path=db))
    replica = open_replica(db, create=False)
    try:
        if args.scanned:
            kind = checks.take_scan(args.scanned)
            if kind in (None, "stale"):
                raise KnownError(_("Ce code n'est pas celui de la dernière page de test : réimprimez-la."))
            print(_("Page de test confirmée ({kind}).", kind=kind))
        if args.test_page:
            print(
                _(
                    "Page de test envoyée à {printer} : scannez son code.",
                    printer=checks.send_badge_test_page(settings),
                )
            )
        if args.test_slip:
            print(
                _(
                    "Ticket de test envoyé à {printer} : scannez son code.",
                    printer=checks.send_thermal_test_slip(replica),
                )
            )
        day = args.day or settings.chosen_day() or days.serving(event)
        results = checks.run(replica, event, settings, day, db_path=db)
    finally:
        replica.close()
    if args.json:
        print(json.dumps([c.to_json() for c in results], ensure_ascii=False, indent=2))
    else:
        for c in results:
            mark = {True: "✔", False: "✘", None: "·"}[c.ok]
            print(f"{mark} {c.title} — {c.found}")
            if c.ok is False and c.fix:
                print(f"    → {c.fix}")
    return 1 if any(c.ok is False for c in results) else 0
