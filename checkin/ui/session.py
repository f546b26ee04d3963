"""What the window does to the replica, in one place, without widgets.

The window calls these; they call the core (``checkin.arrivals.scan``, ``checkin.arrivals.search``,
``checkin.replica.facts``) with the desk's name, day and current role, so every action is
recorded with who did it. Reads for the attendee card (history, workshops, B2B meetings of
the day) are small indexed queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checkin.arrivals import scan, search
from checkin.event.model import EventConfig
from checkin.replica import attendees, facts, presence, programme
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica
from checkin.replica.facts import FactView


@dataclass(frozen=True)
class CardData:
    attendee: AttendeeView
    history: list[FactView]
    sessions: list[tuple[str, str, str, str]]  # (start, end, title, room) of the day
    meetings: list[tuple[str, str, str]]  # (slot, table, other person) of the day
    standing: list[FactView] = field(default_factory=list)  # today's check-ins in force


@dataclass
class DeskSession:
    replica: Replica
    event: EventConfig
    day: str
    desk: str
    role: str = "volunteer"
    layouts: tuple[str, str] | None = None  # (scanner, desk) keyboard layouts, from the scanner check

    def scan(self, text: str) -> scan.Decision:
        return scan.decide(
            self.replica, self.event, text, day=self.day, desk=self.desk, role=self.role, layouts=self.layouts
        )

    def find(self, text: str, limit: int = 30) -> list[AttendeeView]:
        return search.find(self.replica, text, limit)

    def card(self, uid: str) -> CardData | None:
        with self.replica.read() as conn:
            person = attendees.by_uid(conn, uid)
            if person is None:
                return None
            history = facts.history(conn, uid)
            standing = facts.checkins(conn, person.live_uid or person.uid, self.day)
            sessions = programme.sessions_of_day(conn, self.day, person.workshops)
            meetings = programme.meetings_of_day(conn, person.code, self.day)
        return CardData(person, history, sessions, meetings, standing)

    def checkin(self, person: AttendeeView, *, override: str = "") -> Any:
        """Admit from the card: through the scan decision (same rules as a scan), or with
        the lead's override for someone not registered today."""
        if override:
            return facts.record_checkin(
                self.replica,
                person,
                day=self.day,
                desk=self.desk,
                role=self.role,
                code=person.code,
                override=override,
            )
        return self.scan(person.code)

    def undo(self, checkin_id: str, reason: str = "") -> FactView:
        return facts.record_undo(self.replica, checkin_id, desk=self.desk, role=self.role, reason=reason)

    def edit(self, uid: str, field_name: str, value: str, reason: str = "") -> FactView:
        return facts.record_edit(
            self.replica, uid, field_name, value, desk=self.desk, role=self.role, reason=reason
        )

    def walkin(self, values: dict[str, str]) -> AttendeeView:
        return facts.create_walkin(
            self.replica, self.event, values, day=self.day, desk=self.desk, role=self.role
        )

    def accessibility_note(self, person: AttendeeView | None) -> str:
        """The note the answer shows, only where the event lists ``accessibility`` among
        its ``desk_fields`` (CNIL: sensitive, off the desks unless the organiser says)."""
        if person is None or "accessibility" not in self.event.desk_fields:
            return ""
        with self.replica.read() as conn:
            return attendees.accessibility_note(conn, person.uid)

    def counts(self) -> tuple[int, int]:
        """(here today, expected today), by the one rule (:mod:`checkin.replica.presence`)."""
        with self.replica.read() as conn:
            return presence.counts(conn, self.day)
