"""Rooms from the command line: a door's scan (``scan --session|--room``) and ``sessions``."""

from __future__ import annotations

import argparse
import logging
from datetime import datetime
from typing import Any

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.cli.output import dump, open_db
from checkin.event import days
from checkin.event import model as event

log = logging.getLogger(__name__)


def add_scan_options(p: Any) -> None:
    p.add_argument("--session", help=_("scan à la porte de cette session (son code)"))
    p.add_argument("--room", help=_("scan à la porte de cette salle : la session que dit l'horloge"))
    p.add_argument("--at", metavar="HH:MM", help=_("l'heure à considérer (par défaut : maintenant)"))
    p.add_argument("--exit", action="store_true", help=_("une sortie de la salle"))
    p.add_argument("--hub", help=_("le hub qui répartit les places entre les portes"))


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser("sessions", help=_("les sessions, leur salle, leur jauge et qui y est"))
    p.add_argument("--db")
    p.add_argument("--hub")
    p.add_argument("--day")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sessions)


def cmd_door_scan(args: argparse.Namespace) -> int:
    from checkin.arrivals import rooms
    from checkin.replica import movements

    ev = event.of(args)
    day = days.serving(ev, args.day)
    hhmm = args.at or ev.local(datetime.now().astimezone().isoformat()).strftime("%H:%M")
    replica = open_db(args)
    hub = None
    try:
        with replica.read() as conn:
            target = (
                movements.session(conn, args.session)
                if args.session
                else movements.in_room(conn, args.room, day, hhmm)
            )
        if args.session and target is None:
            raise KnownError(_("Session inconnue : {code}", code=args.session))
        if target is not None and args.session:
            day = target.day
        more = None
        if args.hub:
            from checkin.sync import leases
            from checkin.sync.hub import HubError, open_hub

            try:
                hub = open_hub(args.hub)
            except HubError as error:  # the door keeps the share it holds
                log.warning("door scan without the hub: %s", error)

            def more(s: movements.Session, capacity: int) -> None:
                if hub is None:
                    return
                try:
                    leases.rebalance(replica, hub, s, capacity, args.desk)
                except HubError as error:
                    log.warning("no new seats from the hub: %s", error)

        d = rooms.decide(
            replica,
            ev,
            args.text,
            target,
            day=day,
            hhmm=hhmm,
            desk=args.desk,
            exit=args.exit,
            more_seats=more,
        )
    finally:
        replica.close()
        if hub is not None:
            hub.close()
    if args.json:
        dump(d.to_json())
    else:
        who = d.attendee.full_name if d.attendee else ""
        print(f"{d.outcome.upper()}  {who}".rstrip())
        print(rooms.instruction(d, ev))
    return 0


def cmd_sessions(args: argparse.Namespace) -> int:
    from checkin.reports.sessions import from_hub, from_replica

    ev = event.of(args)
    rows = from_hub(args.hub, ev, args.day) if args.hub else from_replica(open_db(args), ev, args.day)
    if args.json:
        dump(rows)
        return 0
    for r in rows:
        cap = r["capacity"] if r["capacity"] is not None else "—"
        print(
            f"{r['code']:<6} {r['start']}–{r['end']}  {r['room']:<22} {r['inside']:>4}/{cap:<5} {r['title']}"
        )
    return 0
