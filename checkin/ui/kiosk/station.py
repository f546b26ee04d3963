"""The kiosk's window: a scan anywhere → the answer of ``checkin.arrivals.kiosk`` on a big
screen with its sound → the badge handed to the print queue → back to the idle screen after
a few seconds.

The window is full screen and cannot be closed but through the lead's PIN: a key combination
(:data:`LEAVE_KEYS`) opens the PIN dialog, whose wrong tries :meth:`LeadLock.unlock` counts
like the desk's. While the dialog is open scans are ignored (nothing is typed into it).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from checkin.arrivals import kiosk
from checkin.arrivals.kiosk import KioskAnswer
from checkin.base import i18n
from checkin.base.errors import KnownError
from checkin.base.settings import DeskSettings
from checkin.ui.kiosk.pages import KioskPages
from checkin.ui.lead.lock import LeadLock, PinDialog
from checkin.ui.printers.bridge import PrintBridge
from checkin.ui.qt import (
    QApplication,
    QCloseEvent,
    QKeySequence,
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

LEAVE_KEYS = "Ctrl+Alt+Q"  # said to the lead at set-up, written nowhere on the screen
SOUND = {kiosk.WELCOME: "ok", kiosk.ALREADY: "warning", kiosk.DESK: "stop"}


@dataclass
class KioskParts:
    """What the station is built from (``build_kiosk`` opens them; tests pass their own)."""

    session: DeskSession
    settings: DeskSettings
    bridge: PrintBridge
    lock: LeadLock
    print_only: bool = False


class KioskStation(QWidget):
    answered = Signal(object)  # the KioskAnswer, once on screen
    badge_queued = Signal(str)  # the print job's id, handed to the queue
    left = Signal()  # the lead's PIN was right: the kiosk closes

    def __init__(self, parts: KioskParts) -> None:
        super().__init__()
        self.parts = parts
        self.setObjectName("kiosk")
        self.setWindowTitle(parts.session.event.name)
        self.pages = KioskPages()
        self.pages.language.clicked.connect(self.switch_language)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.sounds = Sounds(parts.settings.muted)
        self.burst = BurstFilter(
            BurstConfig(parts.settings.scanner_max_gap_ms, parts.settings.scanner_min_length), parent=self
        )
        self.burst.captured.connect(self.on_burst)
        self.back = QTimer(self)
        self.back.setSingleShot(True)
        self.back.setInterval(parts.settings.kiosk_return_s * 1000)
        self.back.timeout.connect(self.go_idle)
        self.leave = QShortcut(QKeySequence(LEAVE_KEYS), self)
        self.leave.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.leave.activated.connect(self.ask_pin)
        self.pin_dialog: PinDialog | None = None
        self.leaving = False
        self.scanned_at = 0.0  # perf_counter of the last scan (the bench's start mark)
        parts.bridge.failed.connect(self._print_failed)
        self.go_idle()

    def start_listening(self, app: QApplication) -> None:
        self.burst.install(app)

    def stop_listening(self, app: QApplication) -> None:
        self.burst.uninstall(app)

    # -- a scan ----------------------------------------------------------------------
    def on_burst(self, burst: Burst) -> None:
        if QApplication.activeModalWidget() is not None:  # the PIN dialog: not a ticket
            self.sounds.play("error")
            return
        self.on_scan(burst.text)

    def on_scan(self, text: str) -> None:
        self.scanned_at = time.perf_counter()
        parts = self.parts
        session = parts.session
        try:
            answer = kiosk.answer(
                session.replica,
                session.event,
                text,
                day=session.day,
                desk=session.desk,
                print_only=parts.print_only,
                layouts=session.layouts,
            )
        except KnownError as exc:  # the desk is busy, a damaged file…: the desk will help
            log.warning("kiosk scan not decided: %s", exc.message)
            answer = KioskAnswer(kiosk.DESK)
        self.show_answer(answer)
        if answer.kind == kiosk.WELCOME and answer.attendee is not None:
            parts.bridge.enqueue_badge(
                answer.attendee,
                printer=parts.settings.printer or None,
                desk=session.desk,
                on_done=self._queued,
            )

    def show_answer(self, answer: KioskAnswer) -> None:
        if answer.kind == kiosk.WELCOME and answer.attendee is not None:
            self.pages.show_welcome(answer.attendee.full_name)
        else:
            self.pages.show_kind(answer.kind)
        self.sounds.play(SOUND[answer.kind])
        self.back.start()
        self.answered.emit(answer)

    def _queued(self, job_id: Any) -> None:
        self.badge_queued.emit(str(job_id))

    def _print_failed(self, exc: BaseException) -> None:
        """A badge the queue refused (printed meanwhile at a desk…): the desk will help."""
        log.warning("kiosk badge not queued: %s", exc)
        self.pages.show_kind(kiosk.ALREADY if isinstance(exc, KnownError) else kiosk.DESK)
        self.back.start()

    def go_idle(self) -> None:
        self.pages.show_kind("idle")

    def switch_language(self) -> None:
        i18n.set_language("fr" if i18n.language() == "en" else "en")
        self.pages.retranslate()

    # -- leaving ---------------------------------------------------------------------
    def ask_pin(self) -> None:
        if self.pin_dialog is not None and self.pin_dialog.isVisible():
            return
        dialog = PinDialog(self.parts.lock, self)
        dialog.accepted.connect(self._leave)
        self.pin_dialog = dialog
        dialog.open()

    def _leave(self) -> None:
        self.leaving = True
        self.left.emit()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        """Alt+F4 and the like do nothing: only the lead's PIN closes the kiosk."""
        if self.leaving:
            event.accept()
        else:
            event.ignore()
            self.ask_pin()
