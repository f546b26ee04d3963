"""Long work on the replica in a process of its own, writing through its own connection.

Long Python work run on the window's task pool shares the window's interpreter (its GIL)
with the scans: each of its SQLite calls lets go of that lock and takes it straight back
before the window's thread wakes (a scan's p99 at 64–108 ms during an import of 100,000
rows, 37–64 ms during a first pull). Here the work — an import (``checkin.importer.apart``),
an exchange with the hub (``checkin.sync.apart``) — runs in a **spawned** process (the same
code on Windows, macOS and in the PyInstaller bundle), niced below the window, and the
window's interpreter only waits for its answer.

The desk still comes first: an integer in shared memory says when the desk's own thread
wants to write (``WriteLock.signal``); the work ends its transaction as soon as it can and
does not start the next one until the desk's transaction is over (``WriteLock.outside``,
``let_desk_in``), while the desk takes SQLite's lock as soon as it is free (polled every
millisecond).

The process killed (or the machine stopping) leaves the replica as the same work killed
in the desk's process would: every step is a transaction.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import multiprocessing.util  # its exit handler (joining children) registered before ours
import os
import pickle
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from checkin.base import logs
from checkin.base.errors import DatabaseError, KnownError
from checkin.base.i18n import language, set_language
from checkin.replica.db import Replica, open_replica

log = logging.getLogger(__name__)

T = TypeVar("T")

# The processes running work apart now: stopped when the desk closes (``stop_all``).
_running: set[Any] = set()


def run_apart(
    replica: Replica,
    here: Callable[[], T],
    target: Callable[..., T],
    args: tuple[Any, ...],
    *,
    switch: str,
    stopped: str,
    unexpected: str,
) -> T:
    """``target(replica, *args)`` run in a spawned process on the same replica file (opened
    again there); its value, or its error raised here (a :class:`KnownError` whole, else
    ``unexpected``; ``stopped`` when the process ends without an answer).

    ``here()`` — the same work in this process — runs instead for a replica in memory, when
    the environment variable ``switch`` is ``0`` (how the benchmarks compare the two), when
    ``args`` cannot be sent to another process, or when no process can be started."""
    if replica.path is None or os.environ.get(switch, "1") == "0" or not _portable(args):
        return here()
    context = multiprocessing.get_context("spawn")
    # The desk wants to write; its writes so far. Shared with work already running apart
    # (the window runs one at a time; its creator lets it go).
    desk_waits = replica.write_lock.signal
    mine = desk_waits is None
    if mine:
        desk_waits = context.RawArray("i", 2)
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_run,
        args=(replica.path, target, args, language(), desk_waits, send, unexpected),
        name=f"checkin-{getattr(target, '__name__', 'work').strip('_')}",
    )
    try:
        child.start()
    except OSError:  # no process to be had (out of memory, a locked-down system): here, as before
        log.warning("work kept in the desk's process: no process could be started", exc_info=True)
        receive.close()
        send.close()
        return here()
    # Below the window at once, before the process even reads its program (a spawned
    # interpreter imports the program's main script: a second of CPU at the window's
    # priority otherwise, a scan 77 ms late); its cleaning pool inherits it.
    lower_priority(child.pid)
    _running.add(child)
    replica.write_lock.signal = desk_waits
    outcome, value = "error", DatabaseError(stopped)
    try:
        send.close()
        try:
            outcome, value = receive.recv()
        except EOFError:
            pass  # the process stopped without an answer (killed)
    finally:
        if mine:
            replica.write_lock.signal = None
        receive.close()
        child.join(timeout=10 if outcome == "ok" else 5)
        if child.is_alive():  # the desk closing, or an answer with no end: stopped here
            child.terminate()
            child.join()
        _running.discard(child)
    if outcome == "error":
        raise value
    return value  # type: ignore[return-value]


@atexit.register
def stop_all(timeout: float = 5.0) -> None:
    """Stop the work running apart (the desk closing: Python would otherwise wait for an
    import's end before letting the window go). Each process stops as a killed one does —
    what it committed stays, its last transaction is rolled back, the next import or
    exchange completes the work — and the desk's thread waiting for it gets ``stopped``."""
    children = list(_running)
    for child in children:
        if child.is_alive():
            log.warning("work apart stopped with the desk: %s", child.name)
            child.terminate()
    for child in children:
        child.join(timeout)


def _portable(args: tuple[Any, ...]) -> bool:
    """Whether the work's arguments cross to another process (rules from a plug-in with a
    lambda in them would not): else the work runs here, as it used to."""
    try:
        pickle.dumps(args)
    except Exception:
        log.warning("work kept in the desk's process: its arguments cannot be sent", exc_info=True)
        return False
    return True


def _run(
    db: Path,
    target: Callable[..., Any],
    args: tuple[Any, ...],
    lang: str,
    desk_waits: Any,
    send: Any,
    unexpected: str,
) -> None:
    """The work's process: the replica opened again, the work, its answer sent."""
    lower_priority()  # the desk's window before this work on a busy core (its pool inherits it)
    # Stopped (the desk closing): unwound as an exit, so an import's cleaning pool is shut
    # down with it and its open transaction rolled back.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    logs.setup()
    set_language(lang)
    try:
        replica = open_replica(db, create=False)
        replica.write_lock.outside = desk_waits
        try:
            value = target(replica, *args)
        finally:
            replica.close()
        send.send(("ok", value))
    except KnownError as exc:
        send.send(("error", _picklable(exc)))
    except Exception:
        log.exception("work in its own process failed")
        send.send(("error", DatabaseError(unexpected)))
    finally:
        send.close()


def _picklable(exc: KnownError) -> KnownError:
    """The error itself when it crosses to the desk whole, else its sentence."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return DatabaseError(exc.message)
    return exc


NICE = 10  # the work's scheduling priority below the window's (POSIX "nice")


def lower_priority(pid: int | None = None) -> None:
    """A process (this one by default) below the desk's in the system's scheduling: on two
    cores the work, its cleaning processes and the window share them, and the window must
    not wait for a time slice (a scan 100 ms late). Lowered once, however often asked.
    Best effort: left as it is where it cannot be (Windows: this process only)."""
    try:
        if hasattr(os, "setpriority"):
            # The parent lowers its child from its own level; the child (which cannot
            # know that level) only makes sure it is not above NICE.
            target = NICE if pid is None else min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICE)
            who = pid or 0
            if os.getpriority(os.PRIO_PROCESS, who) < target:
                os.setpriority(os.PRIO_PROCESS, who, target)
        elif sys.platform == "win32" and pid is None:
            import ctypes

            below_normal = 0x4000
            kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel.SetPriorityClass(kernel.GetCurrentProcess(), below_normal)
    except (OSError, AttributeError):
        log.debug("priority left as it is", exc_info=True)
