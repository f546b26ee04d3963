"""``checkin backup`` and ``checkin restore``: the desk's replica copied to a second folder,
and put back from one (see :mod:`checkin.replica.backup`)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from checkin.base import paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.base.settings import DeskSettings
from checkin.replica.backup import Backup, backup, folder_for, latest, listing, restore
from checkin.replica.db import open_replica, quick_check


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser("backup", help=_("sauvegarder la base du poste dans un second dossier"))
    p.add_argument("--db")
    p.add_argument("--to", help=_("dossier des sauvegardes (par défaut celui des réglages du poste)"))
    p.add_argument("--keep", type=int, help=_("nombre de sauvegardes gardées"))
    p.add_argument("--day-end", action="store_true", help=_("sauvegarde de fin de journée (jamais effacée)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_backup, needs_event=False)
    p = subparsers.add_parser("restore", help=_("remettre le poste en état depuis une sauvegarde"))
    p.add_argument("file", nargs="?", help=_("sauvegarde à restaurer (par défaut la plus récente)"))
    p.add_argument("--db")
    p.add_argument("--from", dest="source", help=_("dossier des sauvegardes"))
    p.add_argument("--list", action="store_true", help=_("lister les sauvegardes"))
    p.add_argument(
        "--empty", action="store_true", help=_("repartir d'une base vide, à remplir depuis le hub")
    )
    p.set_defaults(func=run_restore, needs_event=False)


def run_backup(args: Any) -> int:
    settings = DeskSettings.load()
    source = paths.db_path(args.db)
    replica = open_replica(source, create=False)  # checks it opens; the copy is its own snapshot
    try:
        desk_id = replica.desk_id
    finally:
        replica.close()
    problem = quick_check(source)
    if problem:
        raise KnownError(
            _(
                "La base {path} est abîmée ({problem}) : elle n'est pas sauvegardée.",
                path=source,
                problem=problem,
            )
        )
    folder = Path(args.to) if args.to else folder_for(settings.backup_dir)
    made = backup(
        source,
        folder,
        desk_id=desk_id,
        kind="day" if args.day_end else "manual",
        keep=args.keep or settings.backup_keep,
    )
    if args.json:
        print(json.dumps({"path": str(made.path), "kind": made.kind, "when": made.when.isoformat()}))
    else:
        print(_("Sauvegarde écrite : {path}", path=made.path))
    return 0


def run_restore(args: Any) -> int:
    settings = DeskSettings.load()
    folder = Path(args.source) if args.source else folder_for(settings.backup_dir)
    if args.list:
        for item in listing(folder):
            print(f"{item.when:%Y-%m-%d %H:%M:%S}  {item.kind:6}  {item.path}")
        return 0
    chosen: Backup | None = None
    if args.file:
        path = Path(args.file)
        if not path.is_file():
            raise KnownError(_("Sauvegarde introuvable : {path}", path=path))
        chosen = Backup(path, datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0), "manual")
    elif not args.empty:
        chosen = latest(folder)
        if chosen is None:
            raise KnownError(
                _(
                    "Aucune sauvegarde dans {folder} : indiquez le fichier, ou --empty pour repartir du hub.",
                    folder=folder,
                )
            )
    done = restore(paths.db_path(args.db), chosen)
    print(done.sentence())
    if chosen is None:
        print(_("Base vide prête : lancez « checkin sync --hub … » pour la remplir depuis le hub."))
    return 0
