"""Add-on positions (the accommodation, the evening event, a lunch) as what their person is
entitled to, not as people.

pretix writes an add-on as a position of its own. Its order data says whose add-on it is
(*Add-on to position ID*); its check-in list does not, and writes the add-on with the
parent's attendee name, so it reads as the same registration a second time — which the
import used to reject as "en double" (a 2018 check-in list of 10 people gave 30 rejected
rows). Here such a row is attached to the person read first under that registration and
counted per product; the import writes the ``entitlement`` table from it once its rows are
applied.
"""

from __future__ import annotations

from collections import Counter

from checkin.importer.mapping import Mapping
from checkin.importer.records import attendee_uid
from checkin.importer.summary import ImportSummary
from checkin.replica.db import Replica


def is_addon_row(mapping: Mapping) -> bool:
    """Whether a registration read twice is an add-on of the first: in a pretix check-in
    list, which has no position number and repeats the parent's name on its add-ons."""
    return mapping.profile is not None and mapping.profile.key == "pretix-checkin"


def attach(summary: ImportSummary, registration: str, product: str) -> None:
    """Count ``product`` as an add-on of ``registration``."""
    product = product or "?"
    summary.entitled.setdefault(registration, Counter())[product] += 1
    summary.addons[product] = summary.addons.get(product, 0) + 1


def write(replica: Replica, event_id: str, summary: ImportSummary, seen: dict[str, int]) -> None:
    """Replace the entitlements of every registration this import read (its add-ons may
    have changed or gone) with the ones it found; other registrations keep theirs."""
    new = {attendee_uid(event_id, reg): products for reg, products in summary.entitled.items() if reg in seen}
    with replica.write() as conn:
        held = conn.exec_driver_sql(
            # CROSS JOIN: from the (small) entitlements, never a scan of every attendee
            "SELECT DISTINCT e.uid, a.registration FROM entitlement e CROSS JOIN attendee a ON a.uid = e.uid"
        ).all()
        gone = [(uid,) for uid, reg in held if reg in seen or uid in new]
        if not gone and not new:
            return
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.executemany("DELETE FROM entitlement WHERE uid = ?", gone)
        raw.executemany(
            "INSERT INTO entitlement (uid, product, count) VALUES (?, ?, ?)",
            [(uid, product, n) for uid, products in new.items() for product, n in sorted(products.items())],
        )


def of(replica: Replica, uid: str) -> dict[str, int]:
    """What the registration ``uid`` is entitled to: product → positions."""
    with replica.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT product, count FROM entitlement WHERE uid = ? ORDER BY product", (uid,)
        ).all()
    return {product: count for product, count in rows}
