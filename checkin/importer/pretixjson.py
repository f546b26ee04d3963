"""pretix's *JSON data* export (``pretixdata.json``: the event, its products, its orders)
read as the table of its *order data* export, so it goes through the same rules.

What the file holds (pretix 2026.8, ``src/pretix/base/exporters/json.py``): ``event.items``
(``id``, ``name``, ``variations`` with ``id`` and ``name``) and ``event.orders`` (``code``,
``status`` as a letter — n pending, p paid, e expired, c canceled — ``email``, ``datetime``,
``positions`` with ``positionid``, ``item``, ``variation``, ``attendee_name`` as one text,
``attendee_email``, ``company``, ``country``, ``secret`` and ``addon_to``, the parent's
*id*, not its number). It lists ``order.positions.all()``: a position cancelled in an order
that is still paid is not in it, so such a registration stays as a previous import left it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checkin.base.errors import ImportFileError
from checkin.base.i18n import _
from checkin.importer.sources import Table

# pretix's order status letters, as its API and its JSON export write them (the pull reads them too)
STATUS = {"n": "pending", "p": "paid", "e": "expired", "c": "canceled"}
HEADERS = [
    "Order code",
    "Position ID",
    "Status",
    "Email",
    "Order date",
    "Product",
    "Product ID",
    "Variation",
    "Variation ID",
    "Attendee name",
    "Attendee email",
    "Attendee company",
    "Country",
    "Ticket secret",
    "Add-on to position ID",
]


def looks_like(path: Path) -> bool:
    """Whether the file opens a JSON object (no CSV or XLSX export starts so); a file that
    cannot be read is left to the table reader, which says why."""
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def read(path: Path) -> Table:
    """The positions of pretix's JSON export as order-data rows; any other JSON is refused
    with a sentence."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        event = data["event"]
        orders = event["orders"]
        names = _names(event.get("items") or [])
        rows = [row for order in orders for row in _rows(order, names)]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImportFileError(
            _(
                "{name} n'est pas l'export JSON de pretix (« Données au format JSON ») : "
                "exportez la liste en CSV ou en XLSX.",
                name=path.name,
            )
        ) from exc
    return Table(list(HEADERS), iter(enumerate(rows, start=2)), "json")


def _names(items: list[dict[str, Any]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for item in items:
        names[f"item:{item['id']}"] = str(item.get("name") or "")
        for variation in item.get("variations") or []:
            names[f"variation:{variation['id']}"] = str(variation.get("name") or "")
    return names


def _rows(order: dict[str, Any], names: dict[str, str]) -> list[list[str]]:
    positions = order.get("positions") or []
    number = {p["id"]: str(p.get("positionid") or p["id"]) for p in positions}
    return [
        [
            str(order["code"]),
            number[p["id"]],
            STATUS.get(str(order.get("status")), str(order.get("status") or "")),
            str(order.get("email") or ""),
            str(order.get("datetime") or ""),
            names.get(f"item:{p['item']}", ""),
            str(p["item"]),
            names.get(f"variation:{p['variation']}", "") if p.get("variation") else "",
            str(p.get("variation") or ""),
            str(p.get("attendee_name") or ""),
            str(p.get("attendee_email") or ""),
            str(p.get("company") or ""),
            str(p.get("country") or ""),
            str(p.get("secret") or ""),
            number.get(p["addon_to"], str(p["addon_to"])) if p.get("addon_to") else "",
        ]
        for p in positions
    ]
