"""What every report reads: people, who came when, and the conflicts — from a desk or the hub.

A person counts once: registrations of the same person (``live_uid``) are folded onto the one
that counts, and a check-in on any of them is that person's arrival. A check-in that an undo
points at does not count. Sorting follows a French reader (``checkin.base.text.sort_key``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from checkin.base.text import sort_key
from checkin.event.model import EventConfig
from checkin.replica import attendees, presence
from checkin.replica import conflicts as conflict_module
from checkin.replica.attendees import AttendeeView
from checkin.replica.conflicts import Replayed
from checkin.replica.movements import Session
from checkin.replica.programme import names_session

# A registration as the reports read it: the attendee's one declaration.
Person = AttendeeView


@dataclass
class Dataset:
    event: EventConfig
    people: list[Person]  # the registrations that count, sorted by surname
    arrivals: dict[tuple[str, str], str] = field(default_factory=dict)  # (uid, day) -> first UTC ISO
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    paper: set[tuple[str, str]] = field(default_factory=set)  # (uid, day) entered from the paper list
    sessions: list[Session] = field(default_factory=list)  # the programme, by day and start
    moves: Replayed = field(default_factory=Replayed)  # who entered each session, its peak
    addons: dict[str, list[str]] = field(default_factory=dict)  # uid -> add-on products (a desk's)

    def expected(self, day: str) -> list[Person]:
        """Confirmed registrations for the day, and walk-ins of that day (:mod:`checkin.replica.presence`)."""
        # (``people`` holds the registrations that count: the rest of the rule applies)
        return [p for p in self.people if presence.registered_for(p.status, p.days, day)]

    def present(self, day: str) -> list[Person]:
        return [p for p in self.people if (p.uid, day) in self.arrivals]

    def noshows(self, day: str) -> list[Person]:
        return [p for p in self.expected(day) if (p.uid, day) not in self.arrivals]

    def days_present(self, person: Person) -> list[str]:
        return [d.iso for d in self.event.days if (person.uid, d.iso) in self.arrivals]

    def sessions_of(self, day: str) -> list[Session]:
        return [s for s in self.sessions if s.day == day]

    def sessions_attended(self, person: Person, days: list[str]) -> list[Session]:
        """The sessions a person entered at a door, in programme order."""
        return [
            s for s in self.sessions if s.day in days and person.uid in self.moves.entered.get(s.code, ())
        ]

    def capacity(self, s: Session) -> int | None:
        room = self.event.rooms.room(s.room)
        return room.capacity if room else None

    def workshop_noshows(self, day: str) -> list[tuple[Session, list[Person], int]]:
        """Each session open to the people registered for it (``[[session_access]]``
        ``registered``: their ``Ateliers``, or an add-on product naming the session, as the
        door reads them): the confirmed registrations listing it whose holder never entered
        it, and how many list it. The hub holds no add-ons: its report reads ``Ateliers``."""
        out: list[tuple[Session, list[Person], int]] = []
        for s in self.sessions_of(day):
            if "registered" not in self.event.rooms.open_to(s.code, s.kind):
                continue
            came = self.moves.entered.get(s.code, set())
            code = s.code.upper()
            listed = [
                p
                for p in self.people
                if p.status == "confirmed"
                and (
                    code in {w.upper() for w in p.workshops}
                    or any(names_session(a, s.code, s.title) for a in self.addons.get(p.uid, ()))
                )
            ]
            out.append((s, [p for p in listed if p.uid not in came], len(listed)))
        return out


def load(conn: Connection, event: EventConfig, *, hub: bool) -> Dataset:
    tables = presence.HUB if hub else presence.DESK
    people = [
        person
        for person in map(attendees.from_row, conn.execute(text(attendees.select(tables.attendee))))
        if person.is_live
    ]
    people.sort(key=lambda p: p.key)
    arrivals = presence.arrivals(conn, tables)
    found = conflict_module.from_hub(conn) if hub else conflict_module.from_replica(conn)
    found += conflict_module.over_counts(conn, event, hub=hub)
    sessions = [
        Session(*(str(v) for v in r))
        for r in conn.execute(text(_SESSIONS.format(hub_="hub_" if hub else "")))
    ]
    return Dataset(
        event,
        people,
        arrivals,
        found,
        presence.paper_keys(conn, hub=hub),
        sessions,
        conflict_module.replay(conn, hub=hub),
        {} if hub else _addons(conn),
    )


def _addons(conn: Connection) -> dict[str, list[str]]:
    """The add-on products of each registration (a desk's ``entitlement`` rows)."""
    out: dict[str, list[str]] = defaultdict(list)
    for uid, product in conn.execute(text("SELECT uid, product FROM entitlement")):
        out[str(uid)].append(str(product))
    return dict(out)


_SESSIONS = 'SELECT code, title, kind, day, start, "end", room FROM {hub_}session ORDER BY day, start, code'


def breakdown(data: Dataset, day: str, dimension: str) -> list[tuple[str, int, int]]:
    """(value, expected, present) for one dimension, sorted as a French reader expects."""
    expected: dict[str, int] = defaultdict(int)
    present: dict[str, int] = defaultdict(int)
    for p in data.expected(day):
        expected[getattr(p, dimension) or "—"] += 1
    for p in data.present(day):
        present[getattr(p, dimension) or "—"] += 1
    keys = sorted(set(expected) | set(present), key=sort_key)
    return [(k, expected[k], present[k]) for k in keys]


def quarter_hours(data: Dataset, day: str) -> list[tuple[str, int]]:
    """Arrivals per quarter hour (local time of the event), from the first to the last."""
    counts: dict[int, int] = defaultdict(int)
    for (_uid, d), at in data.arrivals.items():
        if d == day:
            t = data.event.local(at)
            counts[(t.hour * 60 + t.minute) // 15] += 1
    if not counts:
        return []
    lo, hi = min(counts), max(counts)
    return [(f"{q * 15 // 60:02d}:{q * 15 % 60:02d}", counts.get(q, 0)) for q in range(lo, hi + 1)]
