"""The desk window: scan page (default), search, attendee card, status bar, banner.

The window owns no business rule: a scan goes to ``checkin.arrivals.scan.decide`` (one small
indexed write, fine on the GUI thread), printing to the print queue on its own threads,
counts and other reads that may grow to the task pool. Known errors end in the banner; any
other exception propagates to the crash handler (``sys.excepthook``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from checkin.arrivals.scan import Decision
from checkin.base import i18n
from checkin.base.i18n import _
from checkin.base.settings import DeskSettings
from checkin.replica import contents
from checkin.ui import tasks
from checkin.ui.door.occupancy import OccupancyView, wall_clock
from checkin.ui.frame import Frame
from checkin.ui.group.desk import GroupDesk
from checkin.ui.lead.actions import Lead
from checkin.ui.nav import NavBar
from checkin.ui.people.actions import People
from checkin.ui.printers.bridge import PrintBridge
from checkin.ui.printers.desk import DeskPrinting
from checkin.ui.qt import QApplication, QLabel, QMainWindow, QVBoxLayout, QWidget, Signal
from checkin.ui.ready.bar import ReadyBar
from checkin.ui.scan.flow import ScanFlow
from checkin.ui.session import DeskSession
from checkin.ui.staff.desk import StaffDesk
from checkin.ui.staff.recovery import RecoveryOffer
from checkin.ui.status import DeskStatus
from checkin.ui.sync.live import LiveSyncStatus
from checkin.ui.widgets import Banner

log = logging.getLogger(__name__)

STYLE = """
QMainWindow, QWidget#central { background: #FFFFFF; color: #111111; }
QPushButton { font-size: 16px; padding: 6px 8px; border: 2px solid #1B2631;
              border-radius: 6px; background: #F4F6F7; color: #111111; }
QPushButton:focus { border: 3px solid #1F4E9D; }
QPushButton:disabled { color: #6B6B6B; border: 2px dashed #9A9A9A; background: #FFFFFF; }
QPushButton#lead_on { background: #8A4B00; color: white; }
QStatusBar QLabel { font-size: 16px; padding: 0 6px; color: #111111; }
QLineEdit { border: 2px solid #1B2631; border-radius: 4px; padding: 4px; }
QLineEdit:focus { border: 3px solid #1F4E9D; }
"""


class DeskWindow(QMainWindow):
    """Assembles the features: each is built on the shared :class:`Frame` and wired here."""

    answer_shown = Signal(object)  # the Decision, once on screen
    results_shown = Signal(int)  # number of search results on screen
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
        self.setObjectName("desk")
        self.setStyleSheet(STYLE)
        self.frame = frame = Frame(session, settings, self)
        self.banner = Banner()
        self.empty_notice = ""  # the at-open notice that the desk holds no registration
        self.status = DeskStatus(frame)
        self.scan = ScanFlow(frame, burst_clock=burst_clock)
        self.people = People(frame)
        self.group = GroupDesk(frame)
        self.lead = Lead(frame)
        self.staff = StaffDesk(frame, lambda: self.status.seq)
        self.rooms = OccupancyView(session.replica, session.event, session.day, wall_clock, live=False)
        self.ready_bar = ReadyBar(session, settings, self)
        self.printers = DeskPrinting(frame)
        self.sync = LiveSyncStatus(frame)
        self.recovery = RecoveryOffer(settings, self)
        self.nav = NavBar(session.event.short_name, self._actions(), self)
        self._wire()
        self._lay_out()
        self.rehearsal_label: QLabel | None = None
        if printing is not None:
            self.printers.attach(printing)
        self.retranslate()
        self.status.count_now()
        if settings.hub_url:
            self.sync.start(self.staff.tools.hub_url())

    def _actions(self) -> dict[str, Callable[[], None]]:
        return {
            "scan": self.show_scan,
            "search": self.people.show_search,
            "webcam": self.scan.open_webcam,
            "walkin": self.people.open_walkin,
            "staff": self.show_staff,
            "settings": self.lead.open_settings,
            "sound": self.toggle_sound,
            "lead": self.lead.toggle,
            "language": self.toggle_language,
            "group": self.open_group,
        }

    def _wire(self) -> None:
        frame, status = self.frame, self.status
        frame.error_shown.connect(self._show_error)
        frame.damaged.connect(self._damaged)
        self.scan.take_test_page = self.ready_bar.take_scan
        self.scan.printing = lambda: self.printers.bridge
        self.scan.answered.connect(self._answered)
        self.people.search.results_shown.connect(self.results_shown.emit)
        self.people.search.back.connect(self.show_scan)
        self.people.answer.connect(self.scan.answer)
        self.people.print_wanted.connect(
            lambda p, reason, again: self.printers.print_badge(p, reason=reason, reprint=again)
        )
        self.people.arrivals_changed.connect(status.refresh_counts)
        self.lead.role_changed.connect(self._role_changed)
        self.lead.applied.connect(self._settings_applied)
        self.lead.printer_names = self.printers.printer_names
        self.lead.open_scanner_check = self.scan.open_scanner_check
        self.printers.shown_state.connect(self.scan.show_print_state)
        self.staff.tools.finished.connect(self._staff_done)
        self.staff.tools.purge_started.connect(self.sync.stop)
        self.staff.tools.purge_finished.connect(self.on_purged)
        self.staff.tools.wait_for_sync = self.sync.wait_stopped
        self.staff.counts.connect(status.show_counts)
        self.staff.shown.connect(self.staff_shown.emit)
        self.ready_bar.arrivals_changed.connect(status.refresh_counts)
        self.scan.answered.connect(self.group.offer)
        self.group.printing = lambda: self.printers.bridge
        self.group.arrivals_changed.connect(status.refresh_counts)
        self.group.page.back.clicked.connect(self.show_scan)
        self.sync.online.connect(status.refresh_counts)
        self.sync.purged.connect(lambda: self.on_purged(True))

    def _lay_out(self) -> None:
        self.staff.page.box.insertWidget(1, self.ready_bar)
        self.staff.page.add_rooms(self.rooms)  # the staff view's « Salles » tab
        stack = self.frame.stack
        stack.currentChanged.connect(lambda _i: self.staff.follow(stack.currentWidget() is self.staff.page))
        for page in (self.scan.page, self.people.search, self.people.card, self.staff.page, self.group.page):
            stack.addWidget(page)
        scan_layout = self.scan.page.layout()
        assert isinstance(scan_layout, QVBoxLayout)
        scan_layout.insertWidget(1, self.group.strip)  # under the answer, above the code field
        central = QWidget()
        central.setObjectName("central")
        layout = self.central_layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 8, 10, 4)
        layout.addLayout(self.nav.row)
        layout.addWidget(self.banner)
        layout.addWidget(stack, 1)
        self.setCentralWidget(central)
        bar = self.statusBar()
        status = self.status
        for label in (
            status.day,
            status.desk,
            status.counts,
            self.printers.label,
            self.sync.label,
            status.backup,
        ):
            bar.addWidget(label)
        bar.addWidget(status.error, 1)

    # -- lifecycle --------------------------------------------------------------------
    def start_listening(self) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.scan.start_listening(app)
        app.installEventFilter(self.lead.lock)

    def stop_listening(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.removeEventFilter(self.lead.lock)
        self.scan.stop_listening(app if isinstance(app, QApplication) else None)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        self.stop_listening()
        self.sync.stop()
        self.rooms.stop()
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

    # -- how the features meet --------------------------------------------------------
    def open_group(self) -> None:
        """F5: the group the search page's text names, else the last answer's group."""
        if self.frame.stack.currentWidget() is self.people.search and self.people.search.field.text().strip():
            self.group.open_text(self.people.search.field.text().strip())
        else:
            self.group.open_offered()

    def _show_error(self, message: str) -> None:
        self.banner.show_message(message)
        self.status.error.setText(message)

    def _damaged(self, exc: Any) -> None:
        self.frame.show_error(exc.message)
        self.recovery.offer(exc)

    def _answered(self, decision: Decision) -> None:
        self.printers.follow(decision)
        self.answer_shown.emit(decision)
        if decision.shown.outcome == "admitted":
            self.status.note_admission()
            self.printers.print_on_arrival(decision)

    def _role_changed(self, is_lead: bool) -> None:
        self.people.card.set_lead(is_lead)
        if not is_lead and self.frame.stack.currentWidget() is self.staff.page:
            self.show_scan()
        self.nav.set_lead(is_lead)
        self.retranslate()

    def _settings_applied(self, day_changed: bool, port_changed: bool) -> None:
        if day_changed:
            self.people.set_day(self.session.day)
            self.rooms.day = self.session.day
            self.status.refresh_counts()
        self.scan.page.set_ready_delay(self.settings.ready_delay_s)
        self.scan.sounds.muted = self.settings.muted
        if port_changed:
            self.scan.serial_port_changed()
        self.retranslate()

    def say_empty(self, message: str) -> None:
        """Say at open that the desk holds no registration; the notice goes once an import
        or an exchange brought some (:meth:`_staff_done`)."""
        self.empty_notice = message
        self.frame.show_error(message)

    def _filled(self, count: int) -> None:
        notice = self.empty_notice
        if not count or not notice:
            return
        self.empty_notice = ""
        if self.banner.text == notice:
            self.banner.dismiss()
        if self.frame.last_error == notice:
            self.frame.last_error = ""
            self.status.error.setText("")

    def _staff_done(self, message: str) -> None:
        self.frame.say(message, 10_000)
        self.frame.save_settings()
        self.status.refresh_counts()
        self.staff.refresh()  # the staff view's figures now, not at their next 30 s round
        if self.empty_notice:
            replica = self.session.replica
            tasks.run(lambda: contents.registration_count(replica), self._filled, owner=self)
        if self.settings.hub_url and self.sync.relay is None:
            self.sync.start(self.staff.tools.hub_url())

    def on_purged(self, emptied: bool) -> None:
        """After a purge no page may keep showing a name that is gone from the disk; the
        session stays (the purge ran through its replica), the desk simply shows empty."""
        if emptied:
            self.scan.forget()
            self.people.forget()
            self.printers.current_uid = self.printers.current_job = ""
            self.staff.refresh()
            self.status.refresh_counts()
        if self.settings.hub_url and self.sync.relay is None:
            self.sync.start(self.staff.tools.hub_url())

    # -- navigation, sound, language --------------------------------------------------
    def show_scan(self) -> None:
        self.frame.show(self.scan.page)
        self.scan.page.code_field.setFocus()

    def show_staff(self) -> None:
        if self.frame.lead_only():
            self.frame.show(self.staff.page)
            self.staff.refresh()

    def toggle_sound(self) -> None:
        self.scan.sounds.muted = self.settings.muted = not self.scan.sounds.muted
        self.frame.save_settings()
        self.retranslate()

    def toggle_language(self) -> None:
        self.set_language("en" if i18n.language() == "fr" else "fr")

    def set_language(self, language: str) -> None:
        i18n.set_language(language)
        self.settings.language = language
        self.frame.save_settings()
        self.retranslate()

    def retranslate(self) -> None:
        is_lead = self.lead.lock.is_lead
        self.nav.retranslate(is_lead=is_lead, muted=self.scan.sounds.muted)
        self.setWindowTitle(_("{event} — accueil", event=self.session.event.short_name))
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
        self.scan.page.retranslate()
        self.people.retranslate()
        self.staff.retranslate()
        if self.rooms.isVisible():  # its words come with its figures: read them again
            self.rooms.refresh()
        self.ready_bar.retranslate()
        self.status.paint()
        self.printers.paint()
