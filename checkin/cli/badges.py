"""Command-line entry points for badges and printers (``checkin badge``, ``badges``, …)."""

from __future__ import annotations

import argparse
import importlib
import io
import json
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from checkin.base import paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.base.text import fold, sort_key
from checkin.event import model as event_mod
from checkin.printing import config
from checkin.printing.badge import BadgeRenderer, attendee_from
from checkin.printing.cups import system_printers
from checkin.printing.layout import available
from checkin.printing.sheets import render_sheets
from checkin.replica import attendees, facts
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica, open_replica

SORTS: dict[str, Callable[[AttendeeView], tuple[str, ...]]] = {
    "surname": lambda a: (
        sort_key(a.last_name or a.native_name),
        sort_key(a.first_name),
    ),
    "organisation": lambda a: (
        sort_key(a.organisation),
        sort_key(a.last_name),
        sort_key(a.first_name),
    ),
    "country": lambda a: (
        sort_key(a.country),
        sort_key(a.last_name),
        sort_key(a.first_name),
    ),
}
NOT_PRINTED = ("cancelled", "waitlisted")
ESCPOS_PREFIXES = ("tcp://", "usb://", "serial:", "file:", "cups:", "win:")


def add_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    names = available()
    p = subparsers.add_parser("badge", help=_("Badge d'une personne en PDF"))
    p.add_argument("code")
    p.add_argument("--db")
    p.add_argument("--layout", default="a6", help=", ".join(names["layout"]))
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=run_badge)

    p = subparsers.add_parser("badges", help=_("Badges d'une sélection, imposés sur des planches"))
    p.add_argument("--db")
    p.add_argument("--layout", default=None, help=", ".join(names["layout"]))
    p.add_argument("--sheet", default="a4-4xa6", help=", ".join(names["sheet"]) + ", none")
    p.add_argument(
        "--select",
        default="all",
        help="all | category=NOM | day=AAAA-MM-JJ | codes=A,B | delegation=NOM",
    )
    p.add_argument("--sort", default="surname", choices=sorted(SORTS))
    p.add_argument(
        "--no-mark",
        action="store_true",
        help=_("Ne pas marquer les badges comme pré-imprimés"),
    )
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=run_badges)

    p = subparsers.add_parser("printers", help=_("Imprimantes configurées et imprimantes du système"))
    p.set_defaults(func=run_printers)

    p = subparsers.add_parser("print-test", help=_("Page de test sur une imprimante"))
    p.add_argument("printer")
    p.set_defaults(func=run_print_test)

    p = subparsers.add_parser("bench-badges", help=_("Mesure la vitesse du rendu des badges"))
    p.add_argument("-n", type=int, default=1000)
    p.set_defaults(func=run_bench)


def _replica(args: argparse.Namespace) -> Replica:
    return open_replica(paths.db_path(args.db), create=False)


def run_badge(args: argparse.Namespace) -> int:
    replica = _replica(args)
    view = attendees.get(replica, args.code.strip())
    if view is None:
        raise KnownError(_("Code inconnu : {code}", code=args.code))
    BadgeRenderer(event_mod.of(args), args.layout).render([view], Path(args.output))
    print(
        json.dumps(
            {"output": args.output, "code": view.code, "layout": args.layout},
            ensure_ascii=False,
        )
    )
    return 0


def select(replica: Replica, expr: str, ev: event_mod.EventConfig | None = None) -> list[AttendeeView]:
    """Live registrations (not cancelled nor waitlisted) matching a ``--select`` expression.

    Codes given one by one are taken as asked, whatever their status.
    """
    ev = ev or event_mod.load()
    with replica.read() as conn:
        people = [a for a in attendees.all_live(conn) if a.status not in NOT_PRINTED]
    key, _sep, value = expr.partition("=")
    key, value = key.strip(), value.strip()
    if key == "all":
        return people
    if key == "category":
        wanted = ev.category(value).name
        return [a for a in people if ev.category(a.category).name == wanted]
    if key == "day":
        return [a for a in people if value in a.days or not a.days]
    if key == "delegation":
        return [a for a in people if fold(a.delegation) == fold(value)]
    if key == "codes":
        codes = [c.strip() for c in value.split(",") if c.strip()]
        out = []
        for code in codes:
            view = attendees.get(replica, code)
            if view is None:
                raise KnownError(_("Code inconnu : {code}", code=code))
            out.append(view)
        return out
    raise KnownError(_("Sélection invalide : {expr}", expr=expr))


class Progress:
    """A one-line progress bar on stderr, only when it is a terminal or the run is long."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.show = total >= 50

    def __call__(self, done: int, total: int) -> None:
        if not self.show or (done % 10 and done != total):
            return
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def run_badges(args: argparse.Namespace) -> int:
    replica = _replica(args)
    ev = event_mod.of(args)
    people = sorted(select(replica, args.select, ev), key=SORTS[args.sort])
    progress = Progress(len(people))
    if args.sheet == "none":
        result = BadgeRenderer(ev, args.layout or "a6").render(people, Path(args.output), progress=progress)
    else:
        result = render_sheets(
            people,
            ev,
            Path(args.output),
            sheet=args.sheet,
            layout=args.layout,
            progress=progress,
        )
    if not args.no_mark:
        batch = str(uuid.uuid4())
        with replica.write() as conn:
            for person in people:
                facts.add(
                    conn,
                    replica,
                    "preprint",
                    attendee_uid=person.uid,
                    code=person.code,
                    role="staff",
                    data={
                        "batch": batch,
                        "sheet": args.sheet,
                        "layout": args.layout or "",
                    },
                )
    print(
        json.dumps(
            {"output": args.output, "badges": result.badges, "pages": result.pages},
            ensure_ascii=False,
        )
    )
    return 0


def run_printers(args: argparse.Namespace) -> int:
    configured = {
        name: {"backend": cfg.backend, "target": cfg.target, "layout": cfg.layout}
        for name, cfg in config.load().items()
    }
    print(
        json.dumps(
            {"configured": configured, "system": system_printers()},
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


def test_attendee() -> AttendeeView:
    return attendee_from(
        {
            "uid": "test",
            "code": "TEST-0000",
            "first_name": "Ñandú Łódź",
            "last_name": "Nguyễn Thị",
            "native_name": "اختبار · परीक्षण · 测试 · Փորձ",
            "function": _("Page de test"),
            "organisation": "checkin",
            "country": "—",
            "category": "",
        }
    )


def run_print_test(args: argparse.Namespace) -> int:
    target = args.printer
    if target.startswith(ESCPOS_PREFIXES):
        module = importlib.import_module("checkin.printing.escpos.tickets")
        print_test = getattr(module, "print_test", None)
        if print_test is None:
            raise KnownError(_("Les imprimantes de tickets ne sont pas disponibles dans cette version."))
        print_test(target)
        return 0
    printers = config.load()
    if target not in printers:
        raise KnownError(_("Imprimante inconnue : {name}", name=target))
    cfg = printers[target]
    backend = config.build(cfg)
    renderer = BadgeRenderer(event_mod.of(args), cfg.layout)
    out = io.BytesIO()
    renderer.render([test_attendee()], out)
    handle = backend.submit(
        out.getvalue(),
        job_id=f"test-{uuid.uuid4()}",
        title="checkin test",
        media=renderer.layout.media,
    )
    print(json.dumps({"printer": target, "handle": handle}, ensure_ascii=False))
    return 0


def run_bench(args: argparse.Namespace) -> int:
    from checkin.devtools.bench import badges as bench

    print(json.dumps(bench.run(args.n), ensure_ascii=False, indent=2))
    return 0
