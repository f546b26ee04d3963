"""Conflicts are kept and shown, never silently resolved.

Two kinds are computed the same way on a desk's replica and on the hub:

* ``double_admission``: one person admitted on the same day by more than one standing
  check-in (two desks offline at the same time). Both facts stay; the earliest (by stamp)
  is the arrival; the list names every desk involved.
* ``walkin_registered``: a walk-in created at a desk who turns out to be registered (same
  e-mail, or same name and organisation).
Two more only the hub can see, recorded as it merges (see :mod:`checkin.sync.merge`) and
pulled by the desks:

* ``edit_vs_export``: a desk's fix and an export change made without seeing each other;
  the newer holds the field (``kept``: ``export`` or ``desk``), both values are listed.
* ``edit_vs_edit``: two desks fixed the same field, neither seeing the other's fix.

And one a desk learns from pretix (``checkin pretix push``, table ``pretix_push``):

* ``pretix_refused``: an admission pretix refused as an online scan (already redeemed
  elsewhere, unpaid, revoked, cancelled), then recorded forced — or not at all.

And one computed from the room doors' movements with the event's rooms (desk or hub):

* ``over_count``: a session whose room held more people than its capacity at some moment
  (doors offline beyond their seat leases, a lead's admission): the highest count and when.

And one a lead records on purpose at a door (``enter`` facts with ``data.forced``):

* ``forced_entry``: a person refused as ``full`` or ``not_in_session`` admitted by the lead,
  with the lead's reason.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from checkin.base.i18n import _
from checkin.base.text import fold
from checkin.event.model import EventConfig
from checkin.replica import presence

# Standing check-ins (not undone) of people admitted more than once on one day; the
# grouping runs in the database so that an exchange does not read every check-in of the event.
_DOUBLES = (
    "SELECT id, attendee_uid, day, desk, desk_id, at, hlc, person, first_name, last_name, code FROM ("
    "SELECT f.id, f.attendee_uid, f.day, f.desk, f.desk_id, f.at, f.hlc, "
    "coalesce(nullif(a.live_uid, ''), f.attendee_uid) AS person, coalesce(a.first_name, '') AS first_name, "
    "coalesce(a.last_name, '') AS last_name, coalesce(a.code, '') AS code, "
    "count(*) OVER (PARTITION BY coalesce(nullif(a.live_uid, ''), f.attendee_uid), f.day) AS n "
    "FROM {fact} f LEFT JOIN {attendee} a ON a.uid = f.attendee_uid "
    "WHERE {standing}) c WHERE n > 1"
)
_MOVES = (
    "SELECT attendee_uid, kind, value, day, at FROM {fact} "
    "WHERE kind IN ('enter', 'exit') ORDER BY day, hlc, id"
)
_FORCED = (
    "SELECT f.id, f.attendee_uid, f.day, f.desk, f.at, f.value, f.field, f.reason, f.data, "
    "coalesce(a.first_name, ''), coalesce(a.last_name, ''), coalesce(a.code, f.code) "
    "FROM {fact} f LEFT JOIN {attendee} a ON a.uid = f.attendee_uid "
    "WHERE f.kind = 'enter' AND f.role = 'lead' AND f.data LIKE '%\"forced\"%' ORDER BY f.day, f.at"
)
_SESSIONS = "SELECT code, title, day, room FROM {session}"
_PEOPLE = "SELECT uid, source, code, first_name, last_name, organisation, email, status FROM {attendee}"


def from_replica(conn: Connection) -> list[dict[str, Any]]:
    row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'sync.conflicts'").first()
    pulled = json.loads(row[0]) if row else []
    return (
        _compute(conn, "fact", "attendee")
        + sorted(pulled, key=lambda c: (c.get("attendee_uid", ""), c["id"]))
        + pretix_refused(conn)
    )


def pretix_refused(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.exec_driver_sql(
        "SELECT p.fact_id, p.status, p.reason, p.explanation, f.attendee_uid, f.day, "
        "coalesce(a.first_name, ''), coalesce(a.last_name, ''), p.secret "
        "FROM pretix_push p JOIN fact f ON f.id = p.fact_id LEFT JOIN attendee a ON a.uid = f.attendee_uid "
        "WHERE p.status != 'ok' ORDER BY f.at, f.seq"
    ).all()
    return [
        {
            "id": f"pretix:{r[0]}",
            "kind": "pretix_refused",
            "attendee_uid": r[4],
            "day": r[5],
            "name": " ".join(x for x in (r[6], r[7]) if x),
            "code": r[8],
            "recorded": r[1] == "forced",
            "reason": r[2],
            "explanation": r[3],
        }
        for r in rows
    ]


def from_hub(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(text("SELECT id, kind, attendee_uid, data FROM hub_conflict ORDER BY hseq")).all()
    recorded = [{"id": r[0], "kind": r[1], "attendee_uid": r[2], **json.loads(r[3] or "{}")} for r in rows]
    return _compute(conn, "hub_fact", "hub_attendee") + sorted(
        recorded, key=lambda c: (c.get("attendee_uid", ""), c["id"])
    )


def _compute(conn: Connection, fact: str, attendee: str) -> list[dict[str, Any]]:
    return (
        double_admissions(conn, fact, attendee)
        + walkins_registered(conn, attendee)
        + forced_entries(conn, fact, attendee)
    )


def forced_entries(conn: Connection, fact: str, attendee: str) -> list[dict[str, Any]]:
    """The lead's admissions at a door of people it had refused (full, not in the session)."""
    return [
        {
            "id": f"forced:{r[0]}",
            "kind": "forced_entry",
            "attendee_uid": r[1],
            "name": " ".join(x for x in (r[9], r[10]) if x),
            "code": r[11],
            "day": r[2],
            "desk": r[3],
            "at": r[4],
            "session": r[5],
            "room": r[6],
            "reason": r[7],
            "refused": json.loads(r[8] or "{}").get("forced", ""),
        }
        for r in conn.execute(text(_FORCED.format(fact=fact, attendee=attendee)))
    ]


