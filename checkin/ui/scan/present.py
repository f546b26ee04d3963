"""What the volunteer reads after a scan: words, a symbol, a colour, the next step.

Kept apart from the widgets so the wording of every outcome is tested without painting.
Colour is never the only signal: each outcome has its own big word and its own symbol
(volunteers may be colour-blind), and the instruction says what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkin.arrivals import scan
from checkin.arrivals.scan import Decision
from checkin.base.i18n import _, language
from checkin.event.model import EventConfig
from checkin.replica.attendees import AttendeeView


@dataclass(frozen=True)
class Style:
    symbol: str  # "ok", "cross", "warning", "stop", "question", "pause"
    background: str
    foreground: str


# High-contrast pairs (white on dark, ≥ 7:1), and a distinct symbol per outcome.
STYLES: dict[str, Style] = {
    "admitted": Style("ok", "#14632B", "#FFFFFF"),
    "already_in": Style("warning", "#8A4B00", "#FFFFFF"),
    "not_today": Style("stop", "#7A1F5C", "#FFFFFF"),
    "cancelled": Style("cross", "#A01818", "#FFFFFF"),
    "waitlisted": Style("pause", "#4A2A85", "#FFFFFF"),
    "payment_pending": Style("pause", "#7A4A00", "#FFFFFF"),
    "superseded": Style("warning", "#8A4B00", "#FFFFFF"),
    "unknown": Style("question", "#263238", "#FFFFFF"),
    "unreadable": Style("question", "#263238", "#FFFFFF"),
    "ready": Style("scan", "#F4F6F7", "#111111"),
}


@dataclass(frozen=True)
class Answer:
    outcome: str
    headline: str  # the big word(s)
    instruction: str  # what the volunteer does next
    name: str
    native_name: str
    organisation: str
    category: str
    category_colour: str
    category_text_colour: str
    code: str
    repaired: bool
    style: Style
    handover: tuple[str, ...] = ()  # what to hand over on an admission (the event's [[handover]])
    note: str = ""  # the accessibility note, where the event lets desks see it


def headline(outcome: str) -> str:
    return {
        "admitted": _("BIENVENUE"),
        "already_in": _("DÉJÀ ENREGISTRÉ·E"),
        "not_today": _("PAS AUJOURD'HUI"),
        "cancelled": _("INSCRIPTION ANNULÉE"),
        "waitlisted": _("LISTE D'ATTENTE"),
        "payment_pending": _("PAIEMENT EN ATTENTE"),
        "superseded": _("ANCIEN BILLET"),
        "unknown": _("CODE INCONNU"),
        "unreadable": _("CODE ILLISIBLE"),
        "revoked": _("BILLET RÉVOQUÉ"),
        "bad_signature": _("BILLET NON VALIDE"),
        "outside_validity": _("HORS VALIDITÉ"),
    }.get(outcome, outcome.upper())


def present(decision: Decision, event: EventConfig, note: str = "") -> Answer:
    """The answer for a decision; a superseded code shows its live registration. The words
    are the core's (:func:`checkin.arrivals.scan.instruction`); this only styles them. What
    to hand over comes with an admission only (one hands it once); ``note`` (accessibility,
    read only when the event's ``desk_fields`` allow it) shows while the person is there."""
    shown = decision.shown
    attendee: AttendeeView | None = shown.attendee or decision.attendee
    outcome = shown.outcome
    category = event.category_by_name(attendee.category) if attendee else None
    return Answer(
        outcome=outcome,
        headline=headline(outcome),
        instruction=scan.instruction(decision, event),
        name=attendee.full_name if attendee else "",
        native_name=attendee.native_name if attendee and attendee.first_name else "",
        organisation=attendee.organisation if attendee else "",
        category=category.label(language()) if category else (attendee.category if attendee else ""),
        category_colour=category.colour if category else "#5D6D7E",
        category_text_colour=category.text_colour if category else "#FFFFFF",
        code=decision.code or "",
        repaired=bool(decision.repaired),
        style=STYLES.get(outcome, STYLES["unknown"]),
        handover=event.handover_for(attendee.category, attendee.workshops, language())
        if attendee and outcome == "admitted"
        else (),
        note=note if attendee and outcome in ("admitted", "already_in") else "",
    )
