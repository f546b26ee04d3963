"""The door decision: may this person enter this session, now?

A door desk serves one session (``--session``) or whatever the clock says is in its room
(``--room``). The event-level decision runs first (:func:`checkin.arrivals.scan.decide`: a
person who has not yet arrived at the event is admitted to it here too); then who the
session is open to, whether the person is already inside, and the room's capacity — this
door's share of it when other doors share the room through a hub (a seat lease, see
:mod:`checkin.replica.movements`). ``more_seats`` asks the hub for seats when the share
is used up; when the hub is away the door keeps its share and says ``full`` beyond it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from checkin.arrivals import scan
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.base.text import fold
from checkin.event.model import EventConfig
from checkin.replica import facts, movements, programme
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica
from checkin.replica.movements import Movement, Session

OUTCOMES = ("admitted", "already_in", "not_in_session", "full", "exit", "no_session", "forced")
# The refusals a lead may overrule at the door (the event-level ones go to the front desk).
FORCEABLE = ("full", "not_in_session")


@dataclass(frozen=True)
class DoorDecision:
    outcome: str
    session: Session | None
    inside: int = 0
    capacity: int | None = None
    event: scan.Decision | None = None  # the event-level decision taken first
    previous: Movement | None = None  # already_in: the entry (when, which door)
    share: int | None = None  # this door's seats when it shares the room

    @property
    def attendee(self) -> AttendeeView | None:
        return self.event.shown.attendee if self.event else None

    def to_json(self) -> dict[str, Any]:
        shown = self.event.shown if self.event else None
        return {
            "outcome": self.outcome,
            "session": self.session.to_json() if self.session else None,
            "occupancy": {"inside": self.inside, "capacity": self.capacity, "share": self.share},
            "code": self.event.code if self.event else None,
            "attendee": shown.attendee.to_json() if shown and shown.attendee else None,
            "event_outcome": shown.outcome if shown else None,
            "already_in": self.previous.__dict__ if self.previous else None,
        }


def decide(
    replica: Replica,
    event: EventConfig,
    text: str,
    target: Session | None,
    *,
    day: str,
    hhmm: str,
    desk: str,
    exit: bool = False,
    more_seats: Callable[[Session, int], None] | None = None,
) -> DoorDecision:
    if target is None or movements.ended(target, hhmm):
        return DoorDecision("no_session", target)
    room = event.rooms.room(target.room)
    capacity = room.capacity if room else None
    first = scan.decide(replica, event, text, day=day, desk=desk)
    person = first.shown.attendee
    if not first.ok or person is None:
        return DoorDecision(first.shown.outcome, target, _inside(replica, target, day), capacity, first)
    uid = person.live_uid or person.uid
    if exit:
        return _exit(replica, target, uid, day, desk, capacity, first)
    if not may_enter(event, target, person, _by_addon(replica, event, target, person)):
        return DoorDecision("not_in_session", target, _inside(replica, target, day), capacity, first)
    decision = _enter(replica, target, uid, person.code, day, desk, capacity, first)
    if decision.outcome == "full" and decision.share is not None and more_seats is not None:
        more_seats(target, capacity or 0)  # the hub may re-balance the doors' shares
        decision = _enter(replica, target, uid, person.code, day, desk, capacity, first)
    return decision


def serving(replica: Replica, room: str, day: str, hhmm: str) -> Session | None:
    """The session a door of ``room`` serves at ``hhmm`` (see :func:`movements.in_room`)."""
    with replica.read() as conn:
        return movements.in_room(conn, room, day, hhmm)


def force(replica: Replica, refused: DoorDecision, *, reason: str, day: str, desk: str) -> DoorDecision:
    """The lead's admission of a person refused as ``full`` or ``not_in_session``: an
    ``enter`` fact like any other (it counts in the room, travels to the hub), signed
    ``lead`` with the lead's reason and the refusal it overrules in ``data.forced`` — the
    conflicts report lists it."""
    person, target = refused.attendee, refused.session
    if refused.outcome not in FORCEABLE or person is None or target is None:
        raise KnownError(_("Seul un refus « salle pleine » ou « pas inscrit·e » peut être levé à la porte."))
    if not reason.strip():
        raise KnownError(_("Le motif du responsable est obligatoire : rien n'a été enregistré."))
    uid = person.live_uid or person.uid
    with replica.write() as conn:
        previous = movements.latest(conn, uid, day)
        data: dict[str, Any] = {"forced": refused.outcome}
        if previous and previous.kind == "enter":
            data["from"] = previous.session
        facts.add(
            conn, replica, "enter", attendee_uid=uid, code=person.code, day=day, desk=desk, role="lead",
            reason=reason.strip(), value=target.code, field=target.room, data=data,
        )  # fmt: skip
        inside = movements.inside(conn, target.code, day)
    return DoorDecision("forced", target, inside, refused.capacity, refused.event, share=refused.share)


def may_enter(event: EventConfig, target: Session, person: AttendeeView, by_addon: bool = False) -> bool:
    """Who the event file opens the session to (``[[session_access]]``). ``registered``: the
    session is in the person's workshops (``Ateliers``), or ``by_addon`` — an add-on product
    of their registration names it (:func:`checkin.replica.programme.names_session`)."""
    open_to = event.rooms.open_to(target.code, target.kind)
    if "all" in open_to:
        return True
    registered = by_addon or target.code.upper() in {w.upper() for w in person.workshops}
    if "registered" in open_to and registered:
        return True
    category = event.category(person.category)
    names = {fold(category.key), fold(category.name)}
    return any(fold(v) in names for v in open_to)


def _by_addon(replica: Replica, event: EventConfig, target: Session, person: AttendeeView) -> bool:
    """Read only when it can matter: a session open to those registered for it, the person's
    workshops not naming it."""
    if "registered" not in event.rooms.open_to(target.code, target.kind):
        return False
    if target.code.upper() in {w.upper() for w in person.workshops}:
        return False
    with replica.read() as conn:
        return programme.registered_by_addon(conn, person.uid, target.code, target.title)


def _inside(replica: Replica, target: Session, day: str) -> int:
    with replica.read() as conn:
        return movements.inside(conn, target.code, day)


def _enter(
    replica: Replica,
    target: Session,
    uid: str,
    code: str,
    day: str,
    desk: str,
    capacity: int | None,
    first: scan.Decision,
) -> DoorDecision:
    # One write transaction: the count read is the count the entry is added to.
    with replica.write() as conn:
        inside = movements.inside(conn, target.code, day)
        previous = movements.latest(conn, uid, day)
        if previous and previous.kind == "enter" and previous.session == target.code:
            return DoorDecision("already_in", target, inside, capacity, first, previous)
        share = None
        if capacity is not None and movements.has_hub(conn):
            share = movements.lease(conn, target.code, replica.desk_id) or 0
            if movements.usage(conn, target.code, day, replica.desk_id) >= share:
                return DoorDecision("full", target, inside, capacity, first, share=share)
        if capacity is not None and inside >= capacity:
            return DoorDecision("full", target, inside, capacity, first, share=share)
        data = {"from": previous.session} if previous and previous.kind == "enter" else None
        facts.add(
            conn, replica, "enter", attendee_uid=uid, code=code, day=day, desk=desk,
            value=target.code, field=target.room, data=data,
        )  # fmt: skip
    return DoorDecision("admitted", target, inside + 1, capacity, first, share=share)


def _exit(
    replica: Replica,
    target: Session,
    uid: str,
    day: str,
    desk: str,
    capacity: int | None,
    first: scan.Decision,
) -> DoorDecision:
    with replica.write() as conn:
        previous = movements.latest(conn, uid, day)
        if previous and previous.kind == "enter" and previous.session == target.code:
            facts.add(
                conn,
                replica,
                "exit",
                attendee_uid=uid,
                day=day,
                desk=desk,
                value=target.code,
                field=target.room,
            )
        inside = movements.inside(conn, target.code, day)
    return DoorDecision("exit", target, inside, capacity, first)


def instruction(d: DoorDecision, event: EventConfig) -> str:
    """The door volunteer's sentence."""
    count = f"{d.inside}/{d.capacity}" if d.capacity is not None else str(d.inside)
    if d.outcome == "admitted":
        return _("Entrée — {title} ({count})", title=d.session.title if d.session else "", count=count)
    if d.outcome == "already_in" and d.previous is not None:
        when = event.local(d.previous.at).strftime("%H:%M")
        return _("Déjà dans la salle depuis {time} — {desk}", time=when, desk=d.previous.desk or "?")
    if d.outcome == "not_in_session":
        return _("Pas inscrit·e à cette session — voir le responsable")
    if d.outcome == "full":
        return _("Salle pleine ({count}) — personne de plus sans le responsable", count=count)
    if d.outcome == "exit":
        return _("Sortie enregistrée ({count})", count=count)
    if d.outcome == "forced":
        return _("Entrée accordée par le responsable ({count})", count=count)
    if d.outcome == "no_session":
        return _("Aucune session dans cette salle maintenant")
    if d.outcome == "unknown":  # a door has no search: the front desk finds the person
        return _("Code inconnu — envoyer la personne à l'accueil")
    if d.outcome == "unreadable":
        return _("Code illisible — scanner à nouveau, sinon envoyer la personne à l'accueil")
    return scan.instruction(d.event, event) if d.event else ""
