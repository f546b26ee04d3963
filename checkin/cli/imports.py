"""``checkin import``: an export of registrations, the programme or the B2B grid."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from checkin.base.i18n import _
from checkin.cli.output import dump, open_db
from checkin.event import model as event


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "import", help=_("importer un export d'inscriptions, le programme ou la grille B2B")
    )
    p.add_argument("file")
    p.add_argument("--db")
    p.add_argument("--mapping", help=_("fichier de correspondance des colonnes (TOML ou JSON)"))
    p.add_argument("--dry-run", action="store_true", help=_("montrer ce qui changerait, sans rien écrire"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    from checkin.importer import import_file
    from checkin.importer.apply import interrupted_import, interrupted_sentence

    replica = open_db(args)
    try:
        before = interrupted_import(replica)
        if before and not args.json:
            print(interrupted_sentence(before), file=sys.stderr)
        summary = import_file(replica, event.of(args), args.file, mapping=args.mapping, dry_run=args.dry_run)
    finally:
        replica.close()
    data = summary.to_json()
    if args.json:
        dump(data)
        return 0
    from checkin.importer.report import lines

    prefix = _("Simulation : ") if args.dry_run else ""
    print(prefix + summary.sentence())
    for line in lines(summary, event.of(args), details=args.dry_run):
        print(line)
    for item in summary.rejected:
        print(_("  ligne {row} : {reason}", row=item["row"], reason=item["reason"]))
    return 0
