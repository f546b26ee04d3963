"""The staff's occupancy view (``checkin occupancy``): every room, the session in it now,
``inside / capacity`` as a bar, refreshed every few seconds from the replica (the doors'
movements reach it through the hub's exchange). A room at or over its capacity is red; at
the end of each line, the room's day so far (:class:`DayCurve`).

The same view is the staff view's « Salles » page in the desk window (``live=False``): there
it reads and ticks only while it is on screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from checkin.arrivals import occupancy
from checkin.arrivals.occupancy import RoomNow
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.event.model import EventConfig
from checkin.replica.db import Replica
from checkin.ui import tasks
from checkin.ui.door.curve import DayCurve
from checkin.ui.door.panels import bar_colour, label, occupancy_text, session_line
from checkin.ui.qt import QGridLayout, QLabel, QProgressBar, QTimer, QVBoxLayout, QWidget, Signal

REFRESH_MS = 10_000


def wall_clock() -> datetime:
    return datetime.now().astimezone()


class OccupancyView(QWidget):
    refreshed = Signal(list)  # the RoomNow rows on screen

    def __init__(
        self,
        replica: Replica,
        event: EventConfig,
        day: str,
        now: Callable[[], datetime],
        *,
        live: bool = True,
    ) -> None:
        super().__init__()
        self.setObjectName("occupancy")
        self.replica, self.config, self.day, self.now = replica, event, day, now
        self.title = label(28, "occupancy_title", bold=True)
        self.sync = QLabel()  # the live exchange with the hub, when there is one
        self.sync.setObjectName("occupancy_sync")
        self.sync.hide()  # shown with the first exchange (a hub only)
        self.error = QLabel()
        self.error.setObjectName("occupancy_error")
        self.error.setStyleSheet("color: #A01818; font-size: 18px; font-weight: bold;")
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(10)
        self.heads = [label(15, f"head_{i}") for i in range(5)]
        for i, head in enumerate(self.heads):
            self.grid.addWidget(head, 0, i)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.title)
        layout.addWidget(self.sync)
        layout.addWidget(self.error)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.reading = False  # a read on the task pool not back yet
        self.closed = False  # the window closed: a read coming back shows nothing
        self.rows: list[tuple[QLabel, QLabel, QProgressBar, QLabel, DayCurve]] = []
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.setStyleSheet("#occupancy { background: #FFFFFF; } QLabel { color: #111111; }")
        self.live = live  # a window of its own: always ticking; a page: while shown
        if live:
            self.refresh()
            self.timer.start()

    def showEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)  # type: ignore[arg-type]
        if not self.live and not self.closed:
            self.refresh()
            self.timer.start()

    def hideEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        super().hideEvent(event)  # type: ignore[arg-type]
        if not self.live:
            self.timer.stop()

    def stop(self) -> None:
        """No more reads: the window closes (a read coming back shows nothing)."""
        self.timer.stop()
        self.closed = True

    def refresh(self) -> None:
        """Read on the task pool (the day's movements grow), shown when they come back."""
        if self.reading:
            return
        self.reading = True
        hhmm = self.config.local(self.now().isoformat()).strftime("%H:%M")
        replica, config, day = self.replica, self.config, self.day

        def read() -> tuple[str, list[RoomNow], dict[str, list[tuple[str, int]]]]:
            found = occupancy.overview(replica, config, day, hhmm)
            return hhmm, found, occupancy.day_curves(replica, config, day, hhmm)

        tasks.run(read, self._show, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.reading = False
        if self.closed:
            return
        if not isinstance(exc, KnownError):  # a bug: the crash path
            raise exc
        self.error.setText(exc.message)  # busy or damaged: the figures stay, the next tick retries
        self.error.show()

    def _show(self, read: tuple[str, list[RoomNow], dict[str, list[tuple[str, int]]]]) -> None:
        self.reading = False
        if self.closed:
            return
        hhmm, found, curves = read
        self.error.setText("")
        self.error.hide()
        self.title.setText(_("Occupation des salles — {day} à {time}", day=self.day, time=hhmm))
        self.setWindowTitle(_("Occupation des salles"))
        while len(self.rows) < len(found):
            self._add_row(len(self.rows))
        for row, now in zip(self.rows, found, strict=False):
            _paint(row, now)
            row[4].set_curve(curves.get(now.room, []), now.capacity)
        self._heads(next(iter(curves.values()), []))
        self.refreshed.emit(found)

    def _heads(self, points: list[tuple[str, int]]) -> None:
        texts = (_("Salle"), _("Session en cours"), _("Présents / capacité"), "", _("La journée"))
        for head, text in zip(self.heads, texts, strict=True):
            head.setText(text)
        if points:
            self.heads[4].setText(_("La journée : {start} → {end}", start=points[0][0], end=points[-1][0]))
        self.heads[3].setText("")

    def _add_row(self, index: int) -> None:
        room = label(22, f"room_{index}", bold=True)
        session = label(17, f"session_{index}")
        bar = QProgressBar()
        bar.setObjectName(f"bar_{index}")
        bar.setTextVisible(False)
        bar.setFixedHeight(26)
        bar.setMinimumWidth(260)
        curve = DayCurve()
        curve.setObjectName(f"curve_{index}")
        count = label(24, f"count_{index}", bold=True)
        for column, widget in enumerate((room, session, bar, count, curve)):
            self.grid.addWidget(widget, index + 1, column)
        self.grid.setColumnStretch(1, 1)
        self.rows.append((room, session, bar, count, curve))


def _paint(row: tuple[QLabel, QLabel, QProgressBar, QLabel, DayCurve], now: RoomNow) -> None:
    room, session, bar, count, _curve = row
    room.setText(now.room)
    session.setText(session_line(now))
    count.setText(occupancy_text(now))
    bar.setVisible(now.capacity is not None)
    if now.capacity:
        bar.setRange(0, now.capacity)
        bar.setValue(min(now.inside, now.capacity))
        bar.setStyleSheet(bar_colour(now))
