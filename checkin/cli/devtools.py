"""The benchmarks from the command line: ``bench`` (import, scan, search) and ``bench-faults``
(the fault campaign). The desk's, the tickets', the badges' and the sync's benchmarks sit
with their families' commands."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from checkin.base.i18n import _
from checkin.cli.output import dump
from checkin.devtools import faults
from checkin.event import model as event


def add_bench(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "bench", help=_("mesurer import, scan et recherche sur un événement synthétique")
    )
    p.add_argument("--attendees", type=int, default=100_000)
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--encryption",
        action="store_true",
        help=_("comparer les fichiers en clair et chiffrés, dans une même mesure"),
    )
    p.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    from checkin.demo.secret import use_demo_secret
    from checkin.devtools.bench import core as bench

    use_demo_secret()  # synthetic people: never a prompt, whatever the keyring
    if args.encryption:
        from checkin.devtools.bench import encryption

        dump(encryption.run(event.of(args), args.attendees))
        return 0
    result = bench.run(event.of(args), args.attendees)
    if args.json:
        dump(result)
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


def add_bench_door(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "bench-door", help=_("mesurer scan → réponse à la porte d'une session (p50, p99, max)")
    )
    p.add_argument("--attendees", type=int, default=100_000)
    p.add_argument("--sessions", type=int, default=200)
    p.add_argument("--scans", type=int, default=2000)
    p.add_argument("--movements", type=int, default=100_000, help=_("entrées et sorties déjà enregistrées"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_door)


def cmd_bench_door(args: argparse.Namespace) -> int:
    from checkin.demo.secret import use_demo_secret
    from checkin.devtools.bench import door

    use_demo_secret()  # synthetic people: never a prompt, whatever the keyring
    result = door.run(
        event.of(args), args.attendees, args.sessions, scans=args.scans, movements_before=args.movements
    )
    if args.json:
        dump(result)
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


def add_faults(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "bench-faults", help=_("campagne de pannes : kill -9, fuzzing, hub perdu, imprimante bloquée")
    )
    p.add_argument("--kills", type=int, default=200)
    p.add_argument("--cases", type=int, default=10_000, help=_("entrées par analyseur"))
    p.add_argument("--hub-trials", type=int, default=50)
    p.add_argument("--printer-trials", type=int, default=10)
    p.add_argument("--only", default=",".join(faults.PARTS), help=_("parties : kills, fuzz, hub, printer"))
    p.add_argument("--dir", help=_("dossier de travail (par défaut un dossier temporaire)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_faults, needs_event=True)


def cmd_faults(args: argparse.Namespace) -> int:
    workdir = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="checkin-bench-faults-"))
    os.environ.setdefault("CHECKIN_HOME", str(workdir / "home"))  # prints and settings stay there
    from checkin.demo.secret import use_demo_secret

    use_demo_secret()  # synthetic people: never a prompt, whatever the keyring
    result = faults.run(
        workdir,
        kills=args.kills,
        cases=args.cases,
        hub_trials=args.hub_trials,
        printer_trials=args.printer_trials,
        only=tuple(p for p in args.only.split(",") if p),
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0
