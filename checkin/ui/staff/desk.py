"""The staff view in the window: the live figures (refreshed every 30 s while shown, on the
task pool) and the staff's tools above them.

The figures carry the arrivals count too: ``counts`` sends it to the status bar when no
change happened meanwhile, so both say the same on the same screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from checkin.ui import tasks
from checkin.ui.frame import Frame
from checkin.ui.qt import QObject, QTimer, Signal
from checkin.ui.staff.tools import StaffTools
from checkin.ui.staff.view import Figures, StaffPage, compute

log = logging.getLogger(__name__)


class StaffDesk(QObject):
    shown = Signal(object)  # the Figures, once on screen
    counts = Signal(int, int)  # arrived, expected: figures no change has overtaken

    def __init__(self, frame: Frame, count_seq: Callable[[], int]) -> None:
        super().__init__(frame)
        self.frame = frame
        self.count_seq = count_seq  # bumped by every change a count in flight may miss
        session = frame.session
        self.page = StaffPage(session.event)
        self.tools = StaffTools(session, frame.settings)
        self.tools.failed.connect(frame.task_error)
        self.page.box.insertWidget(1, self.tools)
        self.timer = QTimer(self)
        self.timer.setInterval(30_000)
        self.timer.timeout.connect(self.refresh)

    def follow(self, showing: bool) -> None:
        """Refreshed every 30 s while the page is on screen, never else."""
        if showing:
            self.timer.start()
        else:
            self.timer.stop()

    def refresh(self) -> None:
        session = self.frame.session
        seq = self.count_seq()

        def done(figures: Figures) -> None:
            try:
                self.page.show_figures(figures)
                if seq == self.count_seq():  # same data, same rule: the status bar agrees
                    self.counts.emit(figures.arrived, figures.expected)
                self.shown.emit(figures)
            except RuntimeError:
                log.debug("figures arrived after the window closed")

        tasks.run(lambda: compute(session.replica, session.event, session.day), done, self.frame.task_error)

    def retranslate(self) -> None:
        self.page.retranslate()
        self.tools.retranslate()
