"""What a self-service kiosk answers to a scan, without Qt.

A kiosk has no volunteer to read a reason to the attendee, and anyone may stand behind
them: it says one of three things — *welcome* (their badge is printed now), *already*
(their badge was printed before: see the desk) or *desk* (anything else: see the desk,
with no name and no reason). The admitting kiosk goes through :func:`scan.decide`, so its
check-ins are the desk's; the *print-only* kiosk counts no entry (the room door does) and
only reads the registration.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkin.arrivals import scan
from checkin.base import codes
from checkin.event.model import EventConfig
from checkin.replica import attendees
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica

WELCOME, ALREADY, DESK = "welcome", "already", "desk"


@dataclass(frozen=True)
class KioskAnswer:
    kind: str  # WELCOME, ALREADY or DESK
    attendee: AttendeeView | None = None  # only for WELCOME: whose badge to print


def badge_printed(conn: object, uid: str) -> bool:
    """A badge printed, pre-printed or waiting in the queue for ``uid``: the kiosk prints
    a badge once, whoever printed the first."""
    sql = (
        "SELECT 1 FROM fact WHERE attendee_uid = ? AND (kind = 'preprint' OR (kind = 'print' AND "
        "coalesce(json_extract(iif(json_valid(data), data, '{}'), '$.kind'), 'badge') = 'badge')) "
        "UNION ALL SELECT 1 FROM print_job WHERE attendee_uid = ? AND kind = 'badge' "
        "AND state IN ('queued', 'printing', 'done') LIMIT 1"
    )
    return conn.exec_driver_sql(sql, (uid, uid)).first() is not None  # type: ignore[attr-defined]


def answer(
    replica: Replica,
    event: EventConfig,
    text: str,
    *,
    day: str,
    desk: str,
    print_only: bool = False,
    layouts: tuple[str, str] | None = None,
) -> KioskAnswer:
    if print_only:
        return _print_only(replica, event, text, day=day, layouts=layouts)
    decision = scan.decide(replica, event, text, day=day, desk=desk, layouts=layouts)
    if decision.outcome == "already_in":
        return KioskAnswer(ALREADY)
    if decision.outcome != "admitted" or decision.attendee is None:
        return KioskAnswer(DESK)
    return _unless_printed(replica, decision.attendee)


def _unless_printed(replica: Replica, person: AttendeeView) -> KioskAnswer:
    with replica.read() as conn:
        if badge_printed(conn, person.uid):
            return KioskAnswer(ALREADY)
    return KioskAnswer(WELCOME, person)


def _print_only(
    replica: Replica, event: EventConfig, text: str, *, day: str, layouts: tuple[str, str] | None
) -> KioskAnswer:
    """The registration read, nothing written: a confirmed person of today gets a badge."""
    with replica.read() as conn:

        def is_known(code: str) -> bool:
            row = conn.exec_driver_sql("SELECT 1 FROM ticket_code WHERE code = ?", (code,)).first()
            return row is not None

        parsed = codes.parse(text, event.code_regex, is_known, codes.preferred_pairs(layouts))
        person = attendees.by_code(conn, parsed.code) if parsed.code else None
        if person is not None and not person.is_live:
            live = attendees.by_uid(conn, person.live_uid)
            person = live if live is not None and person.status != "cancelled" else None
    if person is None or person.status != "confirmed" or (person.days and day not in person.days):
        return KioskAnswer(DESK)
    return _unless_printed(replica, person)
