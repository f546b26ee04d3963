"""A scanned pretix secret checked offline: revoked, known, or trusted on its signature.

Asked by the scan before the code is parsed, on the raw scanned text: a ``pretix_sig1``
secret is case-sensitive base64, and folding or repairing it would break its signature.
Only an event with public keys takes this path (``[pretix] public_keys`` in the event file,
or the ones ``checkin pretix pull`` read from pretix into the replica's ``meta``), and only
for text shaped like a signed secret, so other scans cost one regular-expression test.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from checkin.base import codes
from checkin.event import pretix_sig1
from checkin.event.model import EventConfig
from checkin.event.pretix_sig1 import SignedTicket
from checkin.replica import signed
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica


@dataclass(frozen=True)
class SignedScan:
    """``outcome``: ``known`` (the replica holds the secret: the usual path decides),
    ``valid`` (admit on the signature), ``revoked``, ``bad_signature`` or ``outside_validity``."""

    outcome: str
    secret: str
    ticket: SignedTicket | None = None


def check(replica: Replica, event: EventConfig, text: str) -> SignedScan | None:
    """``None`` when the text is no signed secret of this event (the usual path reads it)."""
    secret = codes.normalise(text).strip()
    if not pretix_sig1.looks_signed(secret):
        # A link carrying the secret (``…?secret=…``, URL-encoded or not).
        inside = [s for s in codes.link_secrets(secret) if pretix_sig1.looks_signed(s)]
        if not inside:
            return None
        secret = inside[0]
    with replica.read() as conn:
        keys = signed.public_keys(conn, event)
        if not keys:
            return None
        # Revoked first: a cancelled ticket's old secret stays in ticket_code (every code a
        # registration ever had) and must not be admitted through it.
        if signed.is_revoked(conn, secret):
            return SignedScan("revoked", secret)
        known = conn.exec_driver_sql("SELECT 1 FROM ticket_code WHERE code = ?", (secret,)).first()
    if known is not None:
        return SignedScan("known", secret)
    try:
        ticket = pretix_sig1.verify(secret, keys)
    except pretix_sig1.NotSigned:
        return None
    except pretix_sig1.BadSignature:
        return SignedScan("bad_signature", secret)
    if not ticket.valid_at(time.time()):
        return SignedScan("outside_validity", secret, ticket)
    return SignedScan("valid", secret, ticket)


def registration(replica: Replica, event: EventConfig, ticket: SignedTicket) -> AttendeeView:
    """The registration a valid signed ticket stands on: category and days from its product
    and variation through the event's ticket-type rules."""
    kind = event.ticket_type(signed.ticket_text(event, ticket))
    return signed.materialise(replica, event, ticket, kind.category.name, kind.days)
