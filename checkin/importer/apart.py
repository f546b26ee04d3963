"""An import in a process of its own, writing through its own connection.

The window's import used to run on the window's task pool: reading the file, the
bookkeeping of every row and the writing shared the window's interpreter (its GIL) with the
scans (a scan's p99 at 64–108 ms during an import of 100,000 rows). Here the whole import
— the one ``import_file`` of the command line and the hub, its cleaning pool included —
runs in a spawned process (``checkin.replica.apart``: the desk's own writes still come
first), and the window's interpreter only waits for its answer.

The import's process killed (or the machine stopping) leaves the replica as a killed import
does: every step is a transaction, the note ``import_state`` says the import is unfinished,
and importing the file again completes it.
"""

from __future__ import annotations

from pathlib import Path

from checkin.base import logs
from checkin.base.i18n import _
from checkin.event.model import EventConfig
from checkin.importer.apply import LOCK_BUDGET_S
from checkin.importer.dispatch import import_file
from checkin.importer.opened import OpenedExport
from checkin.importer.summary import ImportSummary
from checkin.replica.apart import run_apart
from checkin.replica.db import Replica


def import_apart(
    replica: Replica,
    event: EventConfig,
    source: Path | OpenedExport,
    *,
    mapping: dict[str, str] | None = None,
    saved_choices: bool = True,
    lock_budget_s: float = LOCK_BUDGET_S,
) -> ImportSummary:
    """``import_file(replica, event, source, …)`` run in a spawned process on the same file;
    its summary, or its error as the same sentence. ``source``: a path, or an export the
    preview opened and closed (read again there as the preview read it: nothing guessed
    twice). A replica in memory imports here; ``CHECKIN_IMPORT_APART=0`` too (how bench-desk
    compares the two)."""
    how = (mapping, saved_choices, lock_budget_s)
    return run_apart(
        replica,
        lambda: _import(replica, event, source, how),
        _import,
        (event, source, how),
        switch="CHECKIN_IMPORT_APART",
        stopped=_(
            "L'import s'est arrêté avant la fin (son processus a été arrêté) : les inscriptions "
            "déjà écrites sont gardées. Importez de nouveau ce fichier pour le terminer."
        ),
        unexpected=_(
            "L'import s'est arrêté sur une erreur inattendue, détails dans {path}", path=logs.log_file()
        ),
    )


def _import(
    replica: Replica,
    event: EventConfig,
    source: Path | OpenedExport,
    how: tuple[dict[str, str] | None, bool, float],
) -> ImportSummary:
    """The import itself, in whichever process runs it: a path as it is, a closed export
    read again as it was read (``reopen``)."""
    mapping, saved_choices, budget = how
    opened = source.reopen() if isinstance(source, OpenedExport) else Path(source)
    return import_file(
        replica, event, opened, mapping=mapping, saved_choices=saved_choices, lock_budget_s=budget
    )
