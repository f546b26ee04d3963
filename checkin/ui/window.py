"""The desk window: scan page (default), search, attendee card, status bar, banner.

The window owns no business rule: a scan goes to ``checkin.arrivals.scan.decide`` (one small
indexed write, fine on the GUI thread), printing to the print queue on its own threads,
counts and other reads that may grow to the task pool. Known errors end in the banner; any
other exception propagates to the crash handler (``sys.excepthook``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from checkin.base import i18n
from checkin.base.errors import DamagedReplica, KnownError
from checkin.base.i18n import _
from checkin.base.settings import DeskSettings
from checkin.replica.attendees import AttendeeView
from checkin.ui import tasks
from checkin.ui.lead.dialogs import ReasonDialog, SettingsDialog
from checkin.ui.lead.lock import LeadLock, PinDialog, no_pin_message
from checkin.ui.people.card import CardPage
from checkin.ui.people.dialogs import EditDialog, NoteDialog, WalkinDialog
from checkin.ui.people.search import SearchPage
from checkin.ui.printers.bridge import PrintBridge, state_text
from checkin.ui.qt import (
    QApplication,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMainWindow,
    QPushButton,
    QShortcut,
    QSizePolicy,
    QStackedWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from checkin.ui.ready.bar import ReadyBar
from checkin.ui.scan.answer import ScanPage
from checkin.ui.scan.burst import Burst, BurstConfig, BurstFilter
from checkin.ui.scan.sounds import Sounds
from checkin.ui.session import DeskSession
from checkin.ui.staff.tools import LiveSyncRelay, StaffTools
from checkin.ui.staff.view import Figures, StaffPage, compute
from checkin.ui.widgets import Banner, tell

log = logging.getLogger(__name__)

STYLE = """
QMainWindow, QWidget#central { background: #FFFFFF; color: #111111; }
QPushButton { font-size: 16px; padding: 6px 8px; border: 2px solid #1B2631;
              border-radius: 6px; background: #F4F6F7; color: #111111; }
QPushButton:focus { border: 3px solid #1F4E9D; }
QPushButton:disabled { color: #6B6B6B; border: 2px dashed #9A9A9A; background: #FFFFFF; }
QPushButton#lead_on { background: #8A4B00; color: white; }
QStatusBar QLabel { font-size: 16px; padding: 0 10px; color: #111111; }
QLineEdit { border: 2px solid #1B2631; border-radius: 4px; padding: 4px; }
QLineEdit:focus { border: 3px solid #1F4E9D; }
"""


class DeskWindow(QMainWindow):
    answer_shown = Signal(object)  # the Decision, once on screen
    results_shown = Signal(int)  # number of search results on screen
    counts_updated = Signal(int, int)
    staff_shown = Signal(object)  # the staff view's Figures

    def __init__(
        self,
        session: DeskSession,
        settings: DeskSettings,
        printing: PrintBridge | None,
        *,
        burst_clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.printing = printing
        self.event_config = session.event
        self.last_error = ""
        self.current_uid = ""
        self.current_job = ""
        self.today: Callable[[], date] = date.today  # tests set another day
        self.setObjectName("desk")
        self.setStyleSheet(STYLE)
        self.sounds = Sounds(settings.muted)
        self.serial: Any = None
        self.lock = LeadLock(settings, self, provisioned=session.event.lead_pin_hash)
        self.lock.changed.connect(self._role_changed)
        self.burst = BurstFilter(
            BurstConfig(settings.scanner_max_gap_ms, settings.scanner_min_length),
            clock=burst_clock,
            parent=self,
        )
        self.burst.captured.connect(self.on_burst)
        from checkin.arrivals.scanner_check import remembered_layouts

        session.layouts = remembered_layouts(settings)
        self.refused_scans = 0

        # header
        self.title = QLabel(self.event_config.short_name)
        self.title.setStyleSheet("font-size: 22px; font-weight: bold;")
        # The event's name gives way to the buttons on a 1366-pixel screen.
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.nav: dict[str, QPushButton] = {}
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        actions = {
            "scan": self.show_scan,
            "search": self.show_search,
            "walkin": self.open_walkin,
            "staff": self.show_staff,
            "settings": self.open_settings,
            "sound": self.toggle_sound,
            "lead": self.toggle_lead,
            "language": self.toggle_language,
        }
        for name, slot in actions.items():
            button = QPushButton()
            button.setObjectName(f"nav_{name}")
            button.clicked.connect(slot)
            self.nav[name] = button
            header.addWidget(button)
        for key, slot in (
            ("F1", self.show_scan),
            ("F2", self.show_search),
            ("F3", self.open_webcam),
            ("F4", self.open_walkin),
            ("F6", self.show_staff),
            ("F10", self.open_settings),
            ("F8", self.toggle_sound),
            ("F9", self.toggle_lead),
            ("F12", self.toggle_language),
        ):
            QShortcut(QKeySequence(key), self).activated.connect(slot)

        self.banner = Banner()
        self.scan_page = ScanPage(self.event_config, settings.ready_delay_s)
        self.scan_page.manual_code.connect(self.on_scan)
        self.search_page = SearchPage(self.event_config, session.find)
        self.search_page.failed.connect(self.on_task_error)
        self.search_page.results_shown.connect(self.results_shown.emit)
        self.search_page.opened.connect(self.open_card)
        self.search_page.back.connect(self.show_scan)
        self.card_page = CardPage(self.event_config)
        self.card_page.set_day(session.day)
        self.card_page.back.connect(self.show_search)
        self.card_page.action.connect(self.card_action)
        self.staff_page = StaffPage(self.event_config)
        self.staff_tools = StaffTools(session, self.settings)
        self.staff_tools.finished.connect(self.on_staff_done)
        self.staff_tools.failed.connect(self.on_task_error)
        self.staff_tools.purge_started.connect(self.stop_live_sync)
        self.staff_tools.purge_finished.connect(self.on_purged)
        self.staff_page.box.insertWidget(1, self.staff_tools)
        self.ready_bar = ReadyBar(session, settings, self)
        self.ready_bar.arrivals_changed.connect(self.refresh_counts)
        self.staff_page.box.insertWidget(1, self.ready_bar)
        self.staff_timer = QTimer(self)
        self.staff_timer.setInterval(30_000)
        self.staff_timer.timeout.connect(self.refresh_staff)
        self.stack = QStackedWidget()
        self.stack.currentChanged.connect(
            lambda _i: (
                self.staff_timer.start()
                if self.stack.currentWidget() is self.staff_page
                else self.staff_timer.stop()
            )
        )
        for page in (self.scan_page, self.search_page, self.card_page, self.staff_page):
            self.stack.addWidget(page)

        central = QWidget()
        central.setObjectName("central")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 8, 10, 4)
        layout.addLayout(header)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.central_layout = layout
        self.rehearsal_label: QLabel | None = None

        # status bar
        self.status_day = QLabel()
        self.status_desk = QLabel()
        self.status_counts = QLabel()
        self.status_printer = QLabel()
        self.status_error = QLabel()
        self.status_error.setStyleSheet("color: #A01818; font-weight: bold;")
        self.status_sync = QLabel()
        self.status_backup = QLabel()
        self.recovery_choice = ""  # set when the lead chose to repair a damaged replica
        bar = self.statusBar()
        for w in (
            self.status_day,
            self.status_desk,
            self.status_counts,
            self.status_printer,
            self.status_sync,
            self.status_backup,
        ):
            bar.addWidget(w)
        bar.addWidget(self.status_error, 1)
        self.arrived = 0
        self._count_seq = 0  # bumped by every change that a count in flight may have missed
        self.expected = 0
        self.counts_timer = QTimer(self)
        self.counts_timer.setSingleShot(True)
        self.counts_timer.setInterval(1500)
        self.counts_timer.timeout.connect(self._count_now)

        self.printing = None
        self._pending_prints: list[tuple[AttendeeView, str, bool]] = []
        if printing is not None:
            self.attach_printing(printing)
        self.live_sync: LiveSyncRelay | None = None
        self.stopping_syncs: list[LiveSyncRelay] = []  # asked to stop, maybe not ended yet
        self.staff_tools.wait_for_sync = self.wait_live_sync_stopped
        self.retranslate()
        self._count_now()
        if self.settings.hub_url:
            self.start_live_sync()

    # -- lifecycle --------------------------------------------------------------------
    def attach_printing(self, printing: PrintBridge) -> None:
        """Printing may start after the window is up (its libraries take a while to load)."""
        self.printing = printing
        printing.setParent(self)
        printing.job_changed.connect(self.on_job)
        printing.failed.connect(self.on_task_error)
        self._paint_printer_status()
        pending, self._pending_prints = self._pending_prints, []
        for person, reason, reprint in pending:
            self.print_badge(person, reason=reason, reprint=reprint)
        if self.settings.auto_print:  # a badge whose admission was answered just before a crash
            printing.recover_unqueued(self.session.replica.desk_id, self.session.day, self.session.desk)

    def start_listening(self) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.burst.install(app)
        app.installEventFilter(self.lock)
        self.start_listening_serial()

    def start_listening_serial(self) -> None:
        if self.settings.serial_port and self.serial is None:
            from checkin.ui.scan.serial_scanner import SerialScanner

            scanner = SerialScanner(self.settings.serial_port, parent=self)
            scanner.scanned.connect(self.on_scan)
            try:
                scanner.open()
            except KnownError as exc:
                self.show_error(exc.message)
            self.serial = scanner

    def stop_listening(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.burst.uninstall(app)
            app.removeEventFilter(self.lock)
        if self.serial is not None:
            self.serial.close()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        self.stop_listening()
        self.stop_live_sync()
        super().closeEvent(event)

    def set_rehearsal(self, where: str) -> None:
        """Rehearsal mode: a strip no one can miss or close, on every page. The desk works
        on a copy in ``where``; nothing reaches the real replica or hub."""
        label = QLabel()
        label.setObjectName("rehearsal_banner")
        label.setWordWrap(True)
        label.setStyleSheet(
            "#rehearsal_banner { background: #5B2C83; color: white; font-size: 20px; font-weight: bold; padding: 6px 12px; }"
        )
        label.setProperty("where", where)
        self.central_layout.insertWidget(0, label)
        self.rehearsal_label = label
        self.retranslate()

    # -- errors -----------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        """A recoverable problem: banner + status bar, nothing blocks."""
        self.last_error = message
        self.banner.show_message(message)
        self.status_error.setText(message)

    def on_task_error(self, exc: BaseException) -> None:
        if isinstance(exc, DamagedReplica):
            self.offer_recovery(exc)
            return
        if isinstance(exc, KnownError):
            self.show_error(exc.message)
            return
        import sys

        sys.excepthook(type(exc), exc, exc.__traceback__)

    def _guard(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except DamagedReplica as exc:
            self.offer_recovery(exc)
            return None
        except KnownError as exc:
            self.show_error(exc.message)
            return None

    def offer_recovery(self, exc: DamagedReplica) -> None:
        """The replica turned out damaged while the desk runs: say so, and offer (once) to
        close the desk, repair it (restore a backup, or rebuild from the hub) and reopen."""
        self.show_error(exc.message)
        if getattr(self, "recovery_dialog", None) is not None:
            return
        from checkin.replica import backup
        from checkin.ui.staff.recovery import RecoveryDialog

        dialog = RecoveryDialog(
            Path(str(exc.path)),
            exc.problem,
            backup.folder_for(self.settings.backup_dir),
            self.settings.hub_url,
            self,
        )

        def chosen() -> None:
            self.recovery_choice = dialog.choice
            QApplication.quit()

        dialog.accepted.connect(chosen)
        self.recovery_dialog = dialog
        dialog.open()

    # -- scanning ---------------------------------------------------------------------
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
        if self.ready_bar.take_scan(text):  # a pre-flight test page, not a ticket
            self.statusBar().showMessage(_("Page de test lue : voir la page Préparation."), 8000)
            return
        decision = self._guard(lambda: self.session.scan(text))
        if decision is None:
            return
        self.show_decision(decision)

    def show_decision(self, decision: Any) -> None:
        modal = QApplication.activeModalWidget()
        self.stack.setCurrentWidget(self.scan_page)
        self.scan_page.show_decision(decision)
        if modal is None:
            self.scan_page.code_field.setFocus()
        shown = decision.shown
        self.current_uid = shown.attendee.uid if shown.attendee else ""
        self.current_job = ""
        self.sounds.play_outcome(shown.outcome)
        self.answer_shown.emit(decision)
        if shown.outcome == "admitted":
            self.note_admission()
            if self.settings.auto_print and self.printing is not None and shown.attendee:
                self.scan_page.panel.set_print_state(_("Badge : envoi à l'imprimante…"))
                self.print_badge(shown.attendee)

    def print_badge(self, person: AttendeeView, *, reason: str = "", reprint: bool = False) -> None:
        if self.printing is None:
            # Admitted in the first instant, before the queue was up: printed on attach.
            self._pending_prints.append((person, reason, reprint))
            return
        uid = person.uid

        def queued(job_id: str) -> None:
            if self.current_uid == uid:
                self.current_job = job_id

        self.printing.enqueue_badge(
            person,
            printer=self.settings.printer or None,
            reason=reason,
            reprint=reprint,
            desk=self.session.desk,
            role=self.lock.role,
            on_done=queued,
        )

    def on_job(self, job: Any) -> None:
        text = state_text(job)
        if job.attendee_uid == self.current_uid and self.scan_page.panel.decision is not None:
            self.current_job = job.id
            self.scan_page.panel.set_print_state(text)
        if job.state == "failed":
            self.show_error(
                _("Impression impossible ({printer}) : {error}", printer=job.printer, error=job.error)
            )
        self._paint_printer_status()

    # -- navigation -------------------------------------------------------------------
    def show_scan(self) -> None:
        self.stack.setCurrentWidget(self.scan_page)
        self.scan_page.code_field.setFocus()

    def show_search(self) -> None:
        self.stack.setCurrentWidget(self.search_page)
        self.search_page.focus()

    # -- staff workflows and live sync ------------------------------------------------
    def on_staff_done(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)
        self._save_settings()
        self.refresh_counts()
        if self.settings.hub_url and self.live_sync is None:
            self.start_live_sync()

    def on_purged(self, emptied: bool) -> None:
        """After a purge no page may keep showing a name that is gone from the disk; the
        session stays (the purge ran through its replica), the desk simply shows empty."""
        if emptied:
            self.scan_page.ready_timer.stop()
            self.scan_page.panel.show_ready()
            self.search_page.field.clear()
            self.search_page.model.set_results([])
            self.card_page.data = None
            self.card_page.body.setText("")
            self.current_uid = self.current_job = ""
            self.refresh_staff()
            self.refresh_counts()
        if self.settings.hub_url and self.live_sync is None:
            self.start_live_sync()

    def start_live_sync(self) -> None:
        """Exchange in the background while the hub answers; the status bar says how."""
        url = self.staff_tools.hub_url()
        if not url:
            return
        self.live_sync = LiveSyncRelay(
            self.session.replica,
            url,
            self.session.desk,
            self,
            desk_fields=self.session.event.desk_fields,
            interval=float(self.settings.sync_interval_s),
        )
        self.live_sync.changed.connect(self.on_sync_state)
        self.live_sync.purged.connect(lambda: self.on_purged(True))
        self.live_sync.failed.connect(self.on_task_error)
        self.live_sync.start()

    def stop_live_sync(self) -> None:
        """Returns at once (never blocks the window); the thread ends after its exchange."""
        if self.live_sync is not None:
            self.live_sync.stop()
            self.stopping_syncs.append(self.live_sync)
            self.live_sync = None

    def wait_live_sync_stopped(self, timeout: float = 30.0) -> bool:
        """Off the GUI thread only: True once every live sync asked to stop has ended."""
        for relay in list(self.stopping_syncs):
            if not relay.wait(timeout):
                return False
        return True

    def on_sync_state(self, text: str, online: bool) -> None:
        self.stopping_syncs = [r for r in self.stopping_syncs if not r.wait(0)]
        self.status_sync.setText(_("Synchro : {state}", state=text))
        self.status_sync.setStyleSheet("" if online else "color: #8A4B00; font-weight: bold;")
        if online:
            self.refresh_counts()

    def show_staff(self) -> None:
        if not self.lock.is_lead:
            self.show_error(_("Action réservée au responsable : déverrouillez avec le code PIN (F9)."))
            return
        self.stack.setCurrentWidget(self.staff_page)
        self.refresh_staff()

    def refresh_staff(self) -> None:
        session = self.session
        seq = self._count_seq

        def done(figures: Figures) -> None:
            try:
                self.staff_page.show_figures(figures)
                if seq == self._count_seq:  # same data, same rule: the status bar agrees
                    self._show_counts(figures.arrived, figures.expected)
                self.staff_shown.emit(figures)
            except RuntimeError:
                log.debug("figures arrived after the window closed")

        tasks.run(lambda: compute(session.replica, session.event, session.day), done, self.on_task_error)

    def run_search(self, text: str) -> None:
        self.search_page.field.setText(text)

    def open_card(self, person: AttendeeView) -> None:
        data = self._guard(lambda: self.session.card(person.uid))
        if data is None:
            return
        self.card_page.show_card(data, lead=self.lock.is_lead)
        self.stack.setCurrentWidget(self.card_page)
        self.card_page.buttons["back"].setFocus()

    def _reopen_card(self) -> None:
        if self.card_page.data is not None:
            self.open_card(self.card_page.data.attendee)

    # -- the lead ---------------------------------------------------------------------
    def toggle_lead(self) -> None:
        if self.lock.is_lead:
            self.lock.lock()
            return
        if not self.lock.has_pin:
            self.show_error(no_pin_message())
            return
        dialog = PinDialog(self.lock, self)
        dialog.open()
        self.pin_dialog = dialog

    def _role_changed(self, is_lead: bool) -> None:
        self.session.role = self.lock.role
        self.card_page.set_lead(is_lead)
        self.nav["walkin"].setEnabled(is_lead)
        self.nav["staff"].setEnabled(is_lead)
        self.nav["settings"].setEnabled(is_lead)
        if not is_lead and self.stack.currentWidget() is self.staff_page:
            self.show_scan()
        self.nav["lead"].setObjectName("lead_on" if is_lead else "nav_lead")
        self.nav["lead"].setStyleSheet("background: #8A4B00; color: white;" if is_lead else "")
        self.retranslate()

    def card_action(self, name: str) -> None:
        data = self.card_page.data
        if data is None:
            return
        person = data.attendee
        if name == "checkin":
            decision = self._guard(lambda: self.session.scan(person.code))
            if decision is not None:
                self.show_decision(decision)
            return
        if not self.lock.is_lead:
            self.show_error(_("Action réservée au responsable : déverrouillez avec le code PIN (F9)."))
            return
        if name == "reprint":
            dialog: Any = ReasonDialog(person.full_name, self)
            dialog.accepted.connect(lambda: self.do_reprint(person, dialog.value()))
        elif name == "undo":
            dialog = NoteDialog(
                _("Annuler l'arrivée"), _("Annuler l'arrivée de {name}", name=person.full_name), self
            )
            dialog.accepted.connect(lambda: self.do_undo(dialog.value()))
        elif name == "admit":
            dialog = NoteDialog(
                _("Admettre quand même"), _("Admettre {name} aujourd'hui", name=person.full_name), self
            )
            dialog.accepted.connect(lambda: self.do_admit(person, dialog.value()))
        elif name == "edit":
            values = {f: getattr(person, f) for f in EditDialog.FIELDS}
            dialog = EditDialog(values, self)
            dialog.accepted.connect(lambda: self.do_edit(person, dialog.changes()))
        else:
            return
        self.dialog = dialog
        dialog.open()

    def do_reprint(self, person: AttendeeView, reason: str) -> None:
        self.print_badge(person, reason=reason, reprint=True)
        self.statusBar().showMessage(_("Réimpression demandée pour {name}", name=person.full_name), 5000)

    def do_undo(self, reason: str) -> None:
        data = self.card_page.data
        if data is None or not data.standing:
            return
        fact_id = data.standing[0].id
        if self._guard(lambda: self.session.undo(fact_id, reason)) is not None:
            self.refresh_counts()
            self._reopen_card()

    def do_admit(self, person: AttendeeView, reason: str) -> None:
        if self._guard(lambda: self.session.checkin(person, override=reason)) is not None:
            self.refresh_counts()
            if self.settings.auto_print:
                self.print_badge(person)
            self._reopen_card()

    def do_edit(self, person: AttendeeView, changes: dict[str, str]) -> None:
        for field_name, value in changes.items():
            if self._guard(functools.partial(self.session.edit, person.uid, field_name, value)) is None:
                return
        self._reopen_card()

    def open_webcam(self) -> None:
        """F3: read a code with the camera when the scanner is gone (anyone may)."""
        from checkin.ui.scan.webcam import WebcamDialog

        dialog = WebcamDialog(self)
        dialog.scanned.connect(self.on_scan)
        self.dialog = dialog
        dialog.open()

    def open_walkin(self) -> None:
        if not self.lock.is_lead:
            self.show_error(_("Action réservée au responsable : déverrouillez avec le code PIN (F9)."))
            return
        dialog = WalkinDialog(self.event_config, self)
        dialog.accepted.connect(lambda: self.do_walkin(dialog.values()))
        self.dialog = dialog
        dialog.open()

    def open_settings(self) -> None:
        if not self.lock.is_lead:
            self.show_error(_("Action réservée au responsable : déverrouillez avec le code PIN (F9)."))
            return
        printers = self.printing.printer_names() if self.printing else []
        days = [(d.iso, self.event_config.day_label(d.iso, i18n.language())) for d in self.event_config.days]
        if self.session.day not in {iso for iso, _label in days}:
            days.insert(0, (self.session.day, self.session.day))
        dialog = SettingsDialog(self.settings, printers, self, days=days, current_day=self.session.day)
        dialog.accepted.connect(lambda: self.apply_settings(dialog))
        dialog.scanner_button.clicked.connect(self.open_scanner_check)
        self.dialog = dialog
        dialog.open()

    def open_scanner_check(self) -> None:
        """The lead's scanner check (from the settings): what the scanner types, remembered."""
        if not self.lock.is_lead:
            self.show_error(_("Action réservée au responsable : déverrouillez avec le code PIN (F9)."))
            return
        from checkin.ui.scan.scanner_dialog import ScannerCheckDialog

        dialog = ScannerCheckDialog(self, QApplication.activeModalWidget() or self)
        dialog.checked.connect(lambda _result: self._scanner_checked())
        self.scanner_check = dialog
        dialog.open()

    def _scanner_checked(self) -> None:
        from checkin.arrivals.scanner_check import remembered_layouts

        self.session.layouts = remembered_layouts(self.settings)
        self.burst.config.max_gap_ms = self.settings.scanner_max_gap_ms
        self._save_settings()

    def apply_settings(self, dialog: SettingsDialog) -> None:
        port_before = self.settings.serial_port
        dialog.apply(self.settings)
        self.session.desk = self.settings.desk_name
        chosen = dialog.chosen_day()
        if chosen and chosen != self.session.day:
            self.session.day = chosen  # the lead's choice; facts from now on carry this day
            self.card_page.set_day(chosen)
            self.refresh_counts()
        if chosen:
            self.settings.choose_day(chosen)  # kept if the desk restarts today
        self.scan_page.set_ready_delay(self.settings.ready_delay_s)
        self.lock.set_idle_seconds(self.settings.idle_lock_s)
        self.sounds.muted = self.settings.muted
        if self.settings.serial_port != port_before:
            if self.serial is not None:
                self.serial.close()
                self.serial = None
            if self.settings.serial_port:
                self.start_listening_serial()
        i18n.set_language(self.settings.language)
        self._save_settings()
        self.retranslate()

    def do_walkin(self, values: dict[str, str]) -> None:
        person = self._guard(lambda: self.session.walkin(values))
        if person is None:
            return
        decision = self._guard(lambda: self.session.scan(person.code))
        if decision is not None:
            self.show_decision(decision)

    def toggle_sound(self) -> None:
        self.sounds.muted = self.settings.muted = not self.sounds.muted
        self._save_settings()
        self.retranslate()

    def _save_settings(self) -> None:
        try:
            self.settings.save()
        except OSError as exc:
            self.show_error(_("Réglages non enregistrés : {error}", error=exc))

    # -- language, status -------------------------------------------------------------
    def toggle_language(self) -> None:
        self.set_language("en" if i18n.language() == "fr" else "fr")

    def set_language(self, language: str) -> None:
        i18n.set_language(language)
        self.settings.language = language
        self._save_settings()
        self.retranslate()

    def retranslate(self) -> None:
        labels = {
            "scan": (_("Scan (F1)"), _("Écran de scan")),
            "search": (_("Recherche (F2)"), _("Rechercher une personne par nom")),
            "walkin": (_("Sur place (F4)"), _("Inscription sur place (responsable)")),
            "lead": (
                (_("Verrouiller (F9)"), _("Verrouiller les fonctions du responsable"))
                if self.lock.is_lead
                else (_("Responsable (F9)"), _("Déverrouiller avec le code PIN du responsable"))
            ),
            "staff": (_("Tableau (F6)"), _("Arrivées en direct (responsable)")),
            "settings": (_("Réglages (F10)"), _("Réglages du poste (responsable)")),
            "sound": (
                (_("Son coupé (F8)"), _("Rétablir le son"))
                if self.sounds.muted
                else (_("Son (F8)"), _("Couper le son"))
            ),
            "language": (
                "English (F12)" if i18n.language() == "fr" else "Français (F12)",
                _("Changer de langue"),
            ),
        }
        for name, (text, accessible) in labels.items():
            self.nav[name].setText(text)
            self.nav[name].setAccessibleName(accessible)
        self.nav["walkin"].setEnabled(self.lock.is_lead)
        self.nav["staff"].setEnabled(self.lock.is_lead)
        self.nav["settings"].setEnabled(self.lock.is_lead)
        self.setWindowTitle(_("{event} — accueil", event=self.event_config.short_name))
        if self.rehearsal_label is not None:
            self.rehearsal_label.setText(
                _(
                    "RÉPÉTITION / REHEARSAL — rien de ce qui est fait ici n'atteint la vraie base ni le hub "
                    "(copie de travail : {where})",
                    where=self.rehearsal_label.property("where"),
                )
            )
            self.setWindowTitle(_("RÉPÉTITION — {title}", title=self.windowTitle()))
        self.banner.retranslate()
        self.scan_page.retranslate()
        self.search_page.retranslate()
        self.card_page.retranslate()
        self.staff_page.retranslate()
        self.staff_tools.retranslate()
        self.ready_bar.retranslate()
        self._paint_status()

    def _paint_status(self) -> None:
        day = self.event_config.day_label(self.session.day, i18n.language())
        today = self.today()
        if self.event_config.day(today.isoformat()) is None:
            # The desk works on an event day all the same (the lead chooses which in the
            # settings): say so, or a rehearsal on the eve looks like the real day.
            self.status_day.setText(
                _(
                    "Jour : {day} (aujourd'hui, {today}, hors événement)",
                    day=day,
                    today=today.strftime("%d/%m"),
                )
            )
            self.status_day.setStyleSheet("color: #8A4B00; font-weight: bold;")
        else:
            self.status_day.setText(_("Jour : {day}", day=day))
            self.status_day.setStyleSheet("")
        self.status_desk.setText(
            _("Poste : {desk}", desk=self.session.desk) + (_(" — responsable") if self.lock.is_lead else "")
        )
        self.status_counts.setText(
            _("Arrivées : {arrived} / {expected}", arrived=self.arrived, expected=self.expected)
        )
        self._paint_printer_status()
        self.status_error.setText(self.last_error)

    def _paint_printer_status(self) -> None:
        if self.printing is None:
            self.status_printer.setText(_("Imprimante : aucune"))
            return
        errors = self.printing.errors
        if errors:
            name = next(iter(errors))
            self.status_printer.setText(_("Imprimante {name} : en erreur", name=name))
            self.status_printer.setStyleSheet("color: #A01818; font-weight: bold;")
        else:
            name = self.settings.printer or "files"
            self.status_printer.setText(_("Imprimante {name} : prête", name=name))
            self.status_printer.setStyleSheet("")

    def note_admission(self) -> None:
        """An admission at this desk is on the status bar at once: the scan's transaction
        found no standing check-in for the person that day (the rule of
        :mod:`checkin.replica.presence`), so they are one more here. The recount follows."""
        self._show_counts(self.arrived + 1, self.expected)
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """Recount soon: at most one count query per ``counts_timer`` interval, so a queue
        of arrivals at a 100,000-person event does not keep a worker counting. A count
        still running from before is dropped when it comes back (it may have missed this
        change): an older figure never replaces a newer one."""
        self._count_seq += 1
        if not self.counts_timer.isActive():
            self.counts_timer.start()

    def _show_counts(self, arrived: int, expected: int) -> None:
        self.arrived, self.expected = arrived, expected
        self._paint_status()
        self.counts_updated.emit(arrived, expected)

    def _count_now(self) -> None:
        seq = self._count_seq

        def done(result: tuple[int, int]) -> None:
            if seq != self._count_seq:
                return  # something changed while it counted: a newer count is coming
            try:
                self._show_counts(*result)
            except RuntimeError:  # the window was closed meanwhile
                log.debug("counts arrived after the window closed")

        tasks.run(self.session.counts, done, self.on_task_error)
