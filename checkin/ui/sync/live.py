"""Live sync in the window: while a hub is configured, :class:`LiveSyncRelay` exchanges in
the background and brings its state to the GUI through queued signals; :class:`LiveSyncStatus`
starts and stops it and keeps the sync line of the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from checkin.base.i18n import _
from checkin.ui.frame import Frame
from checkin.ui.qt import QLabel, QObject, Signal


class LiveSyncRelay(QObject):
    """Brings :class:`checkin.sync.live.LiveSync`'s state (a worker thread's) to the GUI."""

    changed = Signal(str, bool)  # status text, online
    purged = Signal()  # the hub was purged, and this desk with it
    failed = Signal(object)  # a bug in live sync, once per kind of bug (the crash path)

    def __init__(
        self,
        replica: Any,
        url: str,
        desk: str,
        parent: QObject | None = None,
        desk_fields: tuple[str, ...] = (),
        interval: float = 5.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """``clock``: the window's clock, so that the leases a door gives back at each
        exchange follow the same sessions as the door (a moved clock in tests)."""
        super().__init__(parent)
        from checkin.pretix.link import state as pretix_link
        from checkin.pretix.live import LivePush
        from checkin.sync.live import LiveSync

        # A desk linked to pretix pushes its admissions at its exchanges, on the same thread.
        self.pretix = LivePush(replica) if pretix_link(replica) else None
        after = self.pretix.tick if self.pretix is not None else None
        self.live = LiveSync(
            replica, url, desk=desk, interval=interval, desk_fields=desk_fields, after_exchange=after
        )
        if clock is not None:
            self.live.clock = clock
        self.live.subscribe(self._relay)
        self._seen = 0

    def _relay(self, state: Any) -> None:
        """Called on the worker thread; Qt queues the signals to the GUI thread."""
        text = state.status_text()
        pushed = self.pretix.state if self.pretix is not None else None
        if pushed is not None and pushed.last_error:
            text += " — " + _(
                "pretix : {error} ; {n} entrée(s) gardée(s), renvoyée(s) plus tard",
                error=pushed.last_error,
                n=pushed.pending,
            )
        self.changed.emit(text, state.online and not state.error)
        if state.bug is not None:
            self.failed.emit(state.bug)
        if state.exchanges != self._seen:
            self._seen = state.exchanges
            if state.last_result is not None and state.last_result.purged:
                self.purged.emit()

    def start(self) -> None:
        self.live.start()

    def stop(self) -> None:
        """Returns at once; the thread ends after its exchange (see :meth:`wait`)."""
        self.live.stop()

    def wait(self, timeout: float | None = None) -> bool:
        return bool(self.live.wait(timeout))


class LiveSyncStatus(QObject):
    """The window's live sync: one relay at a time, stopped without ever blocking."""

    online = Signal()  # an exchange went through: the counts may have changed
    purged = Signal()  # the hub was purged, and this desk with it

    def __init__(self, frame: Frame) -> None:
        super().__init__(frame)
        self.frame = frame
        self.label = QLabel()
        self.relay: LiveSyncRelay | None = None
        self.stopping: list[LiveSyncRelay] = []  # asked to stop, maybe not ended yet

    def start(self, url: str) -> None:
        """Exchange in the background while the hub answers; the status bar says how."""
        if not url:
            return
        session, settings = self.frame.session, self.frame.settings
        self.relay = LiveSyncRelay(
            session.replica,
            url,
            session.desk,
            self.frame.window,
            desk_fields=session.event.desk_fields,
            interval=float(settings.sync_interval_s),
        )
        self.relay.changed.connect(self.on_state)
        self.relay.purged.connect(self.purged.emit)
        self.relay.failed.connect(self.frame.task_error)
        self.relay.start()

    def stop(self) -> None:
        """Returns at once (never blocks the window); the thread ends after its exchange."""
        if self.relay is not None:
            self.relay.stop()
            self.stopping.append(self.relay)
            self.relay = None

    def wait_stopped(self, timeout: float = 30.0) -> bool:
        """Off the GUI thread only: True once every live sync asked to stop has ended."""
        for relay in list(self.stopping):
            if not relay.wait(timeout):
                return False
        return True

    def on_state(self, text: str, online: bool) -> None:
        self.stopping = [r for r in self.stopping if not r.wait(0)]
        self.label.setText(_("Synchro : {state}", state=text))
        self.label.setStyleSheet("" if online else "color: #8A4B00; font-weight: bold;")
        if online:
            self.online.emit()
