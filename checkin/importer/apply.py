"""Writing an export into the replica: all or nothing, idempotent, never touching facts.

The whole import is one transaction; a dry run is the same work rolled back at the end.
Registrations are matched by their registration number (the code when there is none), so
importing the next export updates what changed, marks what was cancelled, adds what is
new, and leaves alone everything desks recorded (check-ins, prints, fixes: the ``fact``
table). A field a desk fixed keeps the desk's value; the export's is kept in ``raw``.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from checkin.db import Replica
from checkin.event import EventConfig
from checkin.i18n import _
from checkin.importer import grid
from checkin.importer.mapping import Mapping, build, load_mapping_file
from checkin.importer.records import Record, RowError, row_hash
from checkin.importer.records import build as build_record
from checkin.importer.sources import open_table
from checkin.text import clean

log = logging.getLogger(__name__)

BATCH = 2000
ATTENDEE_FIELDS = (
    "uid registration code status registered_at title first_name last_name first_name_raw "
    "last_name_raw native_name function organisation organisation_type country category "
    "delegation email phone days workshops regional_meeting language person_key row_hash raw "
    "search_names search_org search_email"
).split()
# Fields a desk may fix; a fixed field keeps the desk's value on re-import.
EDITABLE = {"first_name", "last_name", "native_name", "function", "organisation", "country"}
_STATUS_RANK = {"confirmed": 0, "waitlisted": 1, "cancelled": 2}


@dataclass
class ImportSummary:
    kind: str = "registrations"
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    missing: int = 0
    kept_fixes: int = 0
    dry_run: bool = False
    file: dict[str, str] = field(default_factory=dict)

    def sentence(self) -> str:
        """The summary in one line, as the command line and the window say it."""
        return _(
            "{read} lignes lues : {created} ajoutées, {updated} mises à jour, {unchanged} inchangées, "
            "{cancelled} annulées, {rejected} rejetées, {duplicates} personnes inscrites plusieurs fois.",
            read=self.read,
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
            cancelled=self.cancelled,
            rejected=len(self.rejected),
            duplicates=len(self.duplicates),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "cancelled": self.cancelled,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "missing": self.missing,
            "kept_fixes": self.kept_fixes,
            "dry_run": self.dry_run,
            "file": self.file,
        }


class _DryRunError(Exception):
    """Raised inside the transaction to roll a dry run back."""


def import_file(
    replica: Replica,
    event: EventConfig,
    path: str | Path,
    *,
    mapping: str | Path | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Import a registration export (or the programme, or the B2B grid) into the replica."""
    source = Path(path)
    table = open_table(source)
    kind = grid.detect(table.headers)
    summary = ImportSummary(kind=kind, dry_run=dry_run)
    summary.file = {"name": source.name, "format": table.kind}
    if table.encoding:
        summary.file["encoding"] = table.encoding
    if table.delimiter:
        summary.file["delimiter"] = {"\t": "tab"}.get(table.delimiter, table.delimiter)
    try:
        with replica.write() as conn:
            if kind == "programme":
                grid.import_programme(conn, table, summary)
            elif kind == "meetings":
                grid.import_meetings(conn, table, summary)
            else:
                saved = load_mapping_file(Path(mapping)) if mapping else None
                columns = build(table.headers, saved)
                _import_registrations(conn, event, columns, table.rows, summary)
                conn.exec_driver_sql(
                    "INSERT INTO meta(key, value) VALUES ('import_headers', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (json.dumps(table.headers, ensure_ascii=False),),
                )
            conn.exec_driver_sql(
                "INSERT INTO meta(key, value) VALUES ('last_import', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (json.dumps({k: v for k, v in summary.to_json().items() if k != "rejected"}),),
            )
            if dry_run:
                raise _DryRunError
    except _DryRunError:
        pass
    finally:
        table.close()
    log.info(
        "import %s: read %d, created %d, updated %d, rejected %d%s",
        kind,
        summary.read,
        summary.created,
        summary.updated,
        len(summary.rejected),
        " (dry run)" if dry_run else "",
    )
    return summary


def _import_registrations(
    conn: Connection,
    event: EventConfig,
    mapping: Mapping,
    rows: Iterator[tuple[int, list[str]]],
    summary: ImportSummary,
) -> None:
    existing: dict[str, tuple[str, str, str, str]] = {
        reg: (uid, row_hash, status, source)
        for reg, uid, row_hash, status, source in conn.exec_driver_sql(
            "SELECT registration, uid, row_hash, status, source FROM attendee"
        )
    }
    code_owner: dict[str, str] = dict(
        conn.exec_driver_sql("SELECT code, uid FROM ticket_code").all()  # type: ignore[arg-type]
    )
    fixed: dict[str, set[str]] = defaultdict(set)
    for uid, fld in conn.exec_driver_sql("SELECT DISTINCT attendee_uid, field FROM fact WHERE kind = 'edit'"):
        if fld in EDITABLE:
            fixed[uid].add(fld)
    seen_registrations: dict[str, int] = {}
    batch: list[tuple[int, Record]] = []

    def flush() -> None:
        _write_batch(conn, batch, existing, fixed, summary)
        batch.clear()

    reg_col = mapping.columns.get("registration", mapping.columns["code"])
    code_col = mapping.columns["code"]
    for number, cells in rows:
        summary.read += 1
        # An unchanged row (same cells as last time) needs no cleaning at all.
        quick_reg = clean(cells[reg_col]) if reg_col < len(cells) else ""
        if not quick_reg and code_col < len(cells):
            quick_reg = clean(cells[code_col]).upper().replace(" ", "")
        before = existing.get(quick_reg)
        if before is not None and before[1] == row_hash(cells) and quick_reg not in seen_registrations:
            seen_registrations[quick_reg] = number
            summary.unchanged += 1
            continue
        try:
            record = build_record(event, mapping, cells, mapping.headers)
        except RowError as exc:
            summary.rejected.append({"row": number, "reason": str(exc)})
            continue
        first = seen_registrations.get(record.registration)
        if first is not None:
            summary.rejected.append(
                {
                    "row": number,
                    "reason": _(
                        "inscription {reg} en double dans le fichier (déjà ligne {row})",
                        reg=record.registration,
                        row=first,
                    ),
                }
            )
            continue
        owner = code_owner.get(record.code)
        if owner is not None and owner != record.uid:
            summary.rejected.append(
                {
                    "row": number,
                    "reason": _("le code {code} appartient déjà à une autre inscription", code=record.code),
                }
            )
            continue
        seen_registrations[record.registration] = number
        code_owner[record.code] = record.uid
        batch.append((number, record))
        if len(batch) >= BATCH:
            flush()
    flush()
    summary.missing = sum(
        1
        for reg, (_u, _h, _s, source) in existing.items()
        if source == "import" and reg not in seen_registrations
    )
    summary.duplicates = _regroup(conn)


