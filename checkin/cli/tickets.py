"""Command-line entry points for receipt printers: ``checkin ticket`` and ``bench-tickets``.

``checkin print-test URI`` belongs to the badge commands, which hand ESC/POS addresses to
:func:`checkin.printing.escpos.tickets.print_test`.
"""

from __future__ import annotations

import argparse
import json

from checkin.base import paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.event import model as event_mod
from checkin.printing.escpos.tickets import KINDS, print_ticket
from checkin.replica.db import open_replica


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("ticket", help=_("Imprime un ticket sur une imprimante ESC/POS"))
    p.add_argument("code", nargs="?", default="", help=_("Code billet (inutile pour la clôture)"))
    p.add_argument("--db")
    p.add_argument("--kind", choices=KINDS, default="welcome")
    p.add_argument(
        "--printer",
        required=True,
        help="file:CHEMIN | tcp://HÔTE:9100 | usb://VID:PID | serial:///dev/ttyUSB0 | cups:FILE | win:NOM",
    )
    p.add_argument("--profile", help="TM-T20II | TM-T88V | generic | …")
    p.add_argument("--width", type=int, choices=(80, 58))
    p.add_argument("--codepage", help="CP1252 | CP858 | … | none")
    p.add_argument("--desk", default="", help=_("Nom du poste (clôture : ses entrées)"))
    p.add_argument("--day", help="AAAA-MM-JJ")
    p.set_defaults(func=run_ticket)

    p = subparsers.add_parser("bench-tickets", help=_("Mesure la vitesse de construction des tickets"))
    p.add_argument("-n", type=int, default=200)
    p.set_defaults(func=run_bench)


def run_ticket(args: argparse.Namespace) -> int:
    if args.kind != "closing" and not args.code.strip():
        raise KnownError(_("Indiquez le code billet."))
    replica = open_replica(paths.db_path(args.db), create=False)
    try:
        built, status = print_ticket(
            args.printer,
            args.kind,
            replica=replica,
            code=args.code,
            event=event_mod.of(args),
            profile=args.profile,
            width=args.width,
            codepage=args.codepage,
            desk=args.desk,
            day=args.day,
        )
    finally:
        replica.close()
    print(
        json.dumps(
            {
                "printer": args.printer.split("?", 1)[0],
                "kind": args.kind,
                "bytes": len(built.data),
                "raster_lines": built.raster_lines,
                "status": status.to_json(),
            },
            ensure_ascii=False,
        )
    )
    return 0


def run_bench(args: argparse.Namespace) -> int:
    from checkin.devtools.bench import tickets as bench

    print(json.dumps(bench.run(args.n), ensure_ascii=False, indent=2))
    return 0
