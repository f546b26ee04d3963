"""Recording what desks do, as facts that are only ever added.

A check-in, an undo, a print, a fix, a walk-in: each is one row in ``fact`` with a fresh
UUID, the desk that made it, the wall-clock time and a hybrid-logical-clock stamp. Nothing
here updates or deletes a fact (the database refuses it); an undo is a new fact pointing
at the check-in it cancels. These functions are the only writers of facts.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from checkin.base.codes import new_code
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.base.text import clean, clean_email, display_name, search_columns
from checkin.event.model import EventConfig
from checkin.replica import attendees, presence
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica

ROLES = ("volunteer", "lead", "staff")
REPRINT_REASONS = ("lost", "damaged", "misprint", "name_change", "other")
# Fields a desk may fix (an ``edit`` fact); a fixed field keeps the desk's value on re-import.
EDITABLE = frozenset({"first_name", "last_name", "native_name", "function", "organisation", "country"})


@dataclass(frozen=True)
class FactView:
    id: str
    kind: str
    attendee_uid: str
    code: str
    day: str
    desk: str
    role: str
    at: str
    hlc: str
    ref: str
    field: str
    value: str
    reason: str
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


_COLUMNS = "id kind attendee_uid code day desk role at hlc ref field value reason data".split()
_SELECT = "SELECT " + ", ".join(_COLUMNS) + " FROM fact"


def _view(row: Any) -> FactView:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["data"] = json.loads(values["data"]) if values["data"] else {}
    return FactView(**values)


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def add(
    conn: Connection,
    replica: Replica,
    kind: str,
    *,
    attendee_uid: str = "",
    code: str = "",
    day: str = "",
    desk: str = "",
    role: str = "volunteer",
    ref: str = "",
    field: str = "",
    value: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    at: str | None = None,
) -> FactView:
    """Append one fact inside the caller's write transaction."""
    fact = FactView(
        id=str(uuid.uuid4()),
        kind=kind,
        attendee_uid=attendee_uid,
        code=code,
        day=day,
        desk=desk,
        role=role,
        at=at or now_utc(),
        hlc=replica.clock.now(),
        ref=ref,
        field=field,
        value=value,
        reason=reason,
        data=data or {},
    )
    conn.exec_driver_sql(
        "INSERT INTO fact (id, kind, attendee_uid, code, day, desk, desk_id, role, at, hlc, "
        "ref, field, value, reason, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fact.id,
            kind,
            attendee_uid,
            code,
            day,
            desk,
            replica.desk_id,
            role,
            fact.at,
            fact.hlc,
            ref,
            field,
            value,
            reason,
            json.dumps(data, ensure_ascii=False, sort_keys=True) if data else "",
        ),
    )
    return fact


def checkins(conn: Connection, live_uid: str, day: str) -> list[FactView]:
    """The standing check-ins of a person on a day (any of their registrations), earliest
    first; a check-in that an undo points at no longer stands."""
    rows = conn.execute(
        text(_SELECT + " WHERE " + presence.person_checkins_sql() + " ORDER BY at, hlc"),
        {"day": day, "person": live_uid},
    ).all()
    return [_view(r) for r in rows]


def record_checkin(
    replica: Replica,
    attendee: AttendeeView,
    *,
    day: str,
    desk: str,
    role: str = "volunteer",
    code: str = "",
    override: str = "",
) -> FactView:
    """Admit someone (``override`` says why a lead admitted a not-today registration)."""
    with replica.write() as conn:
        return add(
            conn,
            replica,
            "checkin",
            attendee_uid=attendee.uid,
            code=code or attendee.code,
            day=day,
            desk=desk,
            role=role,
            reason=override,
        )


def record_undo(replica: Replica, checkin_id: str, *, desk: str, role: str, reason: str = "") -> FactView:
    with replica.write() as conn:
        row = conn.exec_driver_sql(_SELECT + " WHERE id = ? AND kind = 'checkin'", (checkin_id,)).first()
        if row is None:
            raise KnownError(_("Enregistrement introuvable : rien à annuler."))
        target = _view(row)
        done = conn.exec_driver_sql(
            "SELECT 1 FROM fact WHERE kind = 'undo' AND ref = ?", (checkin_id,)
        ).first()
        if done:
            raise KnownError(_("Cet enregistrement a déjà été annulé."))
        return add(
            conn,
            replica,
            "undo",
            attendee_uid=target.attendee_uid,
            code=target.code,
            day=target.day,
            desk=desk,
            role=role,
            ref=checkin_id,
            reason=reason,
        )


def record_print(
    replica: Replica,
    attendee_uid: str,
    *,
    kind: str = "badge",
    printer: str = "",
    reason: str = "",
    reprint: bool = False,
    desk: str = "",
    role: str = "volunteer",
    job_id: str = "",
    day: str = "",
    conn: Connection | None = None,
) -> FactView:
    """Log a badge or ticket handed to a printer; a reprint carries its reason."""
    if reprint and not reason:
        raise KnownError(_("Une réimpression demande un motif."))
    data = {"printer": printer, "kind": kind, "reprint": reprint, "job": job_id}
    if conn is not None:
        return add(
            conn, replica, "print", attendee_uid=attendee_uid, desk=desk, role=role, reason=reason, data=data
        )
    with replica.write() as own:
        return add(
            own, replica, "print", attendee_uid=attendee_uid, desk=desk, role=role, reason=reason, data=data
        )


