"""The scan flow: a code from the keyboard scanner (a burst, wherever the focus is), the
serial scanner, the webcam or the code field becomes a decision of the core
(``checkin.arrivals.scan.decide`` through the session: one small indexed write, fine on the
GUI thread), answered on the scan page with a sound. ``answered`` tells the window, which
follows with the counts and the badge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checkin.arrivals.scan import Decision
from checkin.arrivals.scanner_check import remembered_layouts
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.ui.frame import Frame
from checkin.ui.qt import QApplication, QObject, QWidget, Signal
from checkin.ui.scan.answer import ScanPage
from checkin.ui.scan.burst import Burst, BurstConfig, BurstFilter
from checkin.ui.scan.sounds import Sounds
from checkin.ui.widgets import tell


class ScanFlow(QObject):
    answered = Signal(object)  # the Decision, once on screen

    def __init__(self, frame: Frame, *, burst_clock: Callable[[], float] | None = None) -> None:
        super().__init__(frame)
        self.frame = frame
        settings = frame.settings
        self.page = ScanPage(frame.session.event, settings.ready_delay_s)
        self.page.manual_code.connect(self.on_scan)
        self.sounds = Sounds(settings.muted)
        self.serial: Any = None
        self.scanner_check: Any = None
        self.refused_scans = 0
        # A pre-flight test page read anywhere (the ready bar's): never decided as a ticket.
        self.take_test_page: Callable[[str], bool] = lambda _text: False
        self.printing: Callable[[], Any] = lambda: None  # the print bridge, for the test page
        self.burst = BurstFilter(
            BurstConfig(settings.scanner_max_gap_ms, settings.scanner_min_length),
            clock=burst_clock,
            parent=self,
        )
        self.burst.captured.connect(self.on_burst)
        frame.session.layouts = remembered_layouts(settings)

    # -- where codes come from --------------------------------------------------------
    def start_listening(self, app: QApplication) -> None:
        self.burst.install(app)
        self.start_serial()

    def stop_listening(self, app: QApplication | None) -> None:
        if app is not None:
            self.burst.uninstall(app)
        if self.serial is not None:
            self.serial.close()

    def start_serial(self) -> None:
        port = self.frame.settings.serial_port
        if port and self.serial is None:
            from checkin.ui.scan.serial_scanner import SerialScanner

            scanner = SerialScanner(port, parent=self)
            scanner.scanned.connect(self.on_scan)
            try:
                scanner.open()
            except KnownError as exc:
                self.frame.show_error(exc.message)
            self.serial = scanner

    def serial_port_changed(self) -> None:
        if self.serial is not None:
            self.serial.close()
            self.serial = None
        if self.frame.settings.serial_port:
            self.start_serial()

    def open_webcam(self) -> None:
        """F3: read a code with the camera when the scanner is gone (anyone may)."""
        from checkin.ui.scan.webcam import WebcamDialog

        dialog = WebcamDialog(self.frame.window)
        dialog.scanned.connect(self.on_scan)
        self.frame.open(dialog)

    def open_scanner_check(self) -> None:
        """The lead's scanner check (from the settings): what the scanner types, remembered."""
        if not self.frame.lead_only():
            return
        from checkin.ui.scan.scanner_dialog import ScannerCheckDialog

        window = self.frame.window
        dialog = ScannerCheckDialog(self.frame, self.printing(), QApplication.activeModalWidget() or window)
        dialog.checked.connect(lambda _result: self._scanner_checked())
        self.scanner_check = dialog
        dialog.open()

    def _scanner_checked(self) -> None:
        settings = self.frame.settings
        self.frame.session.layouts = remembered_layouts(settings)
        self.burst.config.max_gap_ms = settings.scanner_max_gap_ms
        self.frame.save_settings()

    # -- a code, answered -------------------------------------------------------------
    def on_burst(self, burst: Burst) -> None:
        """A scanner burst, wherever the focus was. With a modal dialog open the scan is
        refused (a sound and a sentence in the dialog; nothing was typed into it), unless
        the dialog reads scans itself (the scanner check, the webcam)."""
        modal = QApplication.activeModalWidget()
        if modal is None:
            self.on_scan(burst.text)
            return
        reader = getattr(modal, "take_scan", None)
        if callable(reader):
            reader(burst)
            return
        self.refuse_scan(modal)

    def refuse_scan(self, dialog: QWidget) -> None:
        self.refused_scans += 1
        self.sounds.play("error")
        tell(
            dialog,
            _("Scan ignoré : une fenêtre est ouverte. Terminez-la ou fermez-la, puis scannez à nouveau."),
        )

    def on_scan(self, text: str) -> None:
        if self.take_test_page(text):  # a pre-flight test page, not a ticket
            self.frame.say(_("Page de test lue : voir la page Préparation."), 8000)
            return
        self.answer(lambda: self.frame.session.scan(text))

    def answer(self, decide: Callable[[], Decision]) -> None:
        """Decide (a known error goes to the banner) and show the decision."""
        decision = self.frame.guard(decide)
        if decision is not None:
            self.show_decision(decision)

    def show_decision(self, decision: Decision) -> None:
        modal = QApplication.activeModalWidget()
        self.frame.show(self.page)
        note = self.frame.guard(lambda: self.frame.session.accessibility_note(decision.shown.attendee))
        self.page.show_decision(decision, note or "")
        if modal is None:
            self.page.code_field.setFocus()
        self.sounds.play_outcome(decision.shown.outcome)
        self.answered.emit(decision)

    def show_print_state(self, text: str) -> None:
        """The badge of the person on screen, while their answer is there."""
        if self.page.panel.decision is not None:
            self.page.panel.set_print_state(text)

    def forget(self) -> None:
        """After a purge: the ready screen, no name left on it."""
        self.page.ready_timer.stop()
        self.page.panel.show_ready()
