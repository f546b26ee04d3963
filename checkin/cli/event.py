"""``checkin event new|check|use``: preparing the event file without editing code.

``new`` writes a commented copy of a shipped event to adapt (or, ``--from-export``, a first
event drawn from a registration export: ``preflight/fromexport``), ``check`` reports every
problem of an event file with its line and the fix, ``use`` makes a file this desk's event
(the ``[desk] event`` setting, after ``--event`` and ``CHECKIN_EVENT``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.base.settings import DeskSettings
from checkin.event import model as event_module
from checkin.preflight.eventfile import Problem, check_file, check_text, new_event_text, source_file
from checkin.preflight.fromexport import draft_text


def add_commands(subparsers: Any) -> None:
    parser = subparsers.add_parser("event", help=_("préparer le fichier de l'événement"))
    sub = parser.add_subparsers(dest="event_command", required=True, metavar="ACTION")

    new = sub.add_parser("new", help=_("écrire une copie commentée d'un événement, à adapter"))
    new.add_argument("--from", dest="source", default="aict2026", help=_("événement fourni ou fichier TOML"))
    new.add_argument(
        "--from-export",
        dest="export",
        help=_(
            "écrire plutôt un premier événement tiré d'un export d'inscriptions (jours, catégories, pretix)"
        ),
    )
    new.add_argument("-o", "--output", required=True)
    new.add_argument("--force", action="store_true", help=_("remplacer un fichier existant"))
    new.set_defaults(func=run_new, needs_event=False)

    check = sub.add_parser(
        "check", help=_("vérifier un fichier d'événement (chaque erreur, sa ligne, sa correction)")
    )
    check.add_argument("file")
    check.add_argument("--json", action="store_true")
    check.add_argument("--db", help=_("comparer aussi aux salles du programme importé dans ce poste"))
    check.set_defaults(func=run_check, needs_event=False)

    use = sub.add_parser("use", help=_("faire de ce fichier l'événement de ce poste"))
    use.add_argument("file")
    use.set_defaults(func=run_use, needs_event=False)


def run_new(args: argparse.Namespace) -> int:
    source = source_file(args.source)
    output = Path(args.output).expanduser()
    if output.exists() and not args.force:
        raise KnownError(_("{path} existe déjà : choisissez un autre nom ou ajoutez --force.", path=output))
    text = (
        draft_text(Path(args.export).expanduser(), output) if args.export else new_event_text(source, output)
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    problems = check_text(text, output)
    print(_("Événement écrit : {path} — adaptez-le, puis : checkin event check {path}", path=output))
    for problem in problems:
        print("  " + problem.line_text())
    return 0


def run_check(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    problems = check_file(path) + programme_problems(path, args.db)
    if args.json:
        print(json.dumps([p.to_json() for p in problems], ensure_ascii=False, indent=2))
        return 1 if problems else 0
    if not problems:
        ev = event_module.load(path)
        print(
            _(
                "{path} : aucun problème — « {name} », {days} jour(s), {categories} catégories{logo}.",
                path=path,
                name=ev.short_name,
                days=len(ev.days),
                categories=len(ev.categories),
                logo=_(", logo {name}", name=ev.logo.name) if ev.logo else "",
            )
        )
        print(
            _(
                "Données personnelles conservées jusqu'au {date} ({days} jours après l'événement), "
                "puis effacées par les postes.",
                date=ev.retention_until.isoformat(),
                days=ev.retention_days,
            )
        )
        return 0
    for problem in problems:
        print(problem.line_text())
    print(_("{n} problème(s) à corriger.", n=len(problems)))
    return 1


def run_use(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser().resolve()
    ev = event_module.load(path)  # a file that does not load is refused before it is kept
    chosen = DeskSettings.load()
    chosen.event = str(path)
    chosen.save()
    print(_("Ce poste sert désormais l'événement « {name} » ({path}).", name=ev.short_name, path=path))
    return 0


def programme_problems(path: Path, db: str | None) -> list[Problem]:
    """Sessions of the imported programme in a room the event file does not know."""
    if not db:
        return []
    import tomllib

    from checkin.cli.output import open_db
    from checkin.preflight.roomcheck import unknown_rooms

    replica = open_db(argparse.Namespace(db=db))
    try:
        with replica.read() as conn:
            pairs = [(str(c), str(r)) for c, r in conn.exec_driver_sql("SELECT code, room FROM session")]
    finally:
        replica.close()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []
    fix = _("ajoutez la salle dans [[rooms]] avec sa capacité")
    return [Problem(path.name, 0, message, fix) for message in unknown_rooms(data, pairs)]
