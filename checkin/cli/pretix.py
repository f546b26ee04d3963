"""``checkin pretix link|pull|push``: the desk's replica and a pretix event, over pretix's API.

The link (URL, organizer, event slug, check-in list) is the desk's (``pretix link``), or the
options, or ``CHECKIN_PRETIX_URL|ORGANIZER|EVENT|LIST``; the token is the link's (keyring or
a 0600 file) or ``CHECKIN_PRETIX_TOKEN``, never an option. The event's slug is ``--slug``:
``--event`` is the event file's option everywhere.
"""

from __future__ import annotations

import argparse
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
    pull.set_defaults(func=cmd_pull)
    link = sub.add_parser("link", help=_("relier le poste à un événement pretix (jeton vérifié et gardé)"))
    link.add_argument("url")
    link.add_argument("--organizer", required=True)
    link.add_argument("--slug", required=True, help=_("événement pretix"))
    link.add_argument("--list", default="", help=_("nom ou numéro de la liste d'enregistrement"))
    link.add_argument("--db")
    link.set_defaults(func=cmd_link)
    push.set_defaults(func=cmd_push)


def _client(args: argparse.Namespace, replica: Any) -> Any:
    from checkin.pretix.api import Client
    from checkin.pretix.link import linked

    return Client(linked(replica, args.url, args.organizer, args.slug, args.list))


def cmd_link(args: argparse.Namespace) -> int:
    import getpass
    import os

    from checkin.pretix.link import make

    token = os.environ.get("CHECKIN_PRETIX_TOKEN") or getpass.getpass(_("Jeton d'API pretix : "))
    replica = open_db(args)
    try:
        link = make(replica, args.url, args.organizer, args.slug, args.list, token.strip())
    finally:
        replica.close()
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
    from checkin.pretix.pull import pull

    replica = open_db(args)
    try:
        summary = pull(replica, args.event, _client(args, replica))
    finally:
        replica.close()
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