def record_edit(
    replica: Replica,
    attendee_uid: str,
    field: str,
    value: str,
    *,
    desk: str,
    role: str,
    reason: str = "",
) -> FactView:
    """A desk's fix to a name or organisation: a fact, then the attendee row shows it."""
    if field not in EDITABLE:
        raise KnownError(_("Ce champ ne peut pas être corrigé à l'accueil : {field}", field=field))
    text = clean(value)
    if field in {"first_name", "last_name"}:
        text = display_name(text, surname=field == "last_name")
    with replica.write() as conn:
        current = attendees.by_uid(conn, attendee_uid)
        if current is None:
            raise KnownError(_("Participant introuvable."))
        fact = add(
            conn,
            replica,
            "edit",
            attendee_uid=attendee_uid,
            code=current.code,
            desk=desk,
            role=role,
            field=field,
            value=text,
            reason=reason,
            # What the fix replaced: the hub tells a fix made after seeing an export value
            # from one made before it arrived (see checkin.sync.merge).
            data={"before": getattr(current, field)},
        )
        apply_edit(conn, current, field, text)
        return fact


def apply_edit(conn: Connection, current: AttendeeView, field: str, value: str) -> None:
    """Show an edit on the attendee row (and in the search index)."""
    values = {
        f: getattr(current, f)
        for f in ("first_name", "last_name", "native_name", "organisation", "country", "delegation")
    }
    values[field] = value
    search = search_columns(
        (values["first_name"], values["last_name"], values["native_name"]),
        (values["organisation"], values["delegation"], values["country"]),
        "",
    )
    conn.exec_driver_sql(
        f"UPDATE attendee SET {field} = ?, search_names = ?, search_org = ? WHERE uid = ?",
        (value, search["search_names"], search["search_org"], current.uid),
    )


WALKIN_FIELDS = (
    "first_name",
    "last_name",
    "native_name",
    "function",
    "organisation",
    "organisation_type",
    "country",
    "category",
    "email",
    "phone",
    "language",
)


def create_walkin(
    replica: Replica,
    event: EventConfig,
    fields: dict[str, str],
    *,
    day: str,
    desk: str,
    role: str = "lead",
) -> AttendeeView:
    """Register someone at the desk: a new code, an attendee row, and a walk-in fact."""
    values = {k: clean(fields.get(k, "")) for k in WALKIN_FIELDS}
    if not (values["first_name"] or values["last_name"]):
        raise KnownError(_("Indiquez au moins un nom ou un prénom."))
    values["first_name"] = display_name(values["first_name"])
    values["last_name"] = display_name(values["last_name"], surname=True)
    values["category"] = event.category(values["category"]).name
    email, _ok = clean_email(values["email"])
    values["email"] = email
    uid = str(uuid.uuid4())
    with replica.write() as conn:

        def taken(code: str) -> bool:
            return (
                conn.exec_driver_sql("SELECT 1 FROM ticket_code WHERE code = ?", (code,)).first() is not None
            )

        code = new_code(event.walkin_prefix, replica.desk_id, taken)
        fact = add(
            conn,
            replica,
            "walkin",
            attendee_uid=uid,
            code=code,
            day=day,
            desk=desk,
            role=role,
            data={**values, "code": code, "days": day},
        )
        materialise_walkin(conn, fact)
        view = attendees.by_uid(conn, uid)
    assert view is not None
    return view


def materialise_walkin(conn: Connection, fact: FactView) -> None:
    """The attendee row for a walk-in fact (here, or pulled from another desk)."""
    d = fact.data
    values = {c: str(d.get(c, "")) for c in WALKIN_FIELDS}
    values.update(
        uid=fact.attendee_uid,
        source="desk",
        registration=f"WALKIN-{d['code']}",
        code=d["code"],
        status="confirmed",
        registered_at=fact.at[:16],
        first_name_raw=values["first_name"],
        last_name_raw=values["last_name"],
        days=str(d.get("days", "")),
        live_uid=fact.attendee_uid,
    )
    values.update(
        search_columns(
            (values["first_name"], values["last_name"], values["native_name"]),
            (values["organisation"], values["country"]),
            values["email"],
        )
    )
    columns = attendees.STORED  # every column, declared once; the others stay empty
    conn.exec_driver_sql(
        f"INSERT INTO attendee ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        "ON CONFLICT(uid) DO NOTHING",
        tuple(values.get(c, "") for c in columns),
    )
    conn.exec_driver_sql(
        "INSERT INTO ticket_code(code, uid) VALUES (?, ?) ON CONFLICT(code) DO NOTHING",
        (d["code"], fact.attendee_uid),
    )


def history(conn: Connection, uid: str) -> list[FactView]:
    """Everything desks did for a person (all their registrations), oldest first."""
    rows = conn.exec_driver_sql(
        _SELECT + " WHERE attendee_uid IN (SELECT uid FROM attendee WHERE live_uid = "
        "(SELECT live_uid FROM attendee WHERE uid = ?) OR uid = ?) ORDER BY hlc",
        (uid, uid),
    ).all()
    return [_view(r) for r in rows]


def by_id(conn: Connection, fact_id: str) -> FactView | None:
    row = conn.exec_driver_sql(_SELECT + " WHERE id = ?", (fact_id,)).first()
    return _view(row) if row else None