def _write_batch(
    conn: Connection,
    batch: list[tuple[int, Record]],
    existing: dict[str, tuple[str, str, str, str]],
    fixed: dict[str, set[str]],
    summary: ImportSummary,
) -> None:
    inserts: list[dict[str, str]] = []
    updates: list[dict[str, str]] = []
    sensitive: list[tuple[str, str, str]] = []
    codes: list[tuple[str, str]] = []
    for _number, record in batch:
        values = record.values()
        before = existing.get(record.registration)
        codes.append((record.code, record.uid))
        sensitive.append((record.uid, record.dietary, record.accessibility))
        if before is None:
            inserts.append(values)
            summary.created += 1
            if record.status == "cancelled":
                summary.cancelled += 1
            continue
        uid, row_hash, status, _source = before
        if row_hash == record.row_hash:
            summary.unchanged += 1
            continue
        if status != "cancelled" and record.status == "cancelled":
            summary.cancelled += 1
        for name in fixed.get(uid, ()):
            values.pop(name, None)
            summary.kept_fixes += 1
        updates.append(values)
        summary.updated += 1
    if inserts:
        columns = ", ".join(ATTENDEE_FIELDS)
        marks = ", ".join(f":{c}" for c in ATTENDEE_FIELDS)
        conn.exec_driver_sql(
            f"INSERT INTO attendee (source, live_uid, {columns}) VALUES ('import', :uid, {marks})",
            [{c: v[c] for c in ATTENDEE_FIELDS} for v in inserts],  # type: ignore[arg-type]
        )
    for values in updates:
        names = [c for c in ATTENDEE_FIELDS if c in values and c not in {"uid", "registration"}]
        assignments = ", ".join(f"{c} = :{c}" for c in names)
        params = {c: values[c] for c in names}
        params["registration"] = values["registration"]
        conn.exec_driver_sql(
            f"UPDATE attendee SET {assignments} WHERE registration = :registration",
            params,  # type: ignore[arg-type]
        )
    if not codes:
        return
    conn.exec_driver_sql(
        "INSERT INTO ticket_code(code, uid) VALUES (?, ?) ON CONFLICT(code) DO NOTHING",
        codes,  # type: ignore[arg-type]
    )
    conn.exec_driver_sql(
        "INSERT INTO sensitive_info(uid, dietary, accessibility) VALUES (?, ?, ?) "
        "ON CONFLICT(uid) DO UPDATE SET dietary = excluded.dietary, "
        "accessibility = excluded.accessibility",
        sensitive,  # type: ignore[arg-type]
    )


def _regroup(conn: Connection) -> list[dict[str, Any]]:
    """Point every registration of a person at the one that counts; list the duplicates.

    The same person (same e-mail, name and organisation) registered more than once keeps
    all codes scannable; the registration that counts is the newest live one (confirmed
    before wait-listed before cancelled).
    """
    groups: dict[str, list[tuple[str, str, str, str, str, str]]] = defaultdict(list)
    changes: list[tuple[str, str]] = []
    for uid, key, status, registered_at, registration, live, code in conn.exec_driver_sql(
        "SELECT uid, person_key, status, registered_at, registration, live_uid, code "
        "FROM attendee WHERE source = 'import'"
    ):
        if key:
            groups[key].append((uid, status, registered_at, registration, live, code))
        elif live != uid:
            changes.append((uid, uid))
    duplicates: list[dict[str, Any]] = []
    for members in groups.values():
        best = min(
            members,
            key=lambda m: (_STATUS_RANK.get(m[1], 3), _neg(m[2]), _neg(m[3])),
        )
        for uid, _status, _at, _reg, live, _code in members:
            if live != best[0]:
                changes.append((best[0], uid))
        if len(members) > 1:
            duplicates.append({"live": best[5], "others": sorted(m[5] for m in members if m[0] != best[0])})
    if changes:
        conn.exec_driver_sql("UPDATE attendee SET live_uid = ? WHERE uid = ?", changes)  # type: ignore[arg-type]
    return sorted(duplicates, key=lambda d: str(d["live"]))


def _neg(text: str) -> tuple[int, ...]:
    """Sort key that puts the greatest text first."""
    return (*(-ord(c) for c in text), 1)
