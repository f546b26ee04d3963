"""Command-line entry points: ``hub init|import``, ``sync``, ``report``, ``purge``, ``bench-sync``.

``checkin.cli`` calls :func:`add_commands`.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from checkin import reports
from checkin.base import paths
from checkin.base.i18n import _
from checkin.event import model as event_module
from checkin.replica import conflicts
from checkin.replica.db import open_replica


def add_commands(subparsers: Any) -> None:
    hub = subparsers.add_parser("hub", help=_("préparer le hub et y importer les inscriptions"))
    hub_sub = hub.add_subparsers(dest="hub_command", required=True)
    init = hub_sub.add_parser("init", help=_("créer un hub (fichier SQLite ou URL PostgreSQL)"))
    init.add_argument("url")
    init.set_defaults(func=run_hub_init, needs_event=False)
    imp = hub_sub.add_parser("import", help=_("importer un export d'inscriptions dans le hub"))
    imp.add_argument("file")
    imp.add_argument("--hub", required=True)
    imp.add_argument("--dry-run", action="store_true")
    imp.add_argument("--mapping")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=run_hub_import)

    sync = subparsers.add_parser("sync", help=_("échanger avec le hub (envoyer et recevoir)"))
    sync.add_argument("--db")
    sync.add_argument("--hub", required=True)
    sync.add_argument("--desk")
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(func=run_sync)

    report = subparsers.add_parser(
        "report", help=_("rapports : présence, émargement, attestations, conflits, absents, liste de secours")
    )
    report.add_argument("kind", choices=reports.KINDS)
    source = report.add_mutually_exclusive_group()
    source.add_argument("--db")
    source.add_argument("--hub")
    report.add_argument("--day")
    report.add_argument("--format", choices=("pdf", "xlsx", "csv"))
    report.add_argument("-o", "--output", required=True)
    report.set_defaults(func=run_report)

    purge = subparsers.add_parser("purge", help=_("effacer les données personnelles après l'événement"))
    target = purge.add_mutually_exclusive_group()
    target.add_argument("--db")
    target.add_argument("--hub")
    purge.add_argument("--keep-aggregates", action="store_true")
    purge.add_argument("--json", action="store_true")
    purge.set_defaults(func=run_purge)

    bench = subparsers.add_parser("bench-sync", help=_("mesurer l'échange avec un hub PostgreSQL"))
    bench.add_argument("--hub", required=True)
    bench.add_argument("--desks", type=int, default=20)
    bench.add_argument("--admissions", type=int, default=2500)
    bench.add_argument("--attendees", type=int, default=100_000)
    bench.add_argument("--dir")
    bench.set_defaults(func=run_bench)


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def run_hub_init(args: argparse.Namespace) -> int:
    from checkin.sync.hub import open_hub, safe_url

    hub = open_hub(args.url, create=True)
    hub.close()
    print(_("Hub prêt : {url}", url=safe_url(args.url)))
    return 0


def run_hub_import(args: argparse.Namespace) -> int:
    from checkin.sync.hub import open_hub
    from checkin.sync.hubimport import import_into_hub

    hub = open_hub(args.hub)
    try:
        summary = import_into_hub(
            hub, event_module.of(args), args.file, mapping=args.mapping, dry_run=args.dry_run
        )
    finally:
        hub.close()
    data = summary.to_json()
    if args.json:
        _print_json(data)
    else:
        print(
            _(
                "Import {kind} : {read} lues, {created} nouvelles, {updated} modifiées, {rejected} refusées{dry}",
                kind=data["kind"],
                read=data["read"],
                created=data["created"],
                updated=data["updated"],
                rejected=len(data["rejected"]),
                dry=_(" (essai, rien n'a été écrit)") if args.dry_run else "",
            )
        )
    return 0


def run_sync(args: argparse.Namespace) -> int:
    from checkin.sync import leases
    from checkin.sync.exchange import exchange
    from checkin.sync.hub import open_hub

    replica = open_replica(paths.db_path(args.db))
    try:
        hub = open_hub(args.hub)
        try:
            ev = event_module.of(args)
            result = exchange(replica, hub, desk=args.desk, desk_fields=ev.desk_fields, event=ev)
            leases.release(replica, hub, ev, datetime.now(UTC), args.desk or "")
        finally:
            hub.close()
    finally:
        replica.close()
    if args.json:
        _print_json(result.to_json())
    else:
        if result.purged:
            print(result.purge_notice())
        print(
            _(
                "Échange terminé : {pushed} envoyés, {pulled} reçus, {conflicts} conflits, "
                "{desk_ahead} en attente ici, {hub_ahead} en attente sur le hub.",
                pushed=result.pushed,
                pulled=result.pulled,
                conflicts=len(result.conflicts),
                desk_ahead=result.desk_ahead,
                hub_ahead=result.hub_ahead,
            )
        )
        for conflict in result.conflicts:
            print("  " + conflicts.describe(conflict))
    return 0


def run_report(args: argparse.Namespace) -> int:
    from checkin.reports import write_report

    path = write_report(
        args.kind,
        output=args.output,
        db=args.db,
        hub=args.hub,
        day=args.day,
        fmt=args.format,
        event=event_module.of(args),
    )
    print(_("Rapport écrit : {path}", path=path))
    return 0


def run_purge(args: argparse.Namespace) -> int:
    from checkin.printing.config import file_folders
    from checkin.sync.purge import purge_hub, purge_replica

    if args.hub:
        counts = purge_hub(args.hub, keep_aggregates=args.keep_aggregates, event=event_module.of(args))
    else:
        counts = purge_replica(
            paths.db_path(args.db),
            keep_aggregates=args.keep_aggregates,
            event=event_module.of(args),
            print_folders=file_folders(),
        )
    if args.json:
        _print_json(counts)
    else:
        print(_("Données personnelles effacées ({n} compteurs gardés).", n=len(counts)))
    return 0


def run_bench(args: argparse.Namespace) -> int:
    from checkin.demo.secret import use_demo_secret
    from checkin.devtools.bench.sync import run

    use_demo_secret()  # synthetic people: never a prompt, whatever the keyring
    _print_json(
        run(
            args.hub, desks=args.desks, admissions=args.admissions, attendees=args.attendees, workdir=args.dir
        )
    )
    return 0
