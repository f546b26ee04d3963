"""``checkin group TEXT [--admit] [--json]``: a delegation or an order welcomed as one
(see :mod:`checkin.arrivals.groups`)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.cli.output import dump, open_db
from checkin.event import days
from checkin.event import model as event


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "group",
        help=_("un groupe (délégation, commande) : ses membres, leur état, et l'admission des présents"),
    )
    p.add_argument("text", help=_("le code d'un membre, le nom de la délégation, la commande ou l'acheteur"))
    p.add_argument("--admit", action="store_true", help=_("admettre les membres attendus aujourd'hui"))
    p.add_argument("--db")
    p.add_argument("--day")
    p.add_argument("--desk", default=os.environ.get("CHECKIN_DESK", "Accueil"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_group)


def cmd_group(args: argparse.Namespace) -> int:
    from checkin.arrivals import groups

    ev = event.of(args)
    day = days.serving(ev, args.day)
    replica = open_db(args)
    try:
        group = groups.find(replica, ev, args.text, day=day)
        if group is None:
            raise KnownError(
                _("Aucun groupe pour « {text} » (délégation, commande ou code d'un membre).", text=args.text)
            )
        if args.admit:
            group = groups.admit(replica, ev, group, day=day, desk=args.desk)
    finally:
        replica.close()
    if args.json:
        dump(group.to_json())
        return 0
    print(group.name)
    for m in group.members:
        head = _(" (chef·fe de délégation)") if m.head else ""
        print(f"  {m.attendee.code}  {m.attendee.full_name}{head} — {groups.state_label(m.state)}")
    if args.admit:
        print(_("{n} admis·es.", n=len(group.admitted)))
    return 0
