"""What the hub does with the facts and exports it receives: one merged view of each attendee.

Facts are never changed; what changes is the attendee row the hub hands out, field by field:

* a walk-in fact becomes an attendee row (the same row the desk made for itself);
* a desk's fix (an ``edit`` fact) and a change in the export are ordered by their stamps:
  the newer one holds the field. A fix only competes with an export value that *changed*
  (re-importing the same export leaves fixes alone). When the two were made blind to each
  other (the fix's desk had not seen the export value, as its fact's ``before`` shows), the
  pair is recorded in ``hub_conflict``, whichever holds the field; so are two desks' blind
  fixes of one field.

Desk stamps are corrected by the desk's clock skew measured against the hub at push time
(``hub_hlc``), so a laptop whose clock is an hour ahead cannot make its fixes "newer" than
an export imported after them. (For a file hub the reference is the file server's clock on
a shared folder, and this computer's own on a local disk or USB stick: see
:meth:`checkin.sync.hub.Hub.now_millis`.) Export changes are stamped with a clock that has
seen every fact on the hub, so an export imported now is newer than anything already received.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from checkin.base.text import search_columns
from checkin.replica.facts import EDITABLE, WALKIN_FIELDS
from checkin.replica.hlc import Clock, Stamp
from checkin.sync.hub import Hub, hub_attendee, hub_conflict, hub_fact, hub_ticket_code, upsert

# Below this, a desk's clock is taken as right (network delay, rounding).
SKEW_TOLERANCE_MS = 5_000


def corrected(stamp: str, skew_ms: int) -> str:
    """A desk's stamp moved back by its measured skew (the hub's view of when it happened)."""
    if not stamp or abs(skew_ms) < SKEW_TOLERANCE_MS:
        return stamp
    s = Stamp.parse(stamp)
    return str(Stamp(max(0, s.millis - skew_ms), s.counter, s.node))


def hub_clock(hub: Hub, conn: Connection) -> Clock:
    """A clock past every fact the hub holds: export changes are stamped with it."""
    now = hub.now_millis(conn)
    clock = Clock("hub", wall=lambda: now)
    top = conn.execute(select(func.max(hub_fact.c.hub_hlc))).scalar()
    clock.observe(str(top or ""))
    return clock


def search_fields(values: dict[str, str]) -> dict[str, str]:
    """The folded search columns for a row (as the importer and the desks compute them)."""
    columns = search_columns(
        (values.get("first_name", ""), values.get("last_name", ""), values.get("native_name", "")),
        (values.get("organisation", ""), values.get("delegation", ""), values.get("country", "")),
        "",
    )
    return {"search_names": columns["search_names"], "search_org": columns["search_org"]}


def walkin_row(fact: dict[str, Any]) -> dict[str, Any]:
    """The attendee row for a walk-in fact: the columns checkin.replica.facts.materialise_walkin writes."""
    d: dict[str, str] = json.loads(fact["data"]) if fact["data"] else {}
    code = d.get("code", fact["code"])
    row: dict[str, Any] = {c: "" for c in hub_attendee.c.keys()}
    row.update(
        uid=fact["attendee_uid"],
        source="desk",
        registration=f"WALKIN-{code}",
        code=code,
        status="confirmed",
        registered_at=fact["at"][:16],
        live_uid=fact["attendee_uid"],
    )
    for key in (*WALKIN_FIELDS, "days"):
        row[key] = d.get(key, "")
    row["first_name_raw"] = row["first_name"]
    row["last_name_raw"] = row["last_name"]
    row.update(
        search_columns(
            (row["first_name"], row["last_name"], row["native_name"]),
            (row["organisation"], row["country"]),
            row["email"],
        )
    )
    row["imported"] = json.dumps({f: row.get(f, "") for f in sorted(EDITABLE)}, ensure_ascii=False)
    row["field_hlc"] = "{}"
    row["field_src"] = "{}"
    return row


def apply_facts(hub: Hub, conn: Connection, facts: Iterable[dict[str, Any]]) -> None:
    """Fold newly received facts into the hub's attendee rows (inside the push transaction)."""
    for fact in facts:
        if fact["kind"] == "walkin" and fact["attendee_uid"]:
            _walkin(hub, conn, fact)
        elif fact["kind"] == "edit" and fact["field"] in EDITABLE:
            _edit(hub, conn, fact)


def _walkin(hub: Hub, conn: Connection, fact: dict[str, Any]) -> None:
    row = walkin_row(fact)
    seq = hub.allocate(conn, 2)
    row["hseq"] = seq
    upsert(conn, hub_attendee, [row], ["uid"], update=False)
    upsert(
        conn,
        hub_ticket_code,
        [{"code": row["code"], "uid": row["uid"], "hseq": seq + 1}],
        ["code"],
        update=False,
    )


