"""A pretix event's positions pulled into the replica, as an import of its order data.

Everything is read first (the check-in list, the products, the changed orders, the revoked
secrets), then applied: a failure while reading leaves the replica as it was. The rows are
the ones pretix's *order data* export writes (product, variation, name parts, company,
e-mail, status, secret, add-on parent), handed to the importer as an opened export, so the
category and days, the statuses, add-ons as entitlements and exact-case secrets follow the
import's own rules, in its short steps, never touching what desks recorded.

Why the orders list, not the check-in list's ``positions/``: in pretix 2026.8 that endpoint
has no "changed since" filter and, even with ``ignore_status=true`` (which adds cancelled and
expired orders), never lists a cancelled position of a live order (``OrderPosition.objects``
hides them). ``orders/?include_canceled_positions=true&modified_since=…`` gives both, and
``X-Page-Generated`` the moment the next pull starts from (kept in ``meta``). The check-in
list still says which products are pulled.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checkin.event import pretix_sig1
from checkin.event.model import EventConfig
from checkin.importer.mapping import build
from checkin.importer.opened import OpenedExport
from checkin.importer.platforms import pretix_name_part
from checkin.importer.pretixjson import STATUS
from checkin.importer.sources import Table
from checkin.importer.summary import ImportSummary
from checkin.pretix.api import Client
from checkin.pretix.notes import Notes, ReplicaNotes
from checkin.replica.db import Replica
from checkin.replica.facts import now_utc
from checkin.replica.signed import KEYS_META

log = logging.getLogger(__name__)

META_KEY = "pretix_pull"  # {"url", "organizer", "event", "list", "since"}: where the next pull starts
HEADERS = [
    "Order code",
    "Position ID",
    "Status",
    "Email",
    "Order date",
    "Product",
    "Variation",
    "Attendee name",
    pretix_name_part("en", "positions", "Given name"),
    pretix_name_part("en", "positions", "Family name"),
    "Attendee email",
    "Attendee company",
    "Ticket secret",
    "Add-on to position ID",
]


@dataclass
class Fetched:
    """What one pull read from pretix, before anything is written."""

    rows: list[list[str]] = field(default_factory=list)
    orders: int = 0
    revoked: list[str] = field(default_factory=list)
    generated: str = ""  # pretix's X-Page-Generated of the orders' first page
    keys: list[str] | None = None  # the event's pretix_sig1 public keys (None: pretix gave none)


@dataclass
class PullSummary:
    orders: int
    positions: int
    revoked_new: int
    requests: int
    seconds: float
    incremental: bool
    imported: ImportSummary | None

    def to_json(self) -> dict[str, Any]:
        return {
            "orders": self.orders,
            "positions": self.positions,
            "revoked_new": self.revoked_new,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "incremental": self.incremental,
            "import": self.imported.to_json() if self.imported else None,
        }


def pull(replica: Replica, event: EventConfig, client: Client) -> PullSummary:
    """Read the changes since the last pull from pretix, then apply them as an import."""
    return pull_into(ReplicaNotes(replica), event, client)


def pull_into(notes: Notes, event: EventConfig, client: Client) -> PullSummary:
    """The pull into a desk's replica or into the hub (``checkin pretix pull --hub``)."""
    started = time.monotonic()
    state = _state(notes, client)
    since = state.get("since", "")
    fetched = fetch(client, since)
    imported = notes.apply(event, export_of(fetched.rows)) if fetched.rows else None
    link = client.link
    state = {
        "url": link.url,
        "organizer": link.organizer,
        "event": link.event,
        "list": link.checkin_list,
        "since": fetched.generated or since,
        "pulled_at": now_utc(),  # for the pre-flight
    }
    new = notes.revoke(fetched.revoked)
    if fetched.keys is not None:
        notes.set_meta(KEYS_META, json.dumps(fetched.keys))
    notes.set_meta(META_KEY, json.dumps(state))
    summary = PullSummary(
        fetched.orders,
        len(fetched.rows),
        new,
        client.requests,
        time.monotonic() - started,
        bool(since),
        imported,
    )
    log.info(
        "pretix pull: %d orders, %d positions, %d revoked new, %d requests in %.2f s",
        summary.orders,
        summary.positions,
        new,
        summary.requests,
        summary.seconds,
    )
    return summary


