"""The window's printing: badges asked for (by a scan, a reprint, an admission anyway) go to
the print bridge; the state of the badge of the person on screen comes back as
``shown_state``; the printer's line in the status bar.

Printing may start after the window is up (its libraries take a while to load): a badge
asked for before is kept and sent when the bridge is attached.
"""

from __future__ import annotations

from typing import Any

from checkin.arrivals.scan import Decision
from checkin.base.i18n import _
from checkin.replica.attendees import AttendeeView
from checkin.ui.frame import Frame
from checkin.ui.printers.bridge import PrintBridge, state_text
from checkin.ui.qt import QLabel, QObject, Signal


class DeskPrinting(QObject):
    shown_state = Signal(str)  # the badge of the person on screen: where it is

    def __init__(self, frame: Frame) -> None:
        super().__init__(frame)
        self.frame = frame
        self.bridge: PrintBridge | None = None
        self.label = QLabel()
        self.current_uid = ""  # the person on screen
        self.current_job = ""
        self._pending: list[tuple[AttendeeView, str, bool]] = []

    def attach(self, bridge: PrintBridge) -> None:
        self.bridge = bridge
        bridge.setParent(self.frame.window)
        bridge.job_changed.connect(self.on_job)
        bridge.failed.connect(self.frame.task_error)
        self.paint()
        pending, self._pending = self._pending, []
        for person, reason, reprint in pending:
            self.print_badge(person, reason=reason, reprint=reprint)
        settings, session = self.frame.settings, self.frame.session
        if settings.auto_print:  # a badge whose admission was answered just before a crash
            bridge.recover_unqueued(session.replica.desk_id, session.day, session.desk)

    def printer_names(self) -> list[str]:
        return self.bridge.printer_names() if self.bridge else []

    def follow(self, decision: Decision) -> None:
        """A new answer on screen: its person's badge is the one whose state is shown."""
        shown = decision.shown
        self.current_uid = shown.attendee.uid if shown.attendee else ""
        self.current_job = ""

    def print_on_arrival(self, decision: Decision) -> None:
        """An admission's badge, at once when the desk prints on arrival."""
        shown = decision.shown
        if self.frame.settings.auto_print and self.bridge is not None and shown.attendee:
            self.shown_state.emit(_("Badge : envoi à l'imprimante…"))
            self.print_badge(shown.attendee)

    def print_badge(self, person: AttendeeView, *, reason: str = "", reprint: bool = False) -> None:
        if self.bridge is None:
            # Admitted in the first instant, before the queue was up: printed on attach.
            self._pending.append((person, reason, reprint))
            return
        uid = person.uid

        def queued(job_id: str) -> None:
            if self.current_uid == uid:
                self.current_job = job_id

        self.bridge.enqueue_badge(
            person,
            printer=self.frame.settings.printer or None,
            reason=reason,
            reprint=reprint,
            desk=self.frame.session.desk,
            role=self.frame.session.role,
            on_done=queued,
        )

    def on_job(self, job: Any) -> None:
        if job.attendee_uid == self.current_uid:
            self.current_job = job.id
            self.shown_state.emit(state_text(job))
        if job.state == "failed":
            self.frame.show_error(
                _("Impression impossible ({printer}) : {error}", printer=job.printer, error=job.error)
            )
        self.paint()

    def paint(self) -> None:
        if self.bridge is None:
            self.label.setText(_("Imprimante : aucune"))
            return
        errors = self.bridge.errors
        if errors:
            name = next(iter(errors))
            self.label.setText(_("Imprimante {name} : en erreur", name=name))
            self.label.setStyleSheet("color: #A01818; font-weight: bold;")
        else:
            name = self.frame.settings.printer or "files"
            self.label.setText(_("Imprimante {name} : prête", name=name))
            self.label.setStyleSheet("")
