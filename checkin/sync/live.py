"""Live mode: exchange with the hub every few seconds in the background, never blocking a desk.

The desk keeps working on its replica whatever happens; this thread only moves facts. Its
state is what the window's status bar shows: ``online`` (last exchange when), ``alone``
since the first failed attempt (the hub does not answer), or in ``error`` (a bug in live
sync: logged with its traceback and reported once, not every few seconds, and never passed
off as the hub being away). Listeners are called from the background thread (the window
forwards them to the GUI thread with a signal); they get a :class:`LiveState`.

Stopping never blocks: :meth:`LiveSync.stop` asks the thread to end and returns; the thread
closes its hub connection itself once its exchange is over, so nothing closes the engine
under a running exchange. :meth:`LiveSync.wait` is for whoever must know it has ended (a
purge, which must not race a pull that brings names back).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.event import model as event_model
from checkin.event.model import EventConfig
from checkin.replica.db import Replica
from checkin.sync import leases
from checkin.sync.exchange import SyncResult, exchange
from checkin.sync.hub import Hub, open_hub

log = logging.getLogger(__name__)


class LiveSyncBug(RuntimeError):
    """A bug in live sync, for the crash report: its traceback as text (the exception's own
    frames stay in the sync thread, which may still be using what they hold)."""


@dataclass(frozen=True)
class LiveState:
    online: bool = False
    since: datetime | None = None  # online: last success; alone: first failure
    last_error: str = ""
    exchanges: int = 0
    last_result: SyncResult | None = None
    error: str = ""  # a bug in live sync (not the hub being away), until an exchange succeeds
    bug: BaseException | None = None  # that bug, the first time it happens (to report it once)

    def status_text(self) -> str:
        if self.error:
            return _("en erreur ({error}) : détails dans le journal, le poste continue", error=self.error)
        if self.since is None:
            return _("Connexion au hub…")
        when = self.since.astimezone().strftime("%H:%M")
        if self.online:
            return _("En ligne (dernier échange à {time})", time=when)
        return _("Seul depuis {time} : le travail continue, il sera envoyé au retour du hub", time=when)


Listener = Callable[[LiveState], None]


class LiveSync:
    """Exchange every ``interval`` seconds while started; safe to start and stop from the GUI."""

    def __init__(
        self,
        replica: Replica,
        url: str,
        *,
        interval: float = 3.0,
        desk: str | None = None,
        desk_fields: tuple[str, ...] = (),
        after_exchange: Callable[[], object] | None = None,
        event: EventConfig | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """``after_exchange``: called on the thread after each exchange, whether the hub
        answered or not — a linked desk's pretix push (``checkin.pretix.live``); it must
        not raise, and a bug in it is logged and does not stop the exchanges."""
        self.replica = replica
        self.after_exchange = after_exchange
        self.event = event  # None: the event this run resolved (its rooms, for the leases)
        self.clock = clock
        self.url = url
        self.interval = interval
        self.desk = desk
        self.desk_fields = desk_fields
        self._state = LiveState()
        self._listeners: list[Listener] = []
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._hub: Hub | None = None
        self._bug = ""  # the last bug's signature, so a repeated one is reported once
        self._repeats = 0

    @property
    def state(self) -> LiveState:
        with self._lock:
            return self._state

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="checkin-live-sync", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to end after its current exchange; returns at once."""
        self._stop.set()
        self._wake.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the thread has ended (its hub closed); True if it has."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                return False
        return True

    def poke(self) -> None:
        """Exchange now (after a check-in, say) rather than at the next tick."""
        self._wake.set()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self.run_once()
                self._wake.wait(self._pause())
                self._wake.clear()
        finally:
            self.close()

    def _pause(self) -> float:
        """The interval, longer while a bug repeats (it would only repeat faster)."""
        with self._lock:
            repeats = self._repeats
        return self.interval * min(12, 2**repeats) if repeats else self.interval

    def close(self) -> None:
        """Close the hub connection (the thread does it as it ends; :meth:`run_once`'s callers
        without a thread do it themselves)."""
        hub, self._hub = self._hub, None
        if hub is not None:
            hub.close()

    def run_once(self) -> LiveState:
        """One exchange; the new state is published to listeners."""
        try:
            if self._hub is None:
                self._hub = open_hub(self.url)
            result = exchange(
                self.replica, self._hub, desk=self.desk, desk_fields=self.desk_fields, report=False
            )
            # A door's unused seats go back to the hub now, not when it next scans.
            self.event = self.event or event_model.load()  # once: not the file every few seconds
            leases.release(self.replica, self._hub, self.event, self.clock(), self.desk or "")
        except KnownError as error:
            log.info("live sync: hub unavailable (%s)", error)
            now = datetime.now(UTC)
            with self._lock:
                since = self._state.since if not self._state.online and self._state.since else now
                self._state = replace(
                    self._state, online=False, since=since, last_error=str(error), error="", bug=None
                )
                self._repeats = 0
            self.close()
        except Exception as exc:  # a bug: logged, reported once, the desk carries on
            signature = f"{type(exc).__name__}: {exc}"
            with self._lock:
                first = signature != self._bug
                self._bug = signature
                self._repeats += 1
                report = LiveSyncBug("".join(traceback.format_exception(exc)).strip()) if first else None
                self._state = replace(self._state, error=type(exc).__name__, bug=report, last_error="")
            if first:
                log.exception("live sync failed")
            else:
                log.warning("live sync failed again: %s", signature)
            self.close()
        else:
            with self._lock:
                self._state = LiveState(True, datetime.now(UTC), "", self._state.exchanges + 1, result)
                self._bug = ""
                self._repeats = 0
        if self.after_exchange is not None:
            try:
                self.after_exchange()
            except Exception:
                log.exception("live sync: after the exchange")
        state = self.state
        for listener in list(self._listeners):
            try:
                listener(state)
            except Exception:
                log.exception("live sync listener failed")
        return state