def _state(notes: Notes, client: Client) -> dict[str, Any]:
    """The last pull's note, when it was of this same event and list (else a full pull)."""
    try:
        state: dict[str, Any] = json.loads(notes.meta(META_KEY) or "{}")
    except ValueError:
        return {}
    link = client.link
    same = (state.get("url"), state.get("organizer"), state.get("event"), state.get("list")) == (
        link.url,
        link.organizer,
        link.event,
        link.checkin_list,
    )
    return state if same else {}


def fetch(client: Client, since: str) -> Fetched:
    """Every changed order's positions the check-in list covers, the revoked secrets and
    the event's public keys."""
    path = client.link.event_path
    clist = client.get(f"{path}/checkinlists/{client.link.checkin_list}/").body
    products = None if clist.get("all_products") else set(clist.get("limit_products") or [])
    items = _items(client)
    fetched = Fetched()
    params = {"include_canceled_positions": "true", "include_canceled_fees": "false"}
    if since:
        params["modified_since"] = since
    for page in client.pages(f"{path}/orders/", params):
        fetched.generated = fetched.generated or page.headers.get("X-Page-Generated", "")
        for order in page.body["results"]:
            rows = _order_rows(order, items, products)
            fetched.orders += bool(rows)
            fetched.rows.extend(rows)
    for page in client.pages(f"{path}/revokedsecrets/"):
        fetched.revoked.extend(r["secret"] for r in page.body["results"])
    fetched.keys = _keys(client.get(f"{path}/").body)
    return fetched


def _keys(event: dict[str, Any]) -> list[str] | None:
    """The event object's ``valid_keys.pretix_sig1`` (base64 of the PEM text), the unreadable left out."""
    given = (event.get("valid_keys") or {}).get("pretix_sig1")
    if not isinstance(given, list):
        return None
    keys = []
    for key in given:
        try:
            pretix_sig1.check_key(str(key))
        except ValueError as exc:
            log.warning("pretix pull: %s", exc)
            continue
        keys.append(str(key))
    return keys


def _items(client: Client) -> dict[str, str]:
    """``item:ID`` and ``variation:ID`` → the name pretix writes in its exports."""
    names: dict[str, str] = {}
    for page in client.pages(f"{client.link.event_path}/items/"):
        for item in page.body["results"]:
            names[f"item:{item['id']}"] = _text(item.get("name"))
            for variation in item.get("variations") or []:
                names[f"variation:{variation['id']}"] = _text(variation.get("value"))
    return names


def _text(value: Any) -> str:
    """An i18n string of pretix's API ({"fr": "…", "en": "…"}): its first language."""
    if isinstance(value, dict):
        return str(next(iter(value.values()), ""))
    return str(value or "")


def _order_rows(order: dict[str, Any], items: dict[str, str], products: set[int] | None) -> list[list[str]]:
    positions = order.get("positions") or []
    number = _numbers(positions)
    kept = {p["id"] for p in positions if products is None or p["item"] in products}
    kept |= {p["id"] for p in positions if p.get("addon_to") in kept}
    return [_row(order, p, items, number) for p in positions if p["id"] in kept]


def _numbers(positions: list[dict[str, Any]]) -> dict[int, int]:
    """Each position's number in its order (``positionid``, as the export writes it); when
    two share one (positions made outside pretix's order services), pretix's id instead."""
    seen = [p["positionid"] for p in positions]
    return {p["id"]: p["positionid"] if seen.count(p["positionid"]) == 1 else p["id"] for p in positions}


def _row(
    order: dict[str, Any], p: dict[str, Any], items: dict[str, str], number: dict[int, int]
) -> list[str]:
    parts = p.get("attendee_name_parts") or {}
    status = "canceled" if p.get("canceled") else STATUS.get(order.get("status", ""), "")
    parent = p.get("addon_to")
    return [
        order["code"],
        str(number[p["id"]]),
        status,
        order.get("email") or "",
        order.get("datetime") or "",
        items.get(f"item:{p['item']}", ""),
        items.get(f"variation:{p['variation']}", "") if p.get("variation") else "",
        p.get("attendee_name") or "",
        parts.get("given_name", ""),
        parts.get("family_name", ""),
        p.get("attendee_email") or "",
        p.get("company") or "",
        p.get("secret") or "",
        str(number.get(parent, "")) if parent else "",
    ]


def export_of(rows: list[list[str]]) -> OpenedExport:
    """pretix's positions as an export opened once, its mapping chosen (pretix's layout)."""
    table = Table(HEADERS, iter(enumerate(rows, start=2)), kind="api")
    export = OpenedExport(Path("pretix API"), table, "registrations", (0, 0))
    export.mapping = build(HEADERS)
    return export
