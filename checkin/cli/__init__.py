"""The ``checkin`` command: the desk, and everything staff and scripts do without it.

Known errors print one sentence on stderr and exit 1; anything else is a bug, logged with
its traceback to the log file, and reported in one line that says where the log is.

Every command lives in this package, one module per family (``imports``, ``arrivals``,
``event``, ``backup``, ``preflight``, ``devtools``, ``badges``, ``tickets``, ``desk``,
``sync``); the domain modules never parse arguments. The top layer: it may import every
other one and nothing imports it. Qt only through ``checkin.ui``, inside the desk's
handlers, so the command line runs without a display.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from checkin import __version__
from checkin.base import keys, logs, paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.cli import (
    arrivals,
    backup,
    badges,
    desk,
    devtools,
    groups,
    imports,
    preflight,
    pretix,
    rooms,
    sync,
    tickets,
)
from checkin.cli import event as event_commands
from checkin.cli import key as key_commands
from checkin.event import model as event

log = logging.getLogger(__name__)

# Every family of commands adds its own (``add_…(subparsers)``), in the order ``checkin --help``
# lists them. The desk's handlers import Qt only when they run, so the CLI runs without a display.
FAMILIES: tuple[Callable[[Any], None], ...] = (
    imports.add_commands,  # import
    arrivals.add_commands,  # scan, find
    groups.add_commands,  # group
    rooms.add_commands,  # sessions
    devtools.add_bench,
    devtools.add_bench_door,
    backup.add_commands,  # backup, restore
    key_commands.add_commands,  # key export|import
    event_commands.add_commands,  # event new|check|use
    devtools.add_faults,  # bench-faults
    badges.add_commands,
    tickets.add_commands,
    desk.add_commands,
    sync.add_commands,
    arrivals.add_scanner_check,
    preflight.add_commands,
    pretix.add_commands,  # pretix pull|push
)


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
    parser.add_argument(
        "--insecure",
        action="store_true",
        help=_(
            "accepter un hub PostgreSQL sur une autre machine sans chiffrement (réseau fermé seulement), "
            "accepté avant ou après la commande"
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in FAMILIES:
        add(sub)
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
        if hasattr(args, "db") and not hasattr(args, "event_command"):  # find, backup, restore
            _apply_retention(args, _event_if_any(given))
        return int(args.func(args))
    path, origin = event.resolve(given)
    ev = event.load(path)
    log.info("event %s (%s, from %s)", ev.id, path, origin)
    args.event = ev
    with event.activated(ev):
        _apply_retention(args, ev)
        return int(args.func(args))


def _event_if_any(given: str | None) -> event.EventConfig | None:
    """The event, for a command that does without it: None if it does not load."""
    try:
        return event.load(event.resolve(given)[0])
    except KnownError:
        log.info("no event for the retention date", exc_info=True)
        return None


def _apply_retention(args: argparse.Namespace, ev: event.EventConfig | None) -> None:
    """Past the event's retention date, a command that opens the desk's replica finds it
    purged first (counts kept) and says so on stderr (``checkin.sync.retention``)."""
    if (
        ev is None
        or not hasattr(args, "db")
        or args.func is sync.run_purge
        or not getattr(args, "retention", True)
    ):
        return
    from checkin.printing.config import file_folders
    from checkin.sync import retention

    if not (retention.due(ev) or retention.coming(ev)):
        return
    told = retention.check(paths.db_path(args.db), ev, print_folders=file_folders())
    if told:
        print(f"checkin: {told}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    paths.keep_private()
    logs.setup()
    keys.set_asker(key_commands.ask_on_terminal)  # no keyring: staff type the passphrase
    args_list = list(sys.argv[1:] if argv is None else argv)
    if "--lang" in args_list:
        i = args_list.index("--lang")
        if i + 1 < len(args_list):
            from checkin.base import i18n

            i18n.set_language(args_list[i + 1])
    if "--insecure" in args_list:  # anywhere on the line, and for the window and live sync too
        args_list.remove("--insecure")
        os.environ["CHECKIN_HUB_INSECURE"] = "1"
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
