"""The import preview the staff view shows before anything is written: the file's first
rows, the layout it was read as and the column of each field, and the dry run's tables.

Qt-free, so the window's dialog (``checkin/ui/staff/import_preview.py``) only paints what this
returns; staff's changes (a column, a ticket-type rule) are passed back in and the preview
recomputed on the task pool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checkin.base.errors import ImportFileError
from checkin.event.model import EventConfig, TicketRule
from checkin.importer.dispatch import import_file
from checkin.importer.mapping import Mapping, build
from checkin.importer.opened import OpenedExport, open_export
from checkin.importer.saved import load_choices, with_rules
from checkin.importer.summary import ImportSummary
from checkin.replica.db import Replica

FIRST_ROWS = 8


@dataclass
class Preview:
    path: Path
    headers: list[str]
    rows: list[list[str]]  # the first rows, as read (pretix's apostrophe guard removed)
    summary: ImportSummary
    detected: dict[str, str]  # field → header as recognised, before staff's choices
    columns: dict[str, str] = field(default_factory=dict)  # staff's column choices
    rules: tuple[TicketRule, ...] = ()  # staff's ticket-type rules (and the saved ones)
    error: str = ""  # why the file cannot be read as it is (a column staff must choose)
    export: OpenedExport | None = None  # the file as read and mapped, imported as such


def preview(
    replica: Replica,
    event: EventConfig,
    path: Path,
    columns: dict[str, str] | None = None,
    rules: tuple[TicketRule, ...] | None = None,
) -> Preview:
    """A dry run of ``path`` with staff's choices (the saved ones when ``None``): the file
    opened and mapped once, its first rows shown and the whole dry-run from that."""
    saved = load_choices(event)
    columns = dict(saved.columns) if columns is None else columns
    rules = saved.rules if rules is None else rules
    export = open_export(path)
    try:
        try:
            recognised: Mapping | None = build(export.headers, None)
        except ImportFileError:  # nothing recognised yet: staff choose the columns
            recognised = None
        export.mapping = recognised or Mapping({}, tuple(export.headers))
        detected = {f: export.mapping.header(f) for f in export.mapping.columns}
        rows = export.first_rows(FIRST_ROWS)
        try:
            if export.kind == "registrations":  # staff's columns over what was recognised
                export.mapping = recognised if recognised and not columns else build(export.headers, columns)
            summary = import_file(replica, with_rules(event, rules), export, dry_run=True)
        except ImportFileError as exc:
            summary = ImportSummary(dry_run=True, file={"name": path.name, "format": export.table.kind})
            return Preview(path, export.headers, rows, summary, detected, dict(columns), rules, exc.message)
    finally:
        export.close()
    return Preview(path, export.headers, rows, summary, detected, dict(columns), rules, export=export)


def run_import(replica: Replica, event: EventConfig, p: Preview) -> ImportSummary:
    """Import the previewed file with the choices shown (read as the preview read it), in a
    process of its own (:mod:`checkin.importer.apart`)."""
    from checkin.importer.apart import import_apart

    source: Path | OpenedExport = p.export if p.export is not None else p.path
    return import_apart(
        replica, with_rules(event, p.rules), source, mapping=dict(p.columns), saved_choices=False
    )


def rule_for(ticket_type: str, category: str, days: tuple[str, ...]) -> TicketRule:
    """Staff's choice for one ticket type as shown (its whole text)."""
    return TicketRule(match=ticket_type, exact=True, category=category, days=days)


def replace_rule(rules: tuple[TicketRule, ...], new: TicketRule) -> tuple[TicketRule, ...]:
    kept = tuple(r for r in rules if not (r.exact and r.match == new.match))
    return (new, *kept) if (new.category or new.days) else kept


def changed_columns(p: Preview) -> dict[str, str]:
    """The columns staff chose differently from what was recognised (what is saved)."""
    return {f: h for f, h in p.columns.items() if p.detected.get(f, "") != h}
