"""Setting up an event without editing code: ``checkin event new|check|use``.

``new`` writes a commented copy of a shipped event to adapt, ``check`` reports every
problem of an event file with its line and the fix, ``use`` makes a file this desk's event
(the ``[desk] event`` setting, after ``--event`` and ``CHECKIN_EVENT``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from checkin import event as event_module
from checkin.i18n import _
from checkin.settings import DeskSettings


def add_commands(subparsers: Any) -> None:
    parser = subparsers.add_parser("event", help=_("préparer le fichier de l'événement"))
    sub = parser.add_subparsers(dest="event_command", required=True, metavar="ACTION")

    use = sub.add_parser("use", help=_("faire de ce fichier l'événement de ce poste"))
    use.add_argument("file")
    use.set_defaults(func=run_use, needs_event=False)


def run_use(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser().resolve()
    ev = event_module.load(path)  # a file that does not load is refused before it is kept
    chosen = DeskSettings.load()
    chosen.event = str(path)
    chosen.save()
    print(_("Ce poste sert désormais l'événement « {name} » ({path}).", name=ev.short_name, path=path))
    return 0
