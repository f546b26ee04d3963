"""A delegation or an order welcomed as one: who belongs, where each member stands today,
and one admission for the members present.

Why a group: the 25 foreign delegations arrive together behind their head of delegation,
and scanning six tickets one by one while the others wait is what volunteers complain of.

What makes a group, from what the exports hold:

* a **delegation** — the export's ``Délégation`` column (``attendee.delegation``);
* an **order** — a ticketing platform's order number (pretix's *Order code*, Weezevent's
  *N° de commande*, …), kept in the row as the platform wrote it (``attendee.raw``), with
  the buyer's name beside it.

The head of delegation: the sample export has no column for it, so the member whose
function says so (``Chef de délégation``, ``Head of delegation``…) leads; failing that the
highest office by :data:`OFFICES` (minister or ambassador, then governor, president or
mayor, then deputies); ties by registration order. The group's order is the head first,
then the registration numbers in the export's order — the badges print in that order.

Admission goes through :func:`checkin.arrivals.scan.decide` member by member: the one rule
of who may enter (and the one transaction that stops a double admission) is not written
twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from checkin.arrivals import scan
from checkin.base import codes
from checkin.base.i18n import _
from checkin.base.text import fold
from checkin.event.model import EventConfig
from checkin.replica import attendees, facts
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica

STATES = ("here", "expected", "other_day", "cancelled", "waitlisted", "payment_pending")
HEAD_WORDS = ("chef de delegation", "cheffe de delegation", "chef de la delegation", "head of delegation")
OFFICES = (
    ("ministre", "minister", "ambassad"),
    ("gouverneur", "governor", "president", "maire", "mayor"),
    ("vice", "adjoint", "deputy", "conseill"),
)
# The headers under which the ticketing platforms write an order's number and its buyer
# (see checkin.importer.platforms); the row keeps them as written.
ORDER_HEADERS = (
    "Order code",
    "Order #",
    "Order no.",
    "N° de commande",
    "Numéro de commande",
    "Référence commande",
    "Référence de la commande",
    "N° commande",
    "Commande",
    "Bestellnummer",
)
BUYER_HEADERS = (
    "Invoice address name",
    "Buyer name",
    "Nom acheteur",
    "Nom payeur",
    "Nom du payeur",
    "Order name",
)
LIMIT = 60  # a group larger than this is not a group at a desk


@dataclass(frozen=True)
class Member:
    attendee: AttendeeView
    state: str
    head: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.attendee.code,
            "name": self.attendee.full_name,
            "state": self.state,
            "head": self.head,
        }


@dataclass(frozen=True)
class Group:
    name: str  # the delegation's name, or the order's number and buyer
    kind: str  # "delegation" or "order"
    members: tuple[Member, ...]
    admitted: tuple[scan.Decision, ...] = field(default=())

    @property
    def present(self) -> tuple[Member, ...]:
        """Those one gesture admits: expected today, not yet in."""
        return tuple(m for m in self.members if m.state == "expected")

    def to_json(self) -> dict[str, Any]:
        return {
            "group": self.name,
            "kind": self.kind,
            "members": [m.to_json() for m in self.members],
            "admitted": len(self.admitted),
        }


def find(replica: Replica, event: EventConfig, text: str, *, day: str) -> Group | None:
    """The group of a scanned member's code, or of a delegation's name, an order's number
    or its buyer's name; ``None`` when the text names none."""
    with replica.read() as conn:
        person = _by_scan(conn, event, text)
        if person is not None:
            return _group_of(conn, person, day)
        return _by_name(conn, text, day)


def admit(
    replica: Replica,
    event: EventConfig,
    group: Group,
    *,
    day: str,
    desk: str,
    role: str = "volunteer",
    only: set[str] | None = None,
) -> Group:
    """Admit the members present (``only``: the codes the volunteer ticked; all those
    expected otherwise), in the group's order; the group comes back with its states read
    again and the admissions, whose badges print in that order."""
    done: list[scan.Decision] = []
    for member in group.present:
        if only is not None and member.attendee.code not in only:
            continue
        decision = scan.decide(replica, event, member.attendee.code, day=day, desk=desk, role=role)
        if decision.shown.outcome == "admitted":
            done.append(decision.shown)
    with replica.read() as conn:
        fresh = _assemble(conn, group.name, group.kind, [m.attendee for m in group.members], day)
    return Group(fresh.name, fresh.kind, fresh.members, tuple(done))


# -- finding the group ----------------------------------------------------------------
def _by_scan(conn: Connection, event: EventConfig, text: str) -> AttendeeView | None:
    def is_known(code: str) -> bool:
        return conn.exec_driver_sql("SELECT 1 FROM ticket_code WHERE code = ?", (code,)).first() is not None

    parsed = codes.parse(text, event.code_regex, is_known, ())
    if parsed.code is None:
        return None
    person = attendees.by_code(conn, parsed.code)
    if person is not None and not person.is_live:
        person = attendees.by_uid(conn, person.live_uid) or person
    return person


