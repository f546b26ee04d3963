"""What a slip says, gathered from the replica into plain values before anything is drawn.

Kept apart from the renderer so the renderer is a pure function of (layout, data, device):
golden-byte tests and the benchmark build slips without a database, and the database is
read once per slip, in one read transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import Connection

from checkin.base.i18n import tr
from checkin.base.text import fold
from checkin.event import days
from checkin.event.model import EventConfig
from checkin.replica import attendees
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica

# Programme kinds everyone attends, and kinds one registers for (matched folded, so the
# export's "Plénière" and a later export's "Plenary" both work).
GENERAL_KINDS = (
    "pleniere",
    "plenary",
    "plenaire",
    "keynote",
    "cafe",
    "coffee",
    "pause",
    "break",
    "ceremonie",
)
REGIONAL_KINDS = ("reunion regionale", "regional meeting", "regional")
SKIPPED_KINDS = ("b2b",)  # the B2B block: each attendee's own meetings are listed instead


@dataclass(frozen=True)
class Item:
    """One line of an attendee's programme: a session or a B2B meeting."""

    start: str
    end: str
    title: str
    room: str = ""
    note: str = ""  # the regional group, the person met


@dataclass(frozen=True)
class Counts:
    """A desk's day, for the closing slip."""

    per_category: tuple[tuple[str, int], ...]
    admitted: int
    undone: int
    reprints: tuple[tuple[str, int], ...]
    walkins: int


@dataclass(frozen=True)
class SlipData:
    kind: str
    language: str  # of the slip's fixed words ("fr", "en")
    values: dict[str, str]
    programme: tuple[Item, ...] = ()
    practical: dict[str, str] = field(default_factory=dict)
    counts: Counts | None = None
    logo: Path | None = None  # the event's logo, for a ``logo`` element


def slip_language(event: EventConfig, attendee_language: str) -> str:
    """The language of the slip's fixed words: the attendee's when the event has it."""
    lang = attendee_language.strip().lower()
    if lang in event.languages:
        return lang
    if lang and "en" in event.languages:
        return "en"  # Spanish or Arabic speakers read English more often than French
    return event.languages[0] if event.languages else "fr"


def event_values(
    event: EventConfig, day: str, language: str, desk: str, now: datetime | None
) -> dict[str, str]:
    return {
        "event_name": event.name,
        "event_short_name": event.short_name,
        "venue": event.venue,
        "day_label": event.day_label(day, language),
        "printed_at": (now or datetime.now()).strftime("%H:%M"),
        "desk": desk,
    }


def person_values(event: EventConfig, person: AttendeeView, language: str) -> dict[str, str]:
    own = person.language.strip().lower()
    welcome = (
        event.texts.get(f"welcome_{own}")
        or event.texts.get(f"welcome_{language}")
        or tr(language, "Bienvenue")
    )
    full = person.full_name
    native = person.native_name
    items = event.handover_for(person.category, person.workshops, language)
    return {
        "welcome": welcome,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "last_name_upper": person.last_name.upper(),
        "full_name": full,
        "native_name": native,
        "other_script_name": native if native and fold(native) != fold(full) else "",
        "function": person.function,
        "organisation": person.organisation,
        "category": event.category(person.category).label(language),
        "delegation": person.delegation,
        "country": person.country,
        "code": person.code,
        "label_programme": tr(language, "Votre programme"),
        "label_practical": tr(language, "Infos pratiques"),
        # What the volunteer hands over (the event's [[handover]]): on the slip, never the badge.
        "handover": ", ".join(items),
        "handover_line": tr(language, "À remettre : {items}", items=", ".join(items)) if items else "",
    }


def practical(
    event: EventConfig, language: str, keys: tuple[str, ...] = ("wifi", "cloakroom", "lunch")
) -> dict[str, str]:
    out = {}
    for key in keys:
        text = event.texts.get(f"{key}_{language}") or event.texts.get(key, "")
        if text:
            out[key] = text
    return out


def programme(
    person: AttendeeView,
    day: str,
    sessions: list[tuple[str, str, str, str, str, str]],
    meetings: list[tuple[str, str, str]],
    language: str,
) -> tuple[Item, ...]:
    """The attendee's day: general sessions, their workshops, their regional meeting, B2B.

    ``sessions`` are (code, title, kind, start, end, room) of that day; ``meetings`` are
    (slot, table, who they meet) already resolved.
    """
    items: list[Item] = []
    mine = set(person.workshops)
    for code, title, kind, start, end, room in sessions:
        k = fold(kind)
        if any(s == k for s in SKIPPED_KINDS):
            continue
        if code in mine or any(g in k for g in GENERAL_KINDS):
            items.append(Item(start, end, title, room))
        elif any(r in k for r in REGIONAL_KINDS) and person.regional_meeting:
            items.append(Item(start, end, title, room, person.regional_meeting))
    for slot, table, other in meetings:
        title = (
            tr(language, "Rendez-vous B2B, table {table}", table=table)
            if table
            else tr(language, "Rendez-vous B2B")
        )
        items.append(Item(slot, "", title, "", tr(language, "avec {name}", name=other) if other else ""))
    return tuple(sorted(items, key=lambda i: (i.start, i.end, i.title)))


