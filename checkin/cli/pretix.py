"""``checkin pretix link|pull|push``: the desk's replica and a pretix event, over pretix's API.

The link (URL, organizer, event slug, check-in list) is the desk's (``pretix link``), or the
options, or ``CHECKIN_PRETIX_URL|ORGANIZER|EVENT|LIST``; the token is the link's (keyring or
a 0600 file) or ``CHECKIN_PRETIX_TOKEN``, never an option. The event's slug is ``--slug``:
``--event`` is the event file's option everywhere.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from checkin.base.i18n import _
from checkin.cli.output import dump, open_db


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser("pretix", help=_("échanger avec un événement pretix (API)"))
    sub = p.add_subparsers(dest="pretix_command", required=True)
    pull = sub.add_parser("pull", help=_("lire les inscriptions de l'événement pretix"))
    push = sub.add_parser("push", help=_("envoyer les entrées du poste à pretix"))
    for q in (pull, push):
        q.add_argument("--db")
        q.add_argument("--url", help=_("adresse de pretix (sinon CHECKIN_PRETIX_URL)"))
        q.add_argument("--organizer", help=_("organisateur pretix (sinon CHECKIN_PRETIX_ORGANIZER)"))
        q.add_argument("--slug", help=_("événement pretix (sinon CHECKIN_PRETIX_EVENT)"))
        q.add_argument("--list", help=_("numéro de la liste d'enregistrement (sinon CHECKIN_PRETIX_LIST)"))
        q.add_argument("--json", action="store_true")
    pull.add_argument("--hub", help=_("lire pretix dans le hub (les postes le reçoivent à leur échange)"))
    push.add_argument(
        "--hub", help=_("échanger avec le hub d'abord, puis envoyer les entrées de tous les postes")
    )
    pull.set_defaults(func=cmd_pull)
    link = sub.add_parser("link", help=_("relier le poste à un événement pretix (jeton vérifié et gardé)"))
    link.add_argument("url")
    link.add_argument("--organizer", required=True)
    link.add_argument("--slug", required=True, help=_("événement pretix"))
    link.add_argument("--list", default="", help=_("nom ou numéro de la liste d'enregistrement"))
    link.add_argument("--db")
    link.add_argument("--hub", help=_("relier le hub plutôt que ce poste"))
    link.set_defaults(func=cmd_link)
    push.set_defaults(func=cmd_push)


def _client(args: argparse.Namespace, where: Any) -> Any:
    from checkin.pretix.api import Client
    from checkin.pretix.link import linked

    return Client(linked(where, args.url, args.organizer, args.slug, args.list))


@contextmanager
def _where(args: argparse.Namespace) -> Iterator[Any]:
    """The link's notes: the hub's with ``--hub``, else the desk's replica."""
    if getattr(args, "hub", None):
        from checkin.sync.hub import open_hub

        hub = open_hub(args.hub)
        try:
            yield hub_notes(hub)
        finally:
            hub.close()
        return
    replica = open_db(args)
    try:
        yield replica
    finally:
        replica.close()


def hub_notes(hub: Any) -> Any:
    """pretix's notes kept in the hub's ``meta``, its orders imported into the hub."""
    from checkin.pretix.notes import HubNotes
    from checkin.sync.hub import get_meta, set_meta
    from checkin.sync.hubimport import import_into_hub

    def get(key: str) -> str:
        with hub.read() as conn:
            return str(get_meta(conn, key))

    def put(key: str, value: str) -> None:
        with hub.write() as conn:
            set_meta(conn, key, value)

    return HubNotes(get, put, lambda event, export: import_into_hub(hub, event, export))


def cmd_link(args: argparse.Namespace) -> int:
    import getpass
    import os

    from checkin.pretix.link import make

    token = os.environ.get("CHECKIN_PRETIX_TOKEN") or getpass.getpass(_("Jeton d'API pretix : "))
    with _where(args) as where:
        link = make(where, args.url, args.organizer, args.slug, args.list, token.strip())
    print(
        _(
            "Poste relié à pretix : {organizer}/{event}, liste {list} ({url}).",
            organizer=link.organizer,
            event=link.event,
            list=link.checkin_list,
            url=link.url,
        )
    )
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    from checkin.pretix.notes import notes_of
    from checkin.pretix.pull import pull_into

    with _where(args) as where:
        summary = pull_into(notes_of(where), args.event, _client(args, where))
    if args.json:
        dump(summary.to_json())
        return 0
    print(
        _(
            "pretix : {orders} commandes, {positions} positions lues, {revoked} secrets révoqués nouveaux "
            "({requests} requêtes, {seconds:.1f} s).",
            orders=summary.orders,
            positions=summary.positions,
            revoked=summary.revoked_new,
            requests=summary.requests,
            seconds=summary.seconds,
        )
    )
    if summary.imported is not None:
        print(summary.imported.sentence())
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    from checkin.pretix.push import push, refusals

    replica = open_db(args)
    try:
        if args.hub:
            summary = _push_hub(args, replica)
        else:
            summary = push(replica, _client(args, replica))
        refused = refusals(replica)
    finally:
        replica.close()
    if args.json:
        dump({**summary.to_json(), "refused_all": refused})
        return 0
    print(
        _(
            "pretix : {sent} entrées envoyées, {accepted} acceptées ({seconds:.1f} s).",
            sent=summary.sent,
            accepted=summary.accepted,
            seconds=summary.seconds,
        )
    )
    for item in refused:
        print(
            _(
                "  refusée par pretix ({reason}, {status}) : {secret}… {explanation}",
                reason=item["reason"],
                status=_("forcée") if item["status"] == "forced" else _("non enregistrée"),
                secret=item["secret"][:12],
                explanation=item["explanation"],
            )
        )
    return 0


def _push_hub(args: argparse.Namespace, replica: Any) -> Any:
    """Every desk's admissions: this machine's replica exchanges with the hub (it then holds
    them all), and pushes them with the hub's link; what pretix answered stays here."""
    from checkin.pretix.push import push
    from checkin.sync.exchange import exchange
    from checkin.sync.hub import open_hub

    hub = open_hub(args.hub)
    try:
        exchange(replica, hub, report=False, event=args.event)
        client = _client(args, hub_notes(hub))
    finally:
        hub.close()
    return push(replica, client)