def _group_of(conn: Connection, person: AttendeeView, day: str) -> Group | None:
    if person.delegation.strip():
        return _delegation(conn, person.delegation, day)
    row = conn.exec_driver_sql("SELECT raw FROM attendee WHERE uid = ?", (person.uid,)).first()
    order, buyer = _order_of(str(row[0]) if row else "")
    if order:
        return _order(conn, order, buyer, day)
    return None


def _by_name(conn: Connection, text: str, day: str) -> Group | None:
    wanted = fold(text).strip()
    if len(wanted) < 3:
        return None
    names = [
        str(r[0])
        for r in conn.exec_driver_sql("SELECT DISTINCT delegation FROM attendee WHERE delegation != ''")
    ]
    exact = [n for n in names if fold(n) == wanted]
    close = exact or sorted(n for n in names if wanted in fold(n))
    if len(close) == 1:
        return _delegation(conn, close[0], day)
    if close:
        return None  # "délégation" alone names them all: the volunteer types more
    rows = conn.exec_driver_sql(
        "SELECT raw FROM attendee WHERE raw LIKE ? AND (live_uid = uid OR live_uid = '') LIMIT 50",
        (f"%{text.strip()}%",),
    )
    for (raw,) in rows:
        order, buyer = _order_of(str(raw))
        if order and (fold(order) == wanted or (buyer and wanted in fold(buyer))):
            return _order(conn, order, buyer, day)
    return None


def _order_of(raw: str) -> tuple[str, str]:
    """The order number and buyer's name of a platform's row, as the platform wrote them."""
    row = parse_raw(raw)
    order = next((str(row[h]).strip() for h in ORDER_HEADERS if str(row.get(h) or "").strip()), "")
    buyer = next((str(row[h]).strip() for h in BUYER_HEADERS if str(row.get(h) or "").strip()), "")
    return order, buyer


def _delegation(conn: Connection, name: str, day: str) -> Group:
    rows = conn.exec_driver_sql(
        attendees.SELECT + " WHERE delegation = ? AND (live_uid = uid OR live_uid = '') LIMIT ?",
        (name, LIMIT),
    ).all()
    return _assemble(conn, name, "delegation", [attendees.from_row(r) for r in rows], day)


def _order(conn: Connection, order: str, buyer: str, day: str) -> Group:
    rows = conn.exec_driver_sql(
        "SELECT uid, raw FROM attendee WHERE raw LIKE ? AND (live_uid = uid OR live_uid = '') LIMIT ?",
        (f"%{order}%", LIMIT * 4),
    ).all()
    uids = [str(uid) for uid, raw in rows if _order_of(str(raw))[0] == order][:LIMIT]
    people = [p for p in (attendees.by_uid(conn, uid) for uid in uids) if p is not None]
    return _assemble(conn, f"{order} — {buyer}" if buyer else order, "order", people, day)


# -- states and order -----------------------------------------------------------------
def _assemble(conn: Connection, name: str, kind: str, people: list[AttendeeView], day: str) -> Group:
    fresh = [attendees.by_uid(conn, p.uid) or p for p in people]
    head = _head(fresh) if kind == "delegation" else None
    ordered = sorted(fresh, key=lambda p: (p.uid != (head.uid if head else ""), p.registration, p.code))
    members = tuple(Member(p, _state(conn, p, day), head is not None and p.uid == head.uid) for p in ordered)
    return Group(name, kind, members)


def _state(conn: Connection, person: AttendeeView, day: str) -> str:
    if person.status == "cancelled":
        return "cancelled"
    if facts.checkins(conn, person.live_uid or person.uid, day):
        return "here"
    if person.status == "waitlisted":
        return "waitlisted"
    if person.days and day not in person.days:
        return "other_day"
    if person.status == "pending":
        return "payment_pending"
    return "expected"


def _head(people: list[AttendeeView]) -> AttendeeView | None:
    live = [p for p in people if p.status != "cancelled"] or people

    def rank(p: AttendeeView) -> tuple[int, str]:
        function = fold(p.function)
        if any(w in function for w in HEAD_WORDS):
            return (0, p.registration)
        for level, words in enumerate(OFFICES, start=1):
            if any(w in function for w in words):
                return (level, p.registration)
        return (len(OFFICES) + 1, p.registration)

    return min(live, key=rank) if live else None


def parse_raw(value: str) -> dict[str, Any]:
    """A row as imported (``attendee.raw``: the export's header → cell)."""
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def state_label(state: str) -> str:
    """The member's state in the volunteer's words."""
    return {
        "here": _("déjà arrivé·e"),
        "expected": _("attendu·e aujourd'hui"),
        "other_day": _("inscrit·e un autre jour"),
        "cancelled": _("annulé·e"),
        "waitlisted": _("liste d'attente"),
        "payment_pending": _("paiement en attente"),
    }.get(state, state)
