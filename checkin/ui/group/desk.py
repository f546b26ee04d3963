"""The group feature on the desk: after an answer, a strip offers the person's group (found
on the task pool: a delegation's lookup reads more than a scan, and the answer must not
wait for it); F5 opens it (or the group the search text names); the admission runs the scan
rule member by member, then their badges go to the print queue as one batch, in the
group's order, the head of delegation's first."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from checkin.arrivals import groups
from checkin.arrivals.groups import Group
from checkin.arrivals.scan import Decision
from checkin.base.i18n import _
from checkin.ui import tasks
from checkin.ui.frame import Frame
from checkin.ui.group.page import GroupPage
from checkin.ui.qt import QObject, QPushButton, Signal

log = logging.getLogger(__name__)


class GroupDesk(QObject):
    shown = Signal(object)  # the Group on screen
    admitted = Signal(object)  # the Group after an admission (its ``admitted`` decisions)
    batch_queued = Signal(list)  # the print jobs' ids, in the group's order
    arrivals_changed = Signal()

    def __init__(self, frame: Frame) -> None:
        super().__init__(frame)
        self.frame = frame
        self.page = GroupPage()
        self.strip = QPushButton()
        self.strip.setObjectName("group_strip")
        self.strip.setStyleSheet("font-size: 18px; font-weight: bold; background: #EAF1FB; color: #1F4E9D;")
        self.strip.hide()
        self.strip.clicked.connect(self.open_offered)
        self.page.admit.clicked.connect(self.admit_ticked)
        self.printing: Callable[[], Any] = lambda: None  # the window's print bridge
        self.offered: Group | None = None
        self._asked = 0

    def offer(self, decision: Decision) -> None:
        """The answered person's group, if they have one, on the strip under the answer."""
        self.strip.hide()
        self.offered = None
        person = decision.shown.attendee
        if person is None or decision.code is None:
            return
        self._asked += 1
        asked, session = self._asked, self.frame.session

        def found(group: Group | None) -> None:
            if asked != self._asked or group is None or len(group.members) < 2:
                return
            self.offered = group
            try:
                self._show_strip(group)
            except RuntimeError:  # the window was closed while the group was read
                log.debug("group offer arrived after the window closed")

        code = decision.code
        tasks.run(
            lambda: groups.find(session.replica, session.event, code, day=session.day),
            found,
            self.frame.task_error,
        )

    def _show_strip(self, group: Group) -> None:
        self.strip.setText(
            _(
                "{group} : {n} membres, {waiting} encore attendu·es — les accueillir ensemble (F5)",
                group=group.name,
                n=len(group.members),
                waiting=len(group.present),
            )
        )
        self.strip.show()

    def open_offered(self) -> None:
        if self.offered is not None:
            self.open_text(self.offered.members[0].attendee.code)

    def open_text(self, text: str) -> bool:
        """The group a code, a delegation, an order or a buyer names; False if none."""
        session = self.frame.session
        group = self.frame.guard(lambda: groups.find(session.replica, session.event, text, day=session.day))
        if group is None:
            self.frame.show_error(
                _("Aucun groupe pour « {text} » (délégation, commande ou code d'un membre).", text=text)
            )
            return False
        self.page.set_group(group)
        self.frame.show(self.page)
        self.shown.emit(group)
        return True

    def admit_ticked(self) -> None:
        group, session = self.page.group, self.frame.session
        if group is None:
            return
        ticked = set(self.page.model.ticked)
        done = self.frame.guard(
            lambda: groups.admit(
                session.replica,
                session.event,
                group,
                day=session.day,
                desk=session.desk,
                role=session.role,
                only=ticked,
            )
        )
        if done is None:
            return
        self.page.set_group(
            done,
            _("{n} admis·es : badges envoyés à l'imprimante dans l'ordre du groupe.", n=len(done.admitted)),
        )
        self.arrivals_changed.emit()
        self.admitted.emit(done)
        self._print(done)

    def _print(self, group: Group) -> None:
        bridge = self.printing()
        people = [d.attendee for d in group.admitted if d.attendee is not None]
        if bridge is None or not people:
            return
        session = self.frame.session
        bridge.enqueue_batch(
            people,
            printer=self.frame.settings.printer or None,
            desk=session.desk,
            role=session.role,
            on_done=self.batch_queued.emit,
        )
