"""``checkin pretix pull|push``: the desk's replica and a pretix event, over pretix's API.

The link (URL, organizer, event slug, check-in list) comes from the options or
``CHECKIN_PRETIX_URL|ORGANIZER|EVENT|LIST``; the token from ``CHECKIN_PRETIX_TOKEN`` only.
The event's slug is ``--slug``: ``--event`` is the event file's option everywhere.
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
    push.set_defaults(func=cmd_push)


def _client(args: argparse.Namespace) -> Any:
    from checkin.pretix.api import Client, link_from

    return Client(link_from(args.url, args.organizer, args.slug, args.list))


def cmd_pull(args: argparse.Namespace) -> int:
    from checkin.pretix.pull import pull

    client = _client(args)
    replica = open_db(args)
    try:
        summary = pull(replica, args.event, client)
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

    client = _client(args)
    replica = open_db(args)
    try:
        summary = push(replica, client)
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
