"""The programme and the B2B meeting grid: organiser data imported like the registrations."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from sqlalchemy.engine import Connection

from checkin.base.i18n import _
from checkin.base.text import clean, fold
from checkin.importer.records import parse_date
from checkin.importer.summary import ImportSummary, public, set_meta
from checkin.replica.db import Replica

Rows = Iterable[tuple[int, list[str]]]

PROGRAMME = {
    "code": ("code", "id", "ref"),
    "title": ("titre", "title", "intitule", "name"),
    "kind": ("type", "kind", "format"),
    "day": ("date", "jour", "day"),
    "start": ("debut", "start", "heure de debut", "start time", "de"),
    "end": ("fin", "end", "heure de fin", "end time", "a"),
    "room": ("salle", "room", "lieu", "location"),
}
MEETINGS = {
    "day": ("date", "jour", "day"),
    "slot": ("creneau", "slot", "heure", "time"),
    "table_name": ("table", "table n", "stand"),
    "code_a": ("code billet a", "code a", "ticket a", "participant a", "attendee a"),
    "code_b": ("code billet b", "code b", "ticket b", "participant b", "attendee b"),
}


def _key(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", fold(header)).strip()


def _columns(headers: list[str], spec: dict[str, tuple[str, ...]]) -> dict[str, int]:
    keys = [_key(h) for h in headers]
    found: dict[str, int] = {}
    for name, synonyms in spec.items():
        for i, key in enumerate(keys):
            if key in synonyms:
                found[name] = i
                break
    return found


def detect(headers: list[str]) -> str:
    """What kind of file this is: registrations, the programme or the B2B grid."""
    meetings = _columns(headers, MEETINGS)
    if {"code_a", "code_b", "slot"} <= set(meetings):
        return "meetings"
    programme = _columns(headers, PROGRAMME)
    if {"code", "title", "start", "room"} <= set(programme):
        return "programme"
    return "registrations"


def _get(cells: list[str], columns: dict[str, int], name: str) -> str:
    i = columns.get(name)
    return clean(cells[i]) if i is not None and i < len(cells) else ""


def _iso_day(value: str) -> str:
    return parse_date(value)[:10]


def _hhmm(value: str) -> str:
    match = re.fullmatch(r"(\d{1,2})[:hH](\d{2})?(?::\d{2})?", value.strip())
    if not match:
        return value.strip()
    return f"{int(match.group(1)):02d}:{match.group(2) or '00'}"


def import_grid(
    replica: Replica, kind: str, headers: list[str], rows: Rows, summary: ImportSummary, dry_run: bool
) -> None:
    """The programme and the B2B grid are small: one transaction (rolled back for a dry run)."""

    class _DryRun(Exception):
        pass

    try:
        with replica.write() as conn:
            if kind == "programme":
                import_programme(conn, headers, rows, summary)
            else:
                import_meetings(conn, headers, rows, summary)
            set_meta(conn, "last_import", json.dumps(public(summary)))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    summary.steps = 0 if dry_run else 1


def import_programme(conn: Connection, headers: list[str], cells_of: Rows, summary: ImportSummary) -> None:
    columns = _columns(headers, PROGRAMME)
    rows = []
    for number, cells in cells_of:
        summary.read += 1
        code = _get(cells, columns, "code").upper()
        if not code:
            summary.rejected.append({"row": number, "reason": _("code de session vide")})
            continue
        try:
            day = _iso_day(_get(cells, columns, "day"))
        except ValueError as exc:
            summary.rejected.append({"row": number, "reason": str(exc)})
            continue
        rows.append(
            (
                code,
                _get(cells, columns, "title"),
                _get(cells, columns, "kind"),
                day,
                _hhmm(_get(cells, columns, "start")),
                _hhmm(_get(cells, columns, "end")),
                _get(cells, columns, "room"),
            )
        )
    known = {c for (c,) in conn.exec_driver_sql("SELECT code FROM session")}
    for row in rows:
        if row[0] in known:
            summary.updated += 1
        else:
            summary.created += 1
    if not rows:  # (an empty list would be taken for a call without parameters)
        return
    conn.exec_driver_sql(
        'INSERT INTO session(code, title, kind, day, start, "end", room) '
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET title = excluded.title, "
        "kind = excluded.kind, day = excluded.day, start = excluded.start, "
        '"end" = excluded."end", room = excluded.room',
        rows,  # type: ignore[arg-type]
    )


def import_meetings(conn: Connection, headers: list[str], cells_of: Rows, summary: ImportSummary) -> None:
    """Replace the grid of the days the file covers (the grid is the organiser's, whole)."""
    columns = _columns(headers, MEETINGS)
    rows = []
    for number, cells in cells_of:
        summary.read += 1
        a = _get(cells, columns, "code_a").upper()
        b = _get(cells, columns, "code_b").upper()
        if not (a and b):
            summary.rejected.append({"row": number, "reason": _("rendez-vous sans ses deux codes billets")})
            continue
        try:
            day = _iso_day(_get(cells, columns, "day"))
        except ValueError as exc:
            summary.rejected.append({"row": number, "reason": str(exc)})
            continue
        rows.append((day, _hhmm(_get(cells, columns, "slot")), _get(cells, columns, "table_name"), a, b))
    for day in sorted({r[0] for r in rows}):
        conn.exec_driver_sql("DELETE FROM meeting WHERE day = ?", (day,))
    if rows:  # (an empty list would be taken for a call without parameters)
        conn.exec_driver_sql(
            "INSERT INTO meeting(day, slot, table_name, code_a, code_b) VALUES (?, ?, ?, ?, ?)",
            rows,  # type: ignore[arg-type]
        )
    summary.created = len(rows)
