"""The door of a room: a scan anywhere → the door decision for the session the clock says
is in the room → the answer in big type with its sound; the room's ``inside / capacity``
always on top, refreshed. The session follows the clock: a timer asks which session the
room holds and the header changes by itself when the next one starts.

F2 (or the button) switches between entries and exits. After ``full`` or
``not_in_session`` the lead may admit the person anyway: the lead's PIN (the desk's
:class:`LeadLock`, wrong tries counted like everywhere), then a reason, recorded as a
forced entry (:func:`checkin.arrivals.rooms.force`) that the conflicts report lists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from checkin.arrivals import occupancy, rooms
from checkin.arrivals.rooms import DoorDecision
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.base.settings import DeskSettings
from checkin.replica.movements import Session
from checkin.ui.door.panels import DoorAnswer, RoomHeader
from checkin.ui.door.reason import ReasonDialog
from checkin.ui.lead.lock import LeadLock, PinDialog, no_pin_message
from checkin.ui.qt import (
    QApplication,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QPushButton,
    QShortcut,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from checkin.ui.scan.burst import Burst, BurstConfig, BurstFilter
from checkin.ui.scan.sounds import Sounds
from checkin.ui.session import DeskSession

log = logging.getLogger(__name__)

SOUND = {"admitted": "ok", "forced": "ok", "exit": "ok", "already_in": "warning"}
TICK_MS = 5_000  # how often the door asks the clock which session the room holds


@dataclass
class DoorParts:
    """What the door is built from (``build_door`` opens them; tests pass their own)."""

    session: DeskSession
    settings: DeskSettings
    lock: LeadLock
    room: str
    now: Callable[[], datetime]  # the venue's clock (tests move it)
    more_seats: Callable[[Session, int], None] | None = None  # the hub's seat lease, if any


class DoorStation(QWidget):
    answered = Signal(object)  # the DoorDecision, once on screen
    session_changed = Signal(object)  # the Session the door now serves, or None

    def __init__(self, parts: DoorParts) -> None:
        super().__init__()
        self.parts = parts
        self.setObjectName("door")
        self.target: Session | None = None
        self.last: DoorDecision | None = None
        self.header = RoomHeader()
        self.answer = DoorAnswer()
        self.exit_button = _button("door_exit_toggle")
        self.exit_button.setCheckable(True)
        self.exit_button.setMinimumWidth(220)  # bold when checked: the text keeps its room
        self.exit_button.setStyleSheet(
            "QPushButton { font-size: 20px; padding: 6px 16px; } "
            "QPushButton:checked { background: #1F4E9D; color: white; font-weight: bold; }"
        )
        self.exit_button.toggled.connect(self._direction_changed)
        self.force_button = _button("door_force")
        self.force_button.setStyleSheet(
            "font-size: 20px; padding: 6px 16px; background: #8A4B00; color: white; font-weight: bold;"
        )
        self.force_button.clicked.connect(self.ask_force)
        self.force_button.hide()
        self.sync = QLabel()  # the live exchange with the hub, when there is one
        self.sync.setObjectName("door_sync")
        self.error = QLabel()
        self.error.setObjectName("door_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #A01818; font-size: 18px; font-weight: bold;")
        self._lay_out()
        self.sounds = Sounds(parts.settings.muted)
        self.burst = BurstFilter(
            BurstConfig(parts.settings.scanner_max_gap_ms, parts.settings.scanner_min_length), parent=self
        )
        self.burst.captured.connect(self.on_burst)
        QShortcut(QKeySequence("F2"), self, self.exit_button.toggle)
        self.tick = QTimer(self)
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self.follow_clock)
        self.back = QTimer(self)
        self.back.setSingleShot(True)
        self.back.setInterval(max(1, parts.settings.ready_delay_s) * 1000)
        self.back.timeout.connect(self.go_ready)
        self.dialog: PinDialog | ReasonDialog | None = None
        self.retranslate()
        self.follow_clock(force=True)
        self.go_ready()
        self.tick.start()

    def _lay_out(self) -> None:
        row = QHBoxLayout()
        row.addWidget(self.exit_button)
        row.addWidget(self.sync)
        row.addWidget(self.error, 1)
        row.addWidget(self.force_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.header)
        layout.addWidget(self.answer, 1)
        layout.addLayout(row)

    def start_listening(self, app: QApplication) -> None:
        self.burst.install(app)
        app.installEventFilter(self.parts.lock)

    def stop_listening(self, app: QApplication) -> None:
        app.removeEventFilter(self.parts.lock)
        self.burst.uninstall(app)

    # -- the clock ---------------------------------------------------------------------
    def hhmm(self) -> str:
        return self.parts.session.event.local(self.parts.now().isoformat()).strftime("%H:%M")

    def follow_clock(self, force: bool = False) -> None:
        """The session the room holds now; the header changes when it changes."""
        s = self.parts.session
        try:
            target = rooms.serving(s.replica, self.parts.room, s.day, self.hhmm())
        except KnownError as exc:  # the desk is busy: the next tick asks again
            self.error.setText(exc.message)
            return
        if force or target != self.target:
            self.target = target
            log.info("door of %s serves %s", self.parts.room, target.code if target else "no session")
            self.session_changed.emit(target)
        self.refresh()

    def refresh(self) -> None:
        s = self.parts.session
        try:
            now = occupancy.at_door(s.replica, s.event, self.parts.room, self.target, s.day, self.hhmm())
            self.header.show_room(now)
        except KnownError as exc:
            self.error.setText(exc.message)

    # -- a scan ----------------------------------------------------------------------
    def on_burst(self, burst: Burst) -> None:
        if QApplication.activeModalWidget() is not None:  # the PIN or the reason: not a ticket
            self.sounds.play("error")
            return
        self.on_scan(burst.text)

    def on_scan(self, text: str) -> None:
        self.follow_clock()
        s, exit = self.parts.session, self.exit_button.isChecked()
        try:
            d = rooms.decide(
                s.replica, s.event, text, self.target, day=s.day, hhmm=self.hhmm(), desk=s.desk,
                exit=exit, more_seats=self.parts.more_seats,
            )  # fmt: skip
        except KnownError as exc:  # the desk is busy, a damaged file…: nothing was recorded
            self.error.setText(exc.message)
            self.sounds.play("error")
            return
        self.show_decision(d)

    def show_decision(self, d: DoorDecision) -> None:
        self.last = d
        self.error.setText("")
        self.answer.show_decision(d, rooms.instruction(d, self.parts.session.event))
        self.force_button.setVisible(d.outcome in rooms.FORCEABLE)
        self.sounds.play(SOUND.get(d.outcome, "stop"))
        self.refresh()
        self.back.start()
        self.answered.emit(d)

    def go_ready(self) -> None:
        self.force_button.hide()
        self.answer.ready(self.exit_button.isChecked())

    def _direction_changed(self, exit: bool) -> None:
        self.retranslate()
        self.go_ready()

    # -- the lead's override -----------------------------------------------------------
    def ask_force(self) -> None:
        """The refused person admitted anyway: the lead's PIN (unless the lead is already
        there), then the reason."""
        self.back.stop()  # the refusal stays on screen while the lead decides
        lock = self.parts.lock
        if lock.is_lead:
            self.ask_reason()
        elif not lock.has_pin:
            self.error.setText(no_pin_message())
        else:
            dialog = PinDialog(lock, self)
            dialog.accepted.connect(self.ask_reason)
            self.dialog = dialog
            dialog.open()

    def ask_reason(self) -> None:
        dialog = ReasonDialog(self.last.outcome if self.last else "", self)
        dialog.given.connect(self.force)
        # The door has no other lead function: the role ends with this admission (or its
        # cancelling), so the next refusal asks the PIN again.
        dialog.finished.connect(lambda _result: self.parts.lock.lock())
        self.dialog = dialog
        dialog.open()

    def force(self, reason: str) -> None:
        refused, s = self.last, self.parts.session
        if refused is None:
            return
        try:
            d = rooms.force(s.replica, refused, reason=reason, day=s.day, desk=s.desk)
        except KnownError as exc:
            self.error.setText(exc.message)
            return
        self.show_decision(d)

    def retranslate(self) -> None:
        exit = self.exit_button.isChecked()
        self.exit_button.setText(_("Sorties (F2)") if exit else _("Entrées (F2)"))
        self.force_button.setText(_("Admettre quand même (responsable)"))
        self.setWindowTitle(_("Porte — {room}", room=self.parts.room))


def _button(name: str) -> QPushButton:
    button = QPushButton()
    button.setObjectName(name)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a scan must never "press" it
    button.setMinimumHeight(48)
    button.setStyleSheet("font-size: 20px; padding: 6px 16px;")
    return button