def _codes(conn: Connection, person: AttendeeView) -> list[str]:
    rows = conn.exec_driver_sql("SELECT code FROM ticket_code WHERE uid = ?", (person.uid,)).all()
    return sorted({person.code, *(str(r[0]) for r in rows)} - {""})


def _partner(conn: Connection, code: str) -> str:
    other = attendees.by_code(conn, code)
    if other is None:
        return code
    return f"{other.full_name} ({other.organisation})" if other.organisation else other.full_name


def welcome(
    replica: Replica,
    event: EventConfig,
    person: AttendeeView,
    day: str,
    *,
    desk: str = "",
    now: datetime | None = None,
) -> SlipData:
    """Everything the welcome slip of ``person`` on ``day`` prints, read in one go."""
    language = slip_language(event, person.language)
    with replica.read() as conn:
        sessions = [
            (str(c), str(t), str(k), str(s), str(e), str(r))
            for c, t, k, s, e, r in conn.exec_driver_sql(
                'SELECT code, title, kind, start, "end", room FROM session WHERE day = ?', (day,)
            ).all()
        ]
        codes = _codes(conn, person)
        marks = ",".join("?" * len(codes))
        rows = conn.exec_driver_sql(
            f"SELECT slot, table_name, code_a, code_b FROM meeting WHERE day = ? "
            f"AND (code_a IN ({marks}) OR code_b IN ({marks})) ORDER BY slot",
            (day, *codes, *codes),
        ).all()
        meetings = [
            (str(slot), str(table), _partner(conn, str(b) if str(a) in codes else str(a)))
            for slot, table, a, b in rows
        ]
    return SlipData(
        kind="welcome",
        language=language,
        values={**event_values(event, day, language, desk, now), **person_values(event, person, language)},
        programme=programme(person, day, sessions, meetings, language),
        practical=practical(event, language),
        logo=event.logo,
    )


def label(
    event: EventConfig,
    person: AttendeeView,
    day: str,
    *,
    desk: str = "",
    language: str = "fr",
    now: datetime | None = None,
) -> SlipData:
    return SlipData(
        kind="label",
        language=language,
        values={**event_values(event, day, language, desk, now), **person_values(event, person, language)},
        logo=event.logo,
    )


def closing(
    replica: Replica,
    event: EventConfig,
    day: str,
    *,
    desk: str = "",
    language: str = "fr",
    now: datetime | None = None,
) -> SlipData:
    """A desk's day: check-ins per category (undone ones left out), reprints, walk-ins.

    ``desk`` names the desk as facts record it; empty means this replica's own facts.
    """
    where, param = ("desk = ?", desk) if desk else ("desk_id = ?", replica.desk_id)
    same_day = "(day = ? OR (day = '' AND substr(at, 1, 10) = ?))"
    with replica.read() as conn:
        undone = {str(r[0]) for r in conn.exec_driver_sql("SELECT ref FROM fact WHERE kind = 'undo'").all()}
        checkins = conn.exec_driver_sql(
            f"SELECT f.id, f.attendee_uid, coalesce(a.category, '') FROM fact f "
            f"LEFT JOIN attendee a ON a.uid = f.attendee_uid "
            f"WHERE f.kind = 'checkin' AND {where} AND {same_day}",
            (param, day, day),
        ).all()
        prints = conn.exec_driver_sql(
            f"SELECT reason, data FROM fact WHERE kind = 'print' AND reason != '' AND {where} AND {same_day}",
            (param, day, day),
        ).all()
        walkins = conn.exec_driver_sql(
            f"SELECT count(*) FROM fact WHERE kind = 'walkin' AND {where} AND {same_day}",
            (param, day, day),
        ).scalar_one()
    kept = [(uid, cat) for fid, uid, cat in checkins if str(fid) not in undone]
    seen: dict[str, str] = {}
    for uid, cat in kept:
        seen.setdefault(str(uid), str(cat))
    per_category = Counter(event.category(cat).label(language) for cat in seen.values())
    order = [c.label(language) for c in event.categories]
    reasons = Counter(_reason_label(str(reason), language) for reason, _data in prints)
    counts = Counts(
        per_category=tuple((name, per_category[name]) for name in order if per_category[name]),
        admitted=len(seen),
        undone=len(checkins) - len(kept),
        reprints=tuple(sorted(reasons.items())),
        walkins=int(walkins),
    )
    values = {
        **event_values(event, day, language, desk or replica.meta("desk_name", ""), now),
        "label_closing": tr(language, "Clôture de l'accueil"),
        "label_desk": tr(language, "Poste"),
        "total_admitted": str(len(seen)),
    }
    return SlipData(kind="closing", language=language, values=values, counts=counts, logo=event.logo)


_REASONS = {
    "lost": "perdu",
    "damaged": "abîmé",
    "misprint": "erreur d'impression",
    "name_change": "changement de nom",
}


def _reason_label(reason: str, language: str) -> str:
    french = _REASONS.get(reason)
    return tr(language, french) if french else reason


def default_day(event: EventConfig, person: AttendeeView | None = None, today: date | None = None) -> str:
    """Today when it is an event day, else the first event day (the attendee's first)."""
    return days.serving(event, today=today, first=min(person.days) if person and person.days else "")
