"""The desk's lines in the status bar that belong to no feature: the day, the desk and its
role, the arrivals count, the last backup and the last problem.

The count is the rule of :mod:`checkin.replica.presence` (``DeskSession.counts``), run on
the task pool at most once per ``counts_timer`` interval; an admission shows at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from checkin.base import i18n
from checkin.base.i18n import _
from checkin.ui import tasks
from checkin.ui.frame import Frame
from checkin.ui.qt import QLabel, QObject, QTimer, Signal

log = logging.getLogger(__name__)


class DeskStatus(QObject):
    counts_updated = Signal(int, int)

    def __init__(self, frame: Frame) -> None:
        super().__init__(frame)
        self.frame = frame
        self.today: Callable[[], date] = date.today  # tests set another day
        self.day = QLabel()
        self.desk = QLabel()
        self.counts = QLabel()
        self.backup = QLabel()
        self.error = QLabel()
        self.error.setStyleSheet("color: #A01818; font-weight: bold;")
        self.arrived = 0
        self.expected = 0
        self.seq = 0  # bumped by every change that a count in flight may have missed
        self.counts_timer = QTimer(self)
        self.counts_timer.setSingleShot(True)
        self.counts_timer.setInterval(1500)
        self.counts_timer.timeout.connect(self.count_now)

    def paint(self) -> None:
        session, event = self.frame.session, self.frame.session.event
        day = event.day_label(session.day, i18n.language())
        today = self.today()
        if event.day(today.isoformat()) is None:
            # The desk works on an event day all the same (the lead chooses which in the
            # settings): say so, or a rehearsal on the eve looks like the real day. The
            # style (bold) goes first: set after the text, the label keeps the width of the
            # plain text and the status bar cuts the end of the bold one.
            self.day.setStyleSheet("color: #8A4B00; font-weight: bold;")
            self.day.setText(
                _(
                    "Jour : {day} (aujourd'hui, {today}, hors événement)",
                    day=day,
                    today=today.strftime("%d/%m"),
                )
            )
        else:
            self.day.setStyleSheet("")
            self.day.setText(_("Jour : {day}", day=day))
        self.desk.setText(
            _("Poste : {desk}", desk=session.desk) + (_(" — responsable") if self.frame.is_lead else "")
        )
        self.counts.setText(
            _("Arrivées : {arrived} / {expected}", arrived=self.arrived, expected=self.expected)
        )
        self.error.setText(self.frame.last_error)

    def note_admission(self) -> None:
        """An admission at this desk is on the status bar at once: the scan's transaction
        found no standing check-in for the person that day (the rule of
        :mod:`checkin.replica.presence`), so they are one more here. The recount follows."""
        self.show_counts(self.arrived + 1, self.expected)
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """Recount soon: at most one count query per ``counts_timer`` interval, so a queue
        of arrivals at a 100,000-person event does not keep a worker counting. A count
        still running from before is dropped when it comes back (it may have missed this
        change): an older figure never replaces a newer one."""
        self.seq += 1
        if not self.counts_timer.isActive():
            self.counts_timer.start()

    def show_counts(self, arrived: int, expected: int) -> None:
        self.arrived, self.expected = arrived, expected
        self.paint()
        self.counts_updated.emit(arrived, expected)

    def count_now(self) -> None:
        seq = self.seq

        def done(result: tuple[int, int]) -> None:
            if seq != self.seq:
                return  # something changed while it counted: a newer count is coming
            try:
                self.show_counts(*result)
            except RuntimeError:  # the window was closed meanwhile
                log.debug("counts arrived after the window closed")

        tasks.run(self.frame.session.counts, done, self.frame.task_error)
