"""pretix's signed tickets in the replica: the revoked list, and tickets known by signature only.

A ``pretix_sig1`` secret sold after the last pull is admitted offline on its signature
alone (``checkin.arrivals.signed``). The admission needs a registration to stand on, so
one is written here — ``source = 'pretix_sig1'``, no name, category and days from the
product — with the secret as its code: a second scan finds it ("already in"), the reports
count it, and a later pull of the real position takes it over (``adopt``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from sqlalchemy.engine import Connection

from checkin.base.text import search_columns
from checkin.event.model import EventConfig
from checkin.event.pretix_sig1 import SignedTicket
from checkin.replica import attendees
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica

SOURCE = "pretix_sig1"
KEYS_META = "pretix_keys"  # JSON list: the event's pretix_sig1 public keys, as the last pull read them
LINK_META = "pretix_link"  # the desk's link to a pretix event (checkin.pretix.link)
# On the hub (``hub_meta``), when one machine pulls pretix into it: every revoked secret and
# the event's public keys, as JSON lists; desks copy both at their exchange.
REVOKED_META = "pretix_revoked"


def json_list(text: str) -> list[str]:
    """A note holding a JSON list of texts ([] when missing or damaged)."""
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [str(s) for s in value] if isinstance(value, list) else []


def pretix_linked(replica: Replica) -> bool:
    """Whether ``checkin pretix link`` linked this replica to a pretix event."""
    return bool(replica.meta(LINK_META))


def pulled_keys(conn: Connection) -> tuple[str, ...]:
    """The event's public keys the last ``checkin pretix pull`` stored (none before one)."""
    row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (KEYS_META,)).first()
    return tuple(json_list(str(row[0]) if row else ""))


def public_keys(conn: Connection, event: EventConfig) -> tuple[str, ...]:
    """The keys a signed secret is checked with: the event file's, then the pulled ones."""
    given = event.pretix_keys
    return given + tuple(k for k in pulled_keys(conn) if k not in given)


def is_revoked(conn: Connection, secret: str) -> bool:
    return (
        conn.exec_driver_sql("SELECT 1 FROM pretix_revoked WHERE secret = ?", (secret,)).first() is not None
    )


def add_revoked(conn: Connection, secrets: Iterable[str]) -> int:
    """Add secrets to the revoked list (pretix only ever adds to it); returns how many were new."""
    rows = [(s,) for s in secrets]
    if not rows:
        return 0
    before = int(conn.exec_driver_sql("SELECT count(*) FROM pretix_revoked").scalar_one())
    conn.exec_driver_sql("INSERT INTO pretix_revoked(secret) VALUES (?) ON CONFLICT(secret) DO NOTHING", rows)
    return int(conn.exec_driver_sql("SELECT count(*) FROM pretix_revoked").scalar_one()) - before


def ticket_text(event: EventConfig, ticket: SignedTicket) -> str:
    """The ticket type as pretix names it ("Product – Variation"), from the event's names."""
    product = event.pretix_names.get(f"item:{ticket.item}", "")
    variation = event.pretix_names.get(f"variation:{ticket.variation}", "") if ticket.variation else ""
    return " – ".join(p for p in (product, variation) if p)


def registration_of(ticket: SignedTicket) -> str:
    """The registration number a signature-only ticket goes by (pretix's seed is unique per secret)."""
    return f"PRETIX-SIG1-{ticket.seed}"


def materialise(
    replica: Replica, event: EventConfig, ticket: SignedTicket, category: str, days: tuple[str, ...]
) -> AttendeeView:
    """The registration a signature-only ticket stands on (written once; a rescan finds it)."""
    registration = registration_of(ticket)
    uid = _uid(event.id, registration)
    values: dict[str, str] = {
        "uid": uid,
        "source": SOURCE,
        "registration": registration,
        "code": ticket.secret,
        "status": "confirmed",
        "category": category,
        "days": ",".join(days),
        "live_uid": uid,
        **search_columns(("", "", ""), ("", ""), ""),
    }
    columns = attendees.STORED
    with replica.write() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO attendee ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            "ON CONFLICT(uid) DO NOTHING",
            tuple(values.get(c, "") for c in columns),
        )
        conn.exec_driver_sql(
            "INSERT INTO ticket_code(code, uid) VALUES (?, ?) ON CONFLICT(code) DO NOTHING",
            (ticket.secret, uid),
        )
        view = attendees.by_code(conn, ticket.secret)
    assert view is not None
    return view


def _uid(event_id: str, registration: str) -> str:
    """The importer's uid recipe (``checkin.importer.records.attendee_uid``, a layer above)."""
    h = hashlib.blake2b(f"{event_id}:{registration}".encode(), digest_size=16).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
