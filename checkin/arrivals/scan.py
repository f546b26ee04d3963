"""The scan decision: one function of (scan, day, desk, replica).

It reads the code (repairing a keyboard-layout mix-up), finds the registration, and
answers: admitted, already in (when, where), not registered for today, cancelled,
wait-listed, payment pending (the lead decides), superseded (another registration of the same person counts), unknown or
unreadable. An admission is written durably before the answer returns.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from checkin.arrivals import signed as signed_scan
from checkin.base import codes, i18n
from checkin.base.i18n import _
from checkin.event.model import EventConfig
from checkin.event.pretix_sig1 import SignedTicket
from checkin.replica import attendees, facts
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica
from checkin.replica.facts import FactView

OUTCOMES = (
    "admitted",
    "already_in",
    "not_today",
    "cancelled",
    "waitlisted",
    "payment_pending",
    "superseded",
    "unknown",
    "unreadable",
    "revoked",  # a pretix secret pretix revoked (cancelled or replaced ticket)
    "bad_signature",  # shaped like a pretix signed secret, but its signature fails
    "outside_validity",  # a pretix signed secret outside its validity window
)


@dataclass(frozen=True)
class Decision:
    outcome: str
    code: str | None
    repaired: str | None
    attendee: AttendeeView | None = None
    checkin: FactView | None = None  # the admission this scan recorded
    first_checkin: FactView | None = None  # for already_in: the arrival
    live: Decision | None = None  # for superseded: the decision on the live registration
    signed: SignedTicket | None = None  # admitted on a pretix signature alone (not in the replica)

    @property
    def shown(self) -> Decision:
        """What the desk answers: a superseded code's live registration, else this decision."""
        return self.live if self.outcome == "superseded" and self.live is not None else self

    @property
    def ok(self) -> bool:
        """The person may go in (now, or already was)."""
        return self.shown.outcome in {"admitted", "already_in"}

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "code": self.code,
            "repaired": self.repaired,
            "attendee": self.attendee.to_json() if self.attendee else None,
            "checkin": self.checkin.to_json() if self.checkin else None,
            "first_checkin": self.first_checkin.to_json() if self.first_checkin else None,
            "live": self.live.to_json() if self.live else None,
            "signature_only": self.signed is not None,
        }


def decide(
    replica: Replica,
    event: EventConfig,
    text: str,
    *,
    day: str,
    desk: str,
    role: str = "volunteer",
    layouts: tuple[str, str] | None = None,
) -> Decision:
    """``layouts``: the (scanner, desk) keyboard layouts the scanner check found for this
    desk; that mix-up is tried first when a scan needs repairing. A pretix signed secret
    is read as scanned, never folded or repaired (``checkin.arrivals.signed``)."""
    sig = signed_scan.check(replica, event, text)
    if sig is not None and sig.outcome != "known":
        return _signed(replica, event, sig, day=day, desk=desk, role=role)
    with replica.read() as conn:

        def is_known(code: str) -> bool:
            row = conn.exec_driver_sql("SELECT 1 FROM ticket_code WHERE code = ?", (code,)).first()
            return row is not None

        if sig is not None:
            parsed = codes.ParsedScan(text, sig.secret)
        else:
            parsed = codes.parse(text, event.code_regex, is_known, codes.preferred_pairs(layouts))
        if parsed.code is None:
            return Decision("unreadable", None, None)
        attendee = attendees.by_code(conn, parsed.code)
        if attendee is None:
            return Decision("unknown", parsed.code, parsed.repaired)
        live = attendee
        if not attendee.is_live:
            live = attendees.by_uid(conn, attendee.live_uid) or attendee
    if live.uid != attendee.uid and live.status != "cancelled":
        nested = _admit(replica, live, parsed.code, parsed.repaired, day=day, desk=desk, role=role)
        return Decision(
            "superseded", parsed.code, parsed.repaired, live, nested.checkin, nested.first_checkin, nested
        )
    if attendee.status == "cancelled":
        return Decision("cancelled", parsed.code, parsed.repaired, attendee)
    if attendee.status == "waitlisted":
        return Decision("waitlisted", parsed.code, parsed.repaired, attendee)
    return _admit(replica, attendee, parsed.code, parsed.repaired, day=day, desk=desk, role=role)


