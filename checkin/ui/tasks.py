"""Running slow work off the GUI thread, with the result posted back by signal.

Printing, imports, sync and batch reads go through :func:`run`: the function runs on the
global ``QThreadPool``; ``on_done(result)`` or ``on_error(exc)`` runs later on the GUI thread
(queued signal), so they may touch widgets. The worker never touches a widget.
Unexpected exceptions reach ``on_error`` too; the caller decides between a banner
(``KnownError``) and the crash path (a bug). With an ``owner`` widget, an outcome that
arrives once it is gone (the desk closed, its work stopped) is logged, not handed to it;
a callback that is a widget's own method makes that widget the owner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from checkin.ui.qt import QObject, QRunnable, QThreadPool, Signal, Slot, shiboken_is_valid

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; its signals, emitted by the worker, arrive queued."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        owner: QObject | None = None,
    ) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self._owner = owner
        self.done.connect(self._finished)
        self.failed.connect(self._failed)

    def _orphaned(self, outcome: object) -> bool:
        """Whether the widget that asked is gone: its outcome is only logged."""
        if self._owner is None or shiboken_is_valid(self._owner):
            return False
        log.info("background task ended after its window closed: %s", outcome)
        return True

    @Slot(object)
    def _finished(self, result: Any) -> None:
        _alive.discard(self)
        if self._orphaned(type(result).__name__):
            return
        if self._on_done is not None:
            self._on_done(result)

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        _alive.discard(self)
        if self._orphaned(exc):
            return
        if self._on_error is not None:
            self._on_error(exc)
        else:
            log.error("background task failed", exc_info=exc)


class Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


_alive: set[_Relay] = set()


def run(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    *,
    pool: QThreadPool | None = None,
    owner: QObject | None = None,
) -> _Relay:
    """Run ``fn()`` on the pool; return the relay whose signals carry the outcome. With no
    ``owner``, a callback that is a method of a Qt object makes that object the owner."""
    if owner is None:  # not ``or``: a Qt object may define its own truth (an empty model)
        owner = _owner_of(on_done)
    if owner is None:
        owner = _owner_of(on_error)
    relay = _Relay(on_done, on_error, owner)
    _alive.add(relay)  # the relay must outlive the runnable until its signal is delivered
    (pool or QThreadPool.globalInstance()).start(Task(fn, relay))
    return relay


def _owner_of(callback: Callable[..., Any] | None) -> QObject | None:
    """The Qt object whose method ``callback`` is, if it is one (a signal's ``emit`` is not:
    a signal of a deleted object is only ever emitted into the void)."""
    target = getattr(callback, "__self__", None)
    return target if isinstance(target, QObject) else None