def double_admissions(conn: Connection, fact: str, attendee: str) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    standing = presence.standing(presence.Tables(attendee, fact))
    for r in conn.execute(text(_DOUBLES.format(fact=fact, attendee=attendee, standing=standing))):
        groups[(r[7], r[2])].append(r)
    out: list[dict[str, Any]] = []
    for (person, day), rows in sorted(groups.items()):
        rows.sort(key=lambda r: (r[6], r[0]))
        first = rows[0]
        out.append(
            {
                "id": "double:" + ":".join(sorted(r[0] for r in rows)),
                "kind": "double_admission",
                "attendee_uid": person,
                "name": " ".join(p for p in (first[8], first[9]) if p),
                "code": first[10],
                "day": day,
                "arrival": {"fact": first[0], "desk": first[3], "at": first[5]},
                "facts": [
                    {"fact": r[0], "desk": r[3], "desk_id": r[4], "at": r[5], "hlc": r[6]} for r in rows
                ],
            }
        )
    return out


@dataclass
class Replayed:
    """The doors' movements replayed: each session's highest count (and when) and who entered."""

    peak: dict[str, tuple[int, str]] = field(default_factory=dict)
    entered: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def replay(conn: Connection, *, hub: bool) -> Replayed:
    """The movements in clock order (a person's latest movement of the day says where they
    are: entering a room leaves the one before), the peak of each session kept."""
    where: dict[tuple[str, str], str] = {}  # (person, day) -> the session they are in
    count: dict[str, int] = defaultdict(int)
    out = Replayed()
    for uid, kind, code, day, at in conn.execute(text(_MOVES.format(fact="hub_fact" if hub else "fact"))):
        before = where.pop((uid, day), None)
        if before:
            count[before] -= 1
        if kind == "enter":
            where[(uid, day)] = code
            count[code] += 1
            out.entered[code].add(uid)
            if count[code] > out.peak.get(code, (0, ""))[0]:
                out.peak[code] = (count[code], at)
    return out


def over_counts(conn: Connection, event: EventConfig, *, hub: bool) -> list[dict[str, Any]]:
    """Sessions whose room held more than its capacity: the movements replayed in clock
    order (a person's latest movement of the day says where they are), the peak kept."""
    session = "hub_session" if hub else "session"
    peak = replay(conn, hub=hub).peak
    out: list[dict[str, Any]] = []
    for code, title, day, room_name in conn.execute(text(_SESSIONS.format(session=session))):
        room = event.rooms.room(room_name)
        most, at = peak.get(code, (0, ""))
        if room is None or most <= room.capacity:
            continue
        out.append(
            {
                "id": f"over:{code}",
                "kind": "over_count",
                "attendee_uid": "",
                "name": title,
                "code": code,
                "day": day,
                "room": room.name,
                "capacity": room.capacity,
                "peak": most,
                "at": at,
                "time": event.clock(at),
            }
        )
    return sorted(out, key=lambda c: (c["day"], c["at"], c["code"]))