def _signed(
    replica: Replica, event: EventConfig, sig: signed_scan.SignedScan, *, day: str, desk: str, role: str
) -> Decision:
    """A secret the replica does not hold: refused in words, or admitted on its signature."""
    if sig.outcome != "valid" or sig.ticket is None:
        return Decision(sig.outcome, sig.secret, None)
    attendee = signed_scan.registration(replica, event, sig.ticket)
    decision = _admit(replica, attendee, sig.secret, None, day=day, desk=desk, role=role)
    return dataclasses.replace(decision, signed=sig.ticket)


def _admit(
    replica: Replica,
    attendee: AttendeeView,
    code: str,
    repaired: str | None,
    *,
    day: str,
    desk: str,
    role: str,
) -> Decision:
    if attendee.status == "waitlisted":
        return Decision("waitlisted", code, repaired, attendee)
    if attendee.days and day not in attendee.days and attendee.status != "pending":
        return Decision("not_today", code, repaired, attendee)
    # Check and record in one write transaction: two scans of one badge at one desk
    # cannot both admit.
    with replica.write() as conn:
        standing = facts.checkins(conn, attendee.live_uid or attendee.uid, day)
        if standing:
            return Decision("already_in", code, repaired, attendee, first_checkin=standing[0])
        if attendee.status == "pending":
            # Not admitted silently: the lead sees the unpaid ticket and may admit anyway.
            return Decision("payment_pending", code, repaired, attendee)
        fact = facts.add(
            conn,
            replica,
            "checkin",
            attendee_uid=attendee.uid,
            code=code,
            day=day,
            desk=desk,
            role=role,
            data={"repaired": repaired} if repaired else None,
        )
    return Decision("admitted", code, repaired, attendee, checkin=fact)


def instruction(decision: Decision, event: EventConfig) -> str:
    """The volunteer's next step, as the desk screen and the CLI say it."""
    d = decision
    if d.shown is not d:
        return _("Ancien billet, inscription à jour retrouvée — ") + instruction(d.shown, event)
    if d.outcome == "admitted" and d.signed is not None:
        return _("Remettre le badge — billet vérifié par sa signature pretix, pas encore dans la liste")
    if d.outcome == "admitted":
        return _("Remettre le badge")
    if d.outcome == "already_in" and d.first_checkin is not None:
        return _(
            "Déjà enregistré·e à {time} — {desk}",
            time=event.clock(d.first_checkin.at),
            desk=d.first_checkin.desk or "?",
        )
    if d.outcome == "not_today" and d.attendee is not None:
        days = _(" et ").join(event.day_label(x, i18n.language()) for x in d.attendee.days)
        return _("Inscrit·e pour le {days} seulement — voir le responsable", days=days)
    if d.outcome == "cancelled":
        return _("Inscription annulée — orienter vers l'accueil VIP/responsable")
    if d.outcome == "waitlisted":
        return _("Inscription en liste d'attente — voir le responsable")
    if d.outcome == "payment_pending":
        return _("Paiement en attente — voir le responsable")
    if d.outcome == "revoked":
        return _("Billet révoqué par la billetterie (annulé ou remplacé) — voir le responsable")
    if d.outcome == "bad_signature":
        return _(
            "Signature du billet invalide (billet modifié ou d'un autre événement) — voir le responsable"
        )
    if d.outcome == "outside_validity":
        return _("Billet hors de sa période de validité — voir le responsable")
    if d.outcome == "unknown":
        return _("Code inconnu — rechercher par nom")
    return _("Code illisible — scanner à nouveau ou rechercher par nom")
