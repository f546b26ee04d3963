"""The ``checkin`` command: the desk, and everything staff and scripts do without it.

Known errors print one sentence on stderr and exit 1; anything else is a bug, logged with
its traceback to the log file, and reported in one line that says where the log is.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from checkin import __version__
from checkin.base import logs, paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.event import days
from checkin.event import model as event
from checkin.replica.db import Replica, open_replica

log = logging.getLogger(__name__)

# Modules that add their own sub-commands (each has ``add_commands(subparsers)``). The UI
# module imports Qt only inside its handlers, so the CLI runs without a display.
PLUGINS = (
    "checkin.replica.backup",
    "checkin.preflight.eventfile",
    "checkin.devtools.faults",
    "checkin.cli.badges",
    "checkin.cli.tickets",
    "checkin.cli.desk",
    "checkin.cli.sync",
    "checkin.arrivals.scanner_check",
    "checkin.preflight.checks",
)


def dump(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def open_db(args: argparse.Namespace) -> Replica:
    return open_replica(paths.db_path(getattr(args, "db", None)))


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


def cmd_scan(args: argparse.Namespace) -> int:
    from checkin.arrivals import scan

    ev = event.of(args)
    replica = open_db(args)
    try:
        from checkin.arrivals.scanner_check import remembered_layouts
        from checkin.base.settings import DeskSettings

        decision = scan.decide(
            replica,
            ev,
            args.text,
            day=days.serving(ev, args.day),
            desk=args.desk,
            role="volunteer",
            layouts=remembered_layouts(DeskSettings.load()),
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


def cmd_bench(args: argparse.Namespace) -> int:
    from checkin.devtools.bench import core as bench

    result = bench.run(event.of(args), args.attendees)
    if args.json:
        dump(result)
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="checkin", description=_("Accueil des participants d'un congrès."))
    parser.add_argument("--version", action="version", version=f"checkin {__version__}")
    parser.add_argument(
        "--event",
        metavar="FILE",
        help=_(
            "fichier TOML de l'événement, accepté avant ou après la commande ; sinon CHECKIN_EVENT, "
            "puis le réglage du poste (checkin event use), puis AICT 2026"
        ),
    )
    parser.add_argument("--lang", choices=("fr", "en"), help=_("langue des messages"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import", help=_("importer un export d'inscriptions, le programme ou la grille B2B"))
    p.add_argument("file")
    p.add_argument("--db")
    p.add_argument("--mapping", help=_("fichier de correspondance des colonnes (TOML ou JSON)"))
    p.add_argument("--dry-run", action="store_true", help=_("montrer ce qui changerait, sans rien écrire"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("scan", help=_("traiter un scan comme le ferait l'accueil"))
    p.add_argument("text")
    p.add_argument("--db")
    p.add_argument("--day")
    p.add_argument("--desk", default=os.environ.get("CHECKIN_DESK", "Accueil"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_scan)

    p = sub.add_parser("find", help=_("chercher un participant par nom, structure ou e-mail"))
    p.add_argument("text")
    p.add_argument("--db")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_find, needs_event=False)

    p = sub.add_parser("bench", help=_("mesurer import, scan et recherche sur un événement synthétique"))
    p.add_argument("--attendees", type=int, default=100_000)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench)

    for name in PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue  # that part is not installed
            raise
        module.add_commands(sub)
    parser.set_defaults(commands=tuple(sub.choices))
    return parser


def run_command(args: argparse.Namespace, given: str | None) -> int:
    """Run one parsed command with the event resolved once for it.

    ``args.event`` is the loaded :class:`~checkin.event.model.EventConfig` (``--event``, else
    ``CHECKIN_EVENT``, else the desk's settings, else the shipped event), and every
    ``event.load()`` without a path returns it while the command runs. A command that works
    on event files themselves (``event check``…) sets ``needs_event=False`` and gets the
    option's value in ``args.event_option``.
    """
    args.event_option = given
    if not getattr(args, "needs_event", True):
        args.event = None
        return int(args.func(args))
    path, origin = event.resolve(given)
    ev = event.load(path)
    log.info("event %s (%s, from %s)", ev.id, path, origin)
    args.event = ev
    with event.activated(ev):
        return int(args.func(args))


def main(argv: Sequence[str] | None = None) -> int:
    logs.setup()
    args_list = list(sys.argv[1:] if argv is None else argv)
    if "--lang" in args_list:
        i = args_list.index("--lang")
        if i + 1 < len(args_list):
            from checkin.base import i18n

            i18n.set_language(args_list[i + 1])
    try:
        given, args_list = event.take_option(args_list)
        parser = build_parser()
        args = parser.parse_args(args_list)
        if not getattr(args, "func", None):
            if "desk" not in parser.get_default("commands"):
                parser.print_help()
                return 0
            args = parser.parse_args([*args_list, "desk"])
        return run_command(args, given)
    except KnownError as exc:
        print(f"checkin: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        log.exception("unexpected error")
        print(
            _("checkin : erreur inattendue, détails dans {path}", path=logs.log_file()),
            file=sys.stderr,
        )
        return 2




def gui_main() -> int:
    """``checkin-desk``: the desk window without a console (a GUI script: no console window
    opens with it on Windows, and closing one cannot kill the desk).

    Nobody reads stderr there: a problem at start (a wrong event file, a database another
    version wrote…) is shown in a message box as well as written to the log.
    """
    import io

    if sys.stdout is None:  # pythonw: no console at all
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
    real_stderr = sys.stderr
    told = io.StringIO()
    sys.stderr = told
    try:
        code = main()
    finally:
        sys.stderr = real_stderr
    text = told.getvalue().strip()
    if text:
        if real_stderr is not None:
            print(text, file=real_stderr)
        if code != 0:
            _message_box(text)
    return code


def _message_box(text: str) -> None:
    try:
        from checkin.ui.app import application
        from checkin.ui.qt import QMessageBox

        application()
        QMessageBox.critical(None, "checkin", text)
    except Exception:  # no display, no Qt: the log and stderr hold the sentence
        log.info("no message box for: %s", text, exc_info=True)