def walkins_registered(conn: Connection, attendee: str) -> list[dict[str, Any]]:
    if conn.execute(text(f"SELECT 1 FROM {attendee} WHERE source = 'desk' LIMIT 1")).first() is None:
        return []  # no walk-in: nothing to compare (and no need to read every registration)
    people = conn.execute(text(_PEOPLE.format(attendee=attendee))).all()
    by_email: dict[str, list[Any]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for p in people:
        if p[1] != "import":
            continue
        if p[6]:
            by_email[p[6].strip().casefold()].append(p)
        if p[5] and (p[3] or p[4]):
            by_name[(fold(f"{p[3]} {p[4]}"), fold(p[5]))].append(p)
    out: list[dict[str, Any]] = []
    for w in people:
        if w[1] != "desk":
            continue
        matches: dict[str, tuple[Any, str]] = {}
        if w[6]:
            for p in by_email.get(w[6].strip().casefold(), []):
                matches.setdefault(p[0], (p, "email"))
        if w[5]:
            for p in by_name.get((fold(f"{w[3]} {w[4]}"), fold(w[5])), []):
                matches.setdefault(p[0], (p, "name_organisation"))
        for uid, (p, why) in sorted(matches.items()):
            out.append(
                {
                    "id": f"walkin:{w[0]}:{uid}",
                    "kind": "walkin_registered",
                    "attendee_uid": w[0],
                    "name": " ".join(x for x in (w[3], w[4]) if x),
                    "code": w[2],
                    "registered_uid": uid,
                    "registered_code": p[2],
                    "registered_status": p[7],
                    "match": why,
                }
            )
    return out


def describe(conflict: dict[str, Any]) -> str:
    """One line a desk lead understands."""
    kind = conflict["kind"]
    if kind == "double_admission":
        desks = ", ".join(f"{f['desk']} {f['at'][11:19]}" for f in conflict["facts"])
        return _(
            "Double entrée : {name} ({code}) le {day} — {desks}",
            name=conflict["name"],
            code=conflict["code"],
            day=conflict["day"],
            desks=desks,
        )
    if kind == "walkin_registered":
        return _(
            "Inscrit sur place déjà inscrit : {name} ({code}) = {other}",
            name=conflict["name"],
            code=conflict["code"],
            other=conflict["registered_code"],
        )
    if kind == "pretix_refused":
        return _(
            "pretix a refusé l'entrée de {name} le {day} ({reason}){then}",
            name=conflict["name"],
            day=conflict["day"],
            reason=conflict["explanation"] or conflict["reason"],
            then=_(", enregistrée forcée") if conflict["recorded"] else _(", non enregistrée par pretix"),
        )
    if kind == "over_count":
        return _(
            "Salle {room} au-delà de sa capacité : {peak} personnes pour {capacity} places à {time} ({session})",
            room=conflict["room"],
            peak=conflict["peak"],
            capacity=conflict["capacity"],
            time=conflict["time"],
            session=conflict["code"],
        )
    if kind == "forced_entry":
        refused = _("salle pleine") if conflict["refused"] == "full" else _("pas inscrit·e à la session")
        return _(
            "Entrée forcée par le responsable : {name} ({code}) en {session}, {room}, à {desk} "
            "— refus levé : {refused} ; motif : {reason}",
            name=conflict["name"],
            code=conflict["code"],
            session=conflict["session"],
            room=conflict["room"],
            desk=conflict["desk"],
            refused=refused,
            reason=conflict["reason"],
        )
    if kind == "edit_vs_edit":
        return _(
            "Deux corrections du même champ : {field} « {other_value} » ({other_desk}) → "
            "« {desk_value} » ({desk}), la plus récente est gardée",
            field=conflict.get("field", ""),
            other_value=conflict.get("other_value", ""),
            other_desk=conflict.get("other_desk", ""),
            desk_value=conflict.get("desk_value", ""),
            desk=conflict.get("desk", ""),
        )
    if conflict.get("kept") == "desk":
        return _(
            "Correction plus récente que l'export, gardée : {field} « {export_value} » → « {desk_value} »",
            field=conflict.get("field", ""),
            desk_value=conflict.get("desk_value", ""),
            export_value=conflict.get("export_value", ""),
        )
    return _(
        "Correction remplacée par l'export : {field} « {desk_value} » → « {export_value} »",
        field=conflict.get("field", ""),
        desk_value=conflict.get("desk_value", ""),
        export_value=conflict.get("export_value", ""),
    )
