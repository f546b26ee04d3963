"""Who is expected and who is here: the one rule, for the desk and for the hub.

Every figure of arrivals — the status bar, the staff view, the reports, the counts a purge
keeps, the scan's "already in", the double admissions sync lists — is computed here, so two
of them can never disagree on the same data.

* **A person counts once.** Registrations of one person (same ``person_key``) carry the
  uid of the one that counts (``live_uid``); a check-in on any of them is the person's.
  A registration "counts" when ``live_uid`` is empty or its own uid.
* **Expected on a day**: registrations that count, confirmed (not cancelled, wait-listed
  or awaiting payment), registered for that day — no days listed means every day. Walk-ins
  are registered for the day they came.
* **Here on a day**: people with a *standing* check-in that day; a check-in stands until
  an undo points at it. The arrival is the earliest standing check-in. Someone admitted on
  a day they were not registered for (the lead's override) is here, not expected.

The same SQL runs on a desk's replica (``attendee``, ``fact``) and on the hub
(``hub_attendee``, ``hub_fact``), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection


@dataclass(frozen=True)
class Tables:
    attendee: str
    fact: str


DESK = Tables("attendee", "fact")
HUB = Tables("hub_attendee", "hub_fact")

# The person a registration belongs to (alias ``a``), and whether it is the one that counts.
PERSON = "coalesce(nullif(a.live_uid, ''), a.uid)"
COUNTS = "(a.live_uid = '' OR a.live_uid = a.uid)"
EXPECTED_STATUS = "confirmed"
PAPER = "paper"  # the reason of an arrival ticked on the paper list and typed in afterwards


def standing(t: Tables = DESK, alias: str = "f") -> str:
    """SQL condition: ``alias`` is a check-in no undo points at."""
    return (
        f"{alias}.kind = 'checkin' AND NOT EXISTS "
        # (kind || '' keeps SQLite on the index of ref, not on the one of kind)
        f"(SELECT 1 FROM {t.fact} u WHERE u.ref = {alias}.id AND u.kind || '' = 'undo')"
    )


def expected_condition(day_param: str = ":day") -> str:
    """SQL condition on ``a``: this registration is expected on the day bound to ``day_param``."""
    return (
        f"a.status = '{EXPECTED_STATUS}' AND {COUNTS} AND "
        f"(a.days = '' OR ',' || a.days || ',' LIKE '%,' || {day_param} || ',%')"
    )


def registered_for(status: str, days: Iterable[str], day: str) -> bool:
    """The rule for a registration already known to count (a reports' person)."""
    listed = tuple(days)
    return status == EXPECTED_STATUS and (not listed or day in listed)


def arrivals(conn: Connection, t: Tables = DESK, day: str | None = None) -> dict[tuple[str, str], str]:
    """(person, day) → time of the arrival (earliest standing check-in, UTC ISO)."""
    where = " AND f.day = :day" if day is not None else ""
    rows = conn.execute(
        text(
            f"SELECT {PERSON}, f.day, min(f.at) FROM {t.fact} f JOIN {t.attendee} a ON a.uid = f.attendee_uid "
            f"WHERE {standing(t)}{where} GROUP BY 1, 2"
        ),
        {"day": day} if day is not None else {},
    ).all()
    return {(str(person), str(d)): str(at) for person, d, at in rows}


def counts(conn: Connection, day: str, t: Tables = DESK) -> tuple[int, int]:
    """(here, expected) on ``day``: what the status bar and the staff view show."""
    here = conn.execute(
        text(
            f"SELECT count(DISTINCT {PERSON}) FROM {t.fact} f JOIN {t.attendee} a ON a.uid = f.attendee_uid "
            f"WHERE {standing(t)} AND f.day = :day"
        ),
        {"day": day},
    ).scalar_one()
    expected = conn.execute(
        text(f"SELECT count(*) FROM {t.attendee} a WHERE {expected_condition()}"), {"day": day}
    ).scalar_one()
    return int(here), int(expected)


def person_checkins_sql(t: Tables = DESK) -> str:
    """SQL (parameters ``:day``, ``:person``) for one person's standing check-ins on a day,
    earliest first: the scan's "already in" and the card's arrival."""
    return (
        f"{t.fact}.kind = 'checkin' AND {t.fact}.day = :day AND {t.fact}.attendee_uid IN "
        f"(SELECT uid FROM {t.attendee} WHERE live_uid = :person OR uid = :person) "
        f"AND NOT EXISTS (SELECT 1 FROM {t.fact} u WHERE u.ref = {t.fact}.id AND u.kind || '' = 'undo')"
    )


def paper_keys(conn: Connection, *, hub: bool) -> set[tuple[str, str]]:
    """(person, day) whose standing arrival was entered from paper — for the reports."""
    attendee, fact = ("hub_attendee", "hub_fact") if hub else ("attendee", "fact")
    rows = conn.execute(
        text(
            f"SELECT coalesce(nullif(a.live_uid, ''), f.attendee_uid), f.day FROM {fact} f "
            f"LEFT JOIN {attendee} a ON a.uid = f.attendee_uid WHERE f.kind = 'checkin' "
            f"AND f.reason = :reason AND NOT EXISTS "
            f"(SELECT 1 FROM {fact} u WHERE u.kind = 'undo' AND u.ref = f.id)"
        ),
        {"reason": PAPER},
    ).all()
    return {(str(uid), str(day)) for uid, day in rows}
