"""Regenerate ``checkin/resources/platforms/pretix.json`` from a pretix wheel.

pretix writes its export headers and status words through Django's gettext, so what a
French or German organiser downloads is the English text translated by pretix's own
catalogs. This script reads those catalogs (the compiled ``django.mo`` of every language
shipped in the wheel) and stores, for every language, the translation of each header and
value our reader needs, in the order pretix's exporters write them
(``pretix/plugins/checkinlists/exporters.py``: ``CSVCheckinList.iterate_list``;
``pretix/base/exporters/orderlist.py``: ``OrderListExporter.iterate_positions``).

Usage (a developer's step, not run by the tests)::

    pip download --no-deps pretix==2026.8.0 -d /tmp/pretix
    python scripts/pretix_catalog.py /tmp/pretix/pretix-2026.8.0-py3-none-any.whl
"""

from __future__ import annotations

import gettext
import io
import json
import re
import sys
import zipfile
from pathlib import Path

# "context|msgid" for pgettext.
CHECKIN_LIST = [
    "Order code", "Attendee name", "Product", "Price", "Checked in", "Checked out",
    "Automatically checked in", "Paid", "Secret", "Email", "E-mail", "Phone number",
    "subevent|Date", "Start date", "End date", "Company", "Voucher code", "Order date",
    "Order time", "Requires special attention", "Comment", "Check-in text", "Seat ID",
    "Seat name", "Seat zone", "Seat row", "Seat number", "Blocked", "Valid from",
    "Valid until", "Address", "ZIP code", "City", "Country", "address|State",
]  # fmt: skip
POSITIONS = [
    "Event slug", "Event name", "Order code", "Position ID", "Status", "Email",
    "Phone number", "Order date", "Order time", "subevent|Date", "Start date", "End date",
    "Product", "Product ID", "Variation", "Variation ID", "Price", "Tax rate", "Tax rule",
    "Tax value", "Attendee name", "Attendee email", "Attendee company", "Company",
    "Address", "ZIP code", "City", "Country", "address|State", "Voucher",
    "Voucher budget usage", "Voucher tag", "Pseudonymization ID", "Ticket secret",
    "Seat ID", "Seat name", "Seat zone", "Seat row", "Seat number", "Blocked",
    "Valid from", "Valid until", "Order comment", "Follow-up date",
    "Add-on to position ID", "Invoice address company", "Invoice address name",
    "Invoice address street", "Invoice address ZIP code", "Invoice address city",
    "Invoice address country", "address|Invoice address state", "VAT ID",
    "Sales channel", "Order locale", "Email address verified", "E-mail address verified",
    "External customer ID", "Check-in lists", "Payment providers", "Position order link",
]  # fmt: skip
NAME_PARTS = [
    "Given name", "Family name", "First name", "Middle name", "person_name|Title",
    "person_name|Salutation", "Calling name", "Full name", "Name", "Latin transcription",
    "person_name|Degree (after name)",
]  # fmt: skip
VALUES = [
    "Yes", "No", "pending", "paid", "expired", "canceled", "approval pending",
    "order state|pending (confirmed)", "canceled (paid fee)",
]  # fmt: skip
SHEETS = ["Order positions", "Orders", "Order fees", "Check-in list", "Order data"]
FORMATS = ["Attendee name: {part}"]


def translate(catalog: gettext.NullTranslations, msgid: str) -> str:
    if "|" in msgid:
        context, text = msgid.split("|", 1)
        return catalog.pgettext(context, text)
    return catalog.gettext(msgid)


def main(wheel: Path, out: Path) -> None:
    languages: dict[str, dict[str, str]] = {}
    every = [*CHECKIN_LIST, *POSITIONS, *NAME_PARTS, *VALUES, *SHEETS, *FORMATS]
    with zipfile.ZipFile(wheel) as zf:
        version = re.search(r"pretix-([^-]+)-", wheel.name)
        names = sorted(n for n in zf.namelist() if n.endswith("/LC_MESSAGES/django.mo"))
        languages["en"] = {m: translate(gettext.NullTranslations(), m) for m in every}
        for name in names:
            lang = name.split("/")[-3]
            catalog = gettext.GNUTranslations(io.BytesIO(zf.read(name)))
            table = {m: translate(catalog, m) for m in every}
            languages[lang] = {m: t for m, t in table.items() if t != languages["en"][m]}
    data = {
        "source": f"pretix {version.group(1) if version else '?'} (django.mo of each language)",
        "checkin_list": CHECKIN_LIST,
        "positions": POSITIONS,
        "name_parts": NAME_PARTS,
        "values": VALUES,
        "sheets": SHEETS,
        "languages": languages,
    }
    out.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "checkin" / "resources" / "platforms" / "pretix.json"
    main(Path(sys.argv[1]), target)
