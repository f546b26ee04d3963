"""Live mode: exchange with the hub every few seconds in the background, never blocking a desk.

The desk keeps working on its replica whatever happens; this thread only moves facts. Its
state is what the window's status bar shows: ``online`` (last exchange when), or ``alone``
since the first failed attempt. Listeners are called from the background thread (the window
forwards them to the GUI thread with a signal); they get a :class:`LiveState`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from checkin.db import Replica
from checkin.errors import KnownError
from checkin.i18n import _
from checkin.sync.exchange import SyncResult, exchange
from checkin.sync.hub import Hub, open_hub

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveState:
    online: bool = False
    since: datetime | None = None  # online: last success; alone: first failure
    last_error: str = ""
    exchanges: int = 0
    last_result: SyncResult | None = None

    def status_text(self) -> str:
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
    ) -> None:
        self.replica = replica
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

    @property
    def state(self) -> LiveState:
        with self._lock:
            return self._state

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="checkin-live-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._hub is not None:
            self._hub.close()
            self._hub = None

    def poke(self) -> None:
        """Exchange now (after a check-in, say) rather than at the next tick."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._wake.wait(self.interval)
            self._wake.clear()

    def run_once(self) -> LiveState:
        """One exchange; the new state is published to listeners."""
        try:
            if self._hub is None:
                self._hub = open_hub(self.url)
            result = exchange(
                self.replica, self._hub, desk=self.desk, desk_fields=self.desk_fields, report=False
            )
        except KnownError as error:
            log.info("live sync: hub unavailable")
            now = datetime.now(UTC)
            with self._lock:
                since = self._state.since if not self._state.online and self._state.since else now
                self._state = replace(self._state, online=False, since=since, last_error=str(error))
            if self._hub is not None:
                self._hub.close()
                self._hub = None
        except Exception:  # a bug: logged with its traceback, the desk carries on
            log.exception("live sync failed")
            with self._lock:
                self._state = replace(
                    self._state, online=False, since=self._state.since or datetime.now(UTC), last_error=""
                )
        else:
            with self._lock:
                self._state = LiveState(True, datetime.now(UTC), "", self._state.exchanges + 1, result)
        state = self.state
        for listener in list(self._listeners):
            try:
                listener(state)
            except Exception:
                log.exception("live sync listener failed")
        return state
