"""An import in a process of its own, writing through its own connection.

The window's import used to run on the window's task pool: reading the file, the
bookkeeping of every row and the writing shared the window's interpreter (its GIL) with the
scans, and each of the import's SQLite calls let go of that lock and took it straight back
before the window's thread woke (a scan's p99 at 64–108 ms during an import of 100,000
rows). Here the whole import — the one ``import_file`` of the command line and the hub,
its cleaning pool included — runs in a **spawned** process (the same code on Windows, macOS
and in the PyInstaller bundle), and the window's interpreter only waits for its answer.

The desk still comes first: an integer in shared memory says when the desk's own thread
wants to write (``WriteLock.signal``); the import ends its step at once, commits, and does
not start the next one until the desk's transaction is over (``WriteLock.outside``,
``let_desk_in``), while the desk takes SQLite's lock as soon as it is free (polled every
millisecond).

The import's process killed (or the machine stopping) leaves the replica as a killed import
does: every step is a transaction, the note ``import_state`` says the import is unfinished,
and importing the file again completes it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from checkin.base import logs
from checkin.base.errors import DatabaseError, KnownError
from checkin.base.i18n import _, language, set_language
from checkin.event.model import EventConfig
from checkin.importer.apply import LOCK_BUDGET_S
from checkin.importer.dispatch import import_file
from checkin.importer.opened import OpenedExport
from checkin.importer.summary import ImportSummary
from checkin.replica.db import Replica, open_replica

log = logging.getLogger(__name__)


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
    twice). A replica in memory imports here."""

    def here() -> ImportSummary:  # the desk's own process, as before this module
        return import_file(
            replica,
            event,
            _opened(source),
            mapping=mapping,
            saved_choices=saved_choices,
            lock_budget_s=lock_budget_s,
        )

    if (
        replica.path is None
        or os.environ.get("CHECKIN_IMPORT_APART", "1") == "0"
        or not _portable(event, source)
    ):
        # In memory, or measured in the window's own process (``CHECKIN_IMPORT_APART=0``:
        # how bench-desk compares the two).
        return here()
    context = multiprocessing.get_context("spawn")
    desk_waits = context.RawValue("i", 0)
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_run,
        args=(
            replica.path,
            event,
            source,
            (mapping, saved_choices, lock_budget_s),
            language(),
            desk_waits,
            send,
        ),
        name="checkin-import",
    )
    try:
        child.start()
    except OSError:  # no process to be had (out of memory, a locked-down system): here, as before
        log.warning("import kept in the desk's process: no process could be started", exc_info=True)
        receive.close()
        send.close()
        return here()
    replica.write_lock.signal = desk_waits
    outcome, value = "error", _stopped()
    try:
        send.close()
        try:
            outcome, value = receive.recv()
        except EOFError:
            pass  # the process stopped without an answer (killed)
    finally:
        replica.write_lock.signal = None
        receive.close()
        child.join(timeout=10 if outcome == "ok" else 5)
        if child.is_alive():  # the desk closing, or an answer with no end: stopped here
            child.terminate()
            child.join()
    if outcome == "error":
        raise value
    assert isinstance(value, ImportSummary)
    return value


def _portable(event: EventConfig, source: Path | OpenedExport) -> bool:
    """Whether the import's rules and file cross to another process (a mapping from a
    plug-in with a lambda in it would not): else the import runs here, as it used to."""
    try:
        pickle.dumps((event, source))
    except Exception:
        log.warning("import kept in the desk's process: its rules cannot be sent", exc_info=True)
        return False
    return True


def _opened(source: Path | OpenedExport) -> Path | OpenedExport:
    """A path as it is; a closed export read again as it was read (``reopen``)."""
    return source.reopen() if isinstance(source, OpenedExport) else Path(source)


def _stopped() -> KnownError:
    return DatabaseError(
        _(
            "L'import s'est arrêté avant la fin (son processus a été arrêté) : les inscriptions "
            "déjà écrites sont gardées. Importez de nouveau ce fichier pour le terminer."
        )
    )


def _run(
    db: Path,
    event: EventConfig,
    source: Path | OpenedExport,
    how: tuple[dict[str, str] | None, bool, float],
    lang: str,
    desk_waits: Any,
    send: Any,
) -> None:
    """The import's process: the replica opened again, the import, its answer sent."""
    lower_priority()  # the desk's window before the import on a busy core (its pool inherits it)
    logs.setup()
    set_language(lang)
    try:
        replica = open_replica(db, create=False)
        replica.write_lock.outside = desk_waits
        try:
            mapping, saved_choices, budget = how
            summary = import_file(
                replica,
                event,
                _opened(source),
                mapping=mapping,
                saved_choices=saved_choices,
                lock_budget_s=budget,
            )
        finally:
            replica.close()
        send.send(("ok", summary))
    except KnownError as exc:
        send.send(("error", _picklable(exc)))
    except Exception:
        log.exception("import in its own process failed")
        send.send(
            (
                "error",
                DatabaseError(
                    _(
                        "L'import s'est arrêté sur une erreur inattendue, détails dans {path}",
                        path=logs.log_file(),
                    )
                ),
            )
        )
    finally:
        send.close()


def _picklable(exc: KnownError) -> KnownError:
    """The error itself when it crosses to the desk whole, else its sentence."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return DatabaseError(exc.message)
    return exc


def lower_priority() -> None:
    """This process below the desk's in the system's scheduling: on two cores the import,
    its two cleaning processes and the window share them, and the window must not wait
    for a time slice (a scan 100 ms late). Best effort: left as it is where it cannot be."""
    try:
        if hasattr(os, "nice"):
            os.nice(10)
        elif sys.platform == "win32":
            import ctypes

            below_normal = 0x4000
            kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel.SetPriorityClass(kernel.GetCurrentProcess(), below_normal)
    except (OSError, AttributeError):
        log.debug("import's priority left as it is", exc_info=True)