def _before(fact: dict[str, Any]) -> str | None:
    """The value a fix replaced, as its desk saw it (None for facts that do not say)."""
    data = json.loads(fact["data"]) if fact.get("data") else {}
    value = data.get("before")
    return value if isinstance(value, str) else None


def _held_fix(conn: Connection, fact_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(hub_fact).where(hub_fact.c.id == fact_id)).mappings().first()
    return dict(row) if row else None


def _edit(hub: Hub, conn: Connection, fact: dict[str, Any]) -> None:
    row = (
        conn.execute(select(hub_attendee).where(hub_attendee.c.uid == fact["attendee_uid"]))
        .mappings()
        .first()
    )
    if row is None:
        return
    field = fact["field"]
    stamps: dict[str, str] = json.loads(row["field_hlc"] or "{}")
    sources: dict[str, str] = json.loads(row["field_src"] or "{}")
    held = stamps.get(field, "")
    held_fix = _held_fix(conn, sources[field]) if sources.get(field) else None
    if fact["hub_hlc"] > held:
        # The fix is newer and holds the field. If its desk never saw the value it now
        # replaces (an export change or another desk's fix that reached the hub while it
        # was offline), both changes were made blind to each other: say so.
        if held and row[field] != fact["value"] and _before(fact) not in (None, row[field]):
            if held_fix is None:
                record_conflict(hub, conn, row["uid"], field, fact, row[field], held, kept="desk")
            else:
                record_fix_conflict(hub, conn, row["uid"], field, kept=fact, lost=held_fix)
        values = {
            k: row[k]
            for k in ("first_name", "last_name", "native_name", "organisation", "delegation", "country")
        }
        values[field] = fact["value"]
        stamps[field] = fact["hub_hlc"]
        sources[field] = fact["id"]
        conn.execute(
            hub_attendee.update()
            .where(hub_attendee.c.uid == row["uid"])
            .values(
                {
                    field: fact["value"],
                    **search_fields(values),
                    "field_hlc": json.dumps(stamps),
                    "field_src": json.dumps(sources),
                    "hseq": hub.allocate(conn, 1),
                }
            )
        )
    elif row[field] != fact["value"]:
        if held_fix is None:
            # An export value newer than this fix holds the field: keep both, say so.
            record_conflict(hub, conn, row["uid"], field, fact, row[field], held)
        elif _before(held_fix) not in (None, fact["value"]):
            # A newer fix from another desk, made without seeing this one, holds the field.
            record_fix_conflict(hub, conn, row["uid"], field, kept=held_fix, lost=fact)


def record_conflict(
    hub: Hub,
    conn: Connection,
    uid: str,
    field: str,
    fact: dict[str, Any],
    export_value: str,
    export_hlc: str,
    *,
    kept: str = "export",
) -> None:
    """A desk's fix and an export change made without seeing each other; ``kept`` says which holds."""
    data = {
        "field": field,
        "desk_value": fact["value"],
        "desk": fact["desk"],
        "fact": fact["id"],
        "desk_hlc": fact["hub_hlc"] or fact["hlc"],
        "export_value": export_value,
        "export_hlc": export_hlc,
        "kept": kept,
    }
    # The id is derived from the pair, so seeing it twice records it once.
    cid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"edit-export:{fact['id']}:{export_hlc}"))
    _record(hub, conn, cid, "edit_vs_export", uid, data)


def record_fix_conflict(
    hub: Hub,
    conn: Connection,
    uid: str,
    field: str,
    *,
    kept: dict[str, Any],
    lost: dict[str, Any],
) -> None:
    """Two desks fixed the same field, neither seeing the other's fix; the newer (``kept``) holds it."""
    data = {
        "field": field,
        "desk_value": kept["value"],
        "desk": kept["desk"],
        "fact": kept["id"],
        "other_value": lost["value"],
        "other_desk": lost["desk"],
        "other_fact": lost["id"],
        "kept": "newer",
    }
    pair = ":".join(sorted((kept["id"], lost["id"])))
    _record(hub, conn, str(uuid.uuid5(uuid.NAMESPACE_URL, f"edit-edit:{pair}")), "edit_vs_edit", uid, data)


def _record(hub: Hub, conn: Connection, cid: str, kind: str, uid: str, data: dict[str, Any]) -> None:
    upsert(
        conn,
        hub_conflict,
        [
            {
                "id": cid,
                "kind": kind,
                "attendee_uid": uid,
                "data": json.dumps(data, ensure_ascii=False),
                "hseq": hub.allocate(conn, 1),
            }
        ],
        ["id"],
        update=False,
    )
