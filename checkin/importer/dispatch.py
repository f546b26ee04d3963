"""One way in for every import (command line, window, hub): the file opened once, then
handed by kind to its applier — registrations to ``apply``, the programme and the B2B grid
to ``grid``."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from checkin.event.model import EventConfig
from checkin.importer import grid
from checkin.importer.apply import LOCK_BUDGET_S, import_registrations
from checkin.importer.mapping import build, load_mapping_file
from checkin.importer.opened import OpenedExport, open_export
from checkin.importer.saved import load_choices, with_rules
from checkin.importer.summary import ImportSummary
from checkin.replica.contents import forget_invented
from checkin.replica.db import Replica
from checkin.replica.signed import pretix_linked

log = logging.getLogger(__name__)


def import_file(
    replica: Replica,
    event: EventConfig,
    source: str | Path | OpenedExport,
    *,
    mapping: str | Path | dict[str, str] | None = None,
    dry_run: bool = False,
    lock_budget_s: float | None = LOCK_BUDGET_S,
    saved_choices: bool = True,
) -> ImportSummary:
    """Import a registration export (or the programme, or the B2B grid) into the replica.

    ``source`` is a path, or an export already opened (the window's preview: its mapping
    chosen, the rules in ``event``). ``mapping`` is a mapping file or a ``field → header``
    dict; without it, the choices saved with the event apply (``saved_choices``); neither
    is looked at when the export's mapping is already chosen. ``lock_budget_s=None``
    applies the import in one transaction (a private replica nobody else writes, such as
    the hub's staging copy).
    """
    export = source if isinstance(source, OpenedExport) else open_export(Path(source))
    if not dry_run:
        forget_invented(replica)  # real people may come in: the retention date applies again
    summary = ImportSummary(kind=export.kind, dry_run=dry_run, file=export.file_info())
    try:
        if export.kind in ("programme", "meetings"):
            grid.import_grid(replica, export.kind, export.headers, export.rows(), summary, dry_run)
        else:
            if export.mapping is None:
                event = _choose_mapping(export, event, mapping, saved_choices)
            event = _codes_compared(replica, event, export)
            import_registrations(replica, event, export, summary, dry_run, lock_budget_s)
    finally:
        export.close()
    log.info(
        "import %s (%s): read %d, created %d, updated %d, rejected %d in %d steps%s",
        export.kind,
        summary.platform or "generic",
        summary.read,
        summary.created,
        summary.updated,
        len(summary.rejected),
        summary.steps,
        " (dry run)" if dry_run else "",
    )
    return summary


def _codes_compared(replica: Replica, event: EventConfig, export: OpenedExport) -> EventConfig:
    """The event with the ``code_case`` this import keeps its codes by (pretix's exact)."""
    profile = export.mapping.profile if export.mapping is not None else None
    case = event.codes_compared(profile.platform if profile else "", pretix_linked(replica))
    return event if case == event.code_case else dataclasses.replace(event, code_case=case, _memo={})


def _choose_mapping(
    export: OpenedExport,
    event: EventConfig,
    mapping: str | Path | dict[str, str] | None,
    saved_choices: bool,
) -> EventConfig:
    """Set the export's mapping from ``mapping`` or the saved choices; the event with the
    saved ticket-type rules when those apply."""
    saved: dict[str, str] | None = None
    if isinstance(mapping, dict):
        saved = mapping
    elif mapping:
        saved = load_mapping_file(Path(mapping))
    elif saved_choices:
        choices = load_choices(event)
        saved = choices.columns or None
        event = with_rules(event, choices.rules)
    export.mapping = build(export.headers, saved)
    return event
