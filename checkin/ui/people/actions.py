"""One person in the window: the search page, the attendee card and what its buttons do.

Check-in from the card is a scan of the person's code (``answer``, shown by the scan flow);
the lead's actions (reprint with a reason, undo, admit anyway, fix a name, a walk-in) are
recorded through the session with the desk and the role. A badge to print goes out as
``print_wanted``; a change to the arrivals as ``arrivals_changed``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from checkin.arrivals.scan import Decision
from checkin.base.i18n import _
from checkin.replica.attendees import AttendeeView
from checkin.ui.frame import Frame
from checkin.ui.people.card import CardPage
from checkin.ui.people.dialogs import EditDialog, NoteDialog, ReasonDialog, WalkinDialog
from checkin.ui.people.search import SearchPage
from checkin.ui.qt import QObject, Signal


class People(QObject):
    answer = Signal(object)  # a callable that decides a scan, for the scan flow to show
    print_wanted = Signal(object, str, bool)  # person, reason, reprint
    arrivals_changed = Signal()

    def __init__(self, frame: Frame) -> None:
        super().__init__(frame)
        self.frame = frame
        session = frame.session
        self.search = SearchPage(session.event, session.find)
        self.search.failed.connect(frame.task_error)
        self.search.opened.connect(self.open_card)
        self.card = CardPage(session.event)
        self.card.set_day(session.day)
        self.card.back.connect(self.show_search)
        self.card.action.connect(self.card_action)

    def show_search(self) -> None:
        self.frame.show(self.search)
        self.search.focus()

    def run_search(self, text: str) -> None:
        self.search.field.setText(text)

    def open_card(self, person: AttendeeView) -> None:
        data = self.frame.guard(lambda: self.frame.session.card(person.uid))
        if data is None:
            return
        self.card.show_card(data, lead=self.frame.is_lead)
        self.frame.show(self.card)
        self.card.buttons["back"].setFocus()

    def _reopen_card(self) -> None:
        if self.card.data is not None:
            self.open_card(self.card.data.attendee)

    def _scan(self, code: str) -> None:
        decide: Callable[[], Decision] = lambda: self.frame.session.scan(code)  # noqa: E731
        self.answer.emit(decide)

    def card_action(self, name: str) -> None:
        data = self.card.data
        if data is None:
            return
        person = data.attendee
        if name == "checkin":
            self._scan(person.code)
            return
        if not self.frame.lead_only():
            return
        window = self.frame.window
        if name == "reprint":
            dialog: Any = ReasonDialog(person.full_name, window)
            dialog.accepted.connect(lambda: self.do_reprint(person, dialog.value()))
        elif name == "undo":
            dialog = NoteDialog(
                _("Annuler l'arrivée"), _("Annuler l'arrivée de {name}", name=person.full_name), window
            )
            dialog.accepted.connect(lambda: self.do_undo(dialog.value()))
        elif name == "admit":
            dialog = NoteDialog(
                _("Admettre quand même"), _("Admettre {name} aujourd'hui", name=person.full_name), window
            )
            dialog.accepted.connect(lambda: self.do_admit(person, dialog.value()))
        elif name == "edit":
            values = {f: getattr(person, f) for f in EditDialog.FIELDS}
            dialog = EditDialog(values, window)
            dialog.accepted.connect(lambda: self.do_edit(person, dialog.changes()))
        else:
            return
        self.frame.open(dialog)

    def do_reprint(self, person: AttendeeView, reason: str) -> None:
        self.print_wanted.emit(person, reason, True)
        self.frame.say(_("Réimpression demandée pour {name}", name=person.full_name), 5000)

    def do_undo(self, reason: str) -> None:
        data = self.card.data
        if data is None or not data.standing:
            return
        fact_id = data.standing[0].id
        if self.frame.guard(lambda: self.frame.session.undo(fact_id, reason)) is not None:
            self.arrivals_changed.emit()
            self._reopen_card()

    def do_admit(self, person: AttendeeView, reason: str) -> None:
        if self.frame.guard(lambda: self.frame.session.checkin(person, override=reason)) is not None:
            self.arrivals_changed.emit()
            if self.frame.settings.auto_print:
                self.print_wanted.emit(person, "", False)
            self._reopen_card()

    def do_edit(self, person: AttendeeView, changes: dict[str, str]) -> None:
        session = self.frame.session
        for field_name, value in changes.items():
            if self.frame.guard(functools.partial(session.edit, person.uid, field_name, value)) is None:
                return
        self._reopen_card()

    def open_walkin(self) -> None:
        if not self.frame.lead_only():
            return
        dialog = WalkinDialog(self.frame.session.event, self.frame.window)
        dialog.accepted.connect(lambda: self.do_walkin(dialog.values()))
        self.frame.open(dialog)

    def do_walkin(self, values: dict[str, str]) -> None:
        person = self.frame.guard(lambda: self.frame.session.walkin(values))
        if person is not None:
            self._scan(person.code)

    def set_day(self, day: str) -> None:
        self.card.set_day(day)

    def forget(self) -> None:
        """After a purge: no page keeps a name that is gone from the disk."""
        self.search.field.clear()
        self.search.model.set_results([])
        self.card.data = None
        self.card.body.setText("")

    def retranslate(self) -> None:
        self.search.retranslate()
        self.card.retranslate()
