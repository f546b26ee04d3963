"""Arrivals ticked on the paper fallback list, entered into the desk afterwards.

When the desks ran on paper (see ``checkin report fallback``), the lead types the ticked
names back in once a laptop works again. Each one becomes an ordinary check-in fact — the
status bar, the staff view, the reports, sync and the scan decision ("already in at …")
all count it like any other — with:

* ``at``: the time written on the paper (venue time), not the time of typing;
* ``desk``: the desk written on the paper;
* ``reason = "paper"`` and ``data = {"paper": true, "entered_at", "entered_by"}``: entered
  after the fact, when and by which desk. Reports list these arrivals as such.

Facts are exchanged by UUID like every other, so two leads typing the same sheet on two
desks make a double admission that the conflict report shows, never a silent merge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.event.model import EventConfig
from checkin.replica import attendees, facts, presence
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica
from checkin.replica.facts import FactView


@dataclass(frozen=True)
class PaperEntry:
    outcome: str  # "recorded" | "already_in"
    attendee: AttendeeView
    fact: FactView  # the new fact, or the standing check-in found

    def sentence(self, event: EventConfig) -> str:
        when = event.clock(self.fact.at)
        if self.outcome == "recorded":
            return _(
                "{name} : arrivée sur papier enregistrée ({time}, {desk}).",
                name=self.attendee.full_name,
                time=when,
                desk=self.fact.desk,
            )
        return _(
            "{name} : déjà enregistré·e à {time} — {desk} ; rien d'ajouté.",
            name=self.attendee.full_name,
            time=when,
            desk=self.fact.desk,
        )


def parse_time(value: str) -> time:
    """« 8h42 », « 08:42 », « 8.42 » → 08:42."""
    cleaned = value.strip().lower().replace("h", ":").replace(".", ":")
    if cleaned.endswith(":"):
        cleaned += "00"
    try:
        hour, minute = (int(x) for x in cleaned.split(":"))
        return time(hour, minute)
    except ValueError as exc:
        raise KnownError(
            _("Heure invalide « {value} » : attendu HH:MM, par exemple 08:42.", value=value)
        ) from exc


def record(
    replica: Replica,
    event: EventConfig,
    attendee_uid: str,
    *,
    day: str,
    at: str,
    paper_desk: str,
    entered_by: str,
    role: str = "lead",
) -> PaperEntry:
    """Record one ticked name: ``at`` is the time written on the sheet (HH:MM, venue time)."""
    if event.day(day) is None:
        raise KnownError(_("Ce jour ne fait pas partie de l'événement : {day}", day=day))
    desk = paper_desk.strip()
    if not desk:
        raise KnownError(_("Indiquez le poste écrit sur la feuille (par exemple « Accueil 2 »)."))
    moment = datetime.combine(date.fromisoformat(day), parse_time(at), ZoneInfo(event.timezone))
    if moment > datetime.now(ZoneInfo(event.timezone)):
        raise KnownError(_("Cette heure est dans le futur : vérifiez l'heure et le jour."))
    with replica.write() as conn:
        person = attendees.by_uid(conn, attendee_uid)
        if person is None:
            raise KnownError(_("Participant introuvable."))
        if person.status == "cancelled":
            raise KnownError(
                _(
                    "{name} : inscription annulée — voir le responsable avant de l'enregistrer.",
                    name=person.full_name,
                )
            )
        live = person.live_uid or person.uid
        standing = facts.checkins(conn, live, day)
        if standing:
            return PaperEntry("already_in", person, standing[0])
        fact = facts.add(
            conn,
            replica,
            "checkin",
            attendee_uid=person.uid,
            code=person.code,
            day=day,
            desk=desk,
            role=role,
            reason=presence.PAPER,
            at=moment.astimezone(ZoneInfo("UTC")).isoformat(timespec="milliseconds"),
            data={"paper": True, "entered_at": facts.now_utc(), "entered_by": entered_by},
        )
    return PaperEntry("recorded", person, fact)


def entered_today(replica: Replica, day: str) -> list[tuple[AttendeeView, FactView]]:
    """The paper arrivals of a day, as the screen lists them (latest typed first)."""
    with replica.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id FROM fact WHERE kind = 'checkin' AND reason = ? AND day = ? ORDER BY seq DESC",
            (presence.PAPER, day),
        ).all()
        found = []
        for (fact_id,) in rows:
            fact = facts.by_id(conn, str(fact_id))
            person = attendees.by_uid(conn, fact.attendee_uid) if fact else None
            if fact and person:
                found.append((person, fact))
    return found
