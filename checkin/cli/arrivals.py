"""Arrivals from the command line: ``scan``, ``find`` and ``scanner-check``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from checkin.arrivals import scanner_check
from checkin.base import codes
from checkin.base.i18n import _
from checkin.cli import rooms
from checkin.cli.output import dump, open_db
from checkin.event import days
from checkin.event import model as event


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser("scan", help=_("traiter un scan comme le ferait l'accueil"))
    p.add_argument("text")
    p.add_argument("--db")
    p.add_argument("--day")
    p.add_argument("--desk", default=os.environ.get("CHECKIN_DESK", "Accueil"))
    p.add_argument("--json", action="store_true")
    rooms.add_scan_options(p)
    p.set_defaults(func=cmd_scan)

    p = subparsers.add_parser("find", help=_("chercher un participant par nom, structure ou e-mail"))
    p.add_argument("text")
    p.add_argument("--db")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_find, needs_event=False)


def add_scanner_check(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "scanner-check",
        help=_(
            "vérifier les réglages du scanner : scannez la page de test (lit un scan sur l'entrée standard)"
        ),
    )
    p.add_argument("--desk-layout", choices=sorted(codes.LAYOUTS), help=_("disposition du clavier du poste"))
    p.add_argument("--page", metavar="FICHIER.pdf", help=_("écrire la page de test à imprimer, puis quitter"))
    p.add_argument(
        "--remember", action="store_true", help=_("mémoriser le résultat dans les réglages du poste")
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_scanner_check)


def cmd_scan(args: argparse.Namespace) -> int:
    from checkin.arrivals import scan
    from checkin.base.settings import DeskSettings

    if args.session or args.room:
        return rooms.cmd_door_scan(args)
    ev = event.of(args)
    replica = open_db(args)
    try:
        decision = scan.decide(
            replica,
            ev,
            args.text,
            day=days.serving(ev, args.day),
            desk=args.desk,
            role="volunteer",
            layouts=scanner_check.remembered_layouts(DeskSettings.load()),
        )
    finally:
        replica.close()
    if args.json:
        dump(decision.to_json())
    else:
        who = decision.attendee.full_name if decision.attendee else ""
        print(f"{decision.outcome.upper()}  {who}".rstrip())
        print(scan.instruction(decision, ev))
        if decision.repaired:
            print(_("(code réparé : scanner réglé sur un autre clavier, {how})", how=decision.repaired))
    return 0


def cmd_find(args: argparse.Namespace) -> int:
    from checkin.arrivals import search

    replica = open_db(args)
    try:
        found = search.find(replica, args.text, args.limit)
    finally:
        replica.close()
    if args.json:
        dump([a.to_json() for a in found])
    else:
        for a in found:
            print(f"{a.code}  {a.full_name}  — {a.organisation}  [{a.category}] {a.status}")
    return 0


def cmd_scanner_check(args: argparse.Namespace) -> int:
    given = getattr(args, "event", None)
    ev = given if isinstance(given, event.EventConfig) else event.load()
    if args.page:
        from checkin.printing.scanner_page import write_page

        write_page(Path(args.page), ev)
        print(_("Page de test écrite : {path}", path=args.page))
        return 0
    line = sys.stdin.readline()
    if not line:
        print(_("Aucun scan lu sur l'entrée standard."), file=sys.stderr)
        return 2
    result = scanner_check.analyse(line, code_pattern=ev.code_pattern, desk_layout=args.desk_layout or "")
    if args.remember and result.recognised:
        from checkin.base.settings import DeskSettings

        settings = DeskSettings.load()
        scanner_check.remember(settings, result)
        settings.save()
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(scanner_check.report(result))
    return 0 if result.recognised else 1
