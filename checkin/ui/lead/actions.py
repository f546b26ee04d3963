"""The lead in the window: the PIN lock (F9, idle relock) and the desk settings.

The role lives in the session (every fact records it); ``role_changed`` tells the window,
which enables the lead's buttons. Settings applied go to the settings file at once;
``applied`` tells the window which features follow them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checkin.arrivals.occupancy import room_names
from checkin.base import i18n
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.ui.frame import Frame
from checkin.ui.lead.dialogs import SettingsDialog
from checkin.ui.lead.lock import LeadLock, PinDialog, no_pin_message
from checkin.ui.qt import QObject, Signal


class Lead(QObject):
    role_changed = Signal(bool)  # is_lead
    applied = Signal(bool, bool)  # settings applied: the day changed, the serial port changed

    def __init__(self, frame: Frame) -> None:
        super().__init__(frame)
        self.frame = frame
        self.lock = LeadLock(frame.settings, frame.window, provisioned=frame.session.event.lead_pin_hash)
        self.lock.changed.connect(self._changed)
        self.pin_dialog: Any = None  # the PIN dialog opened last (tests drive it)
        # Set by the window: the printers the settings offer, and the scanner check.
        self.printer_names: Callable[[], list[str]] = list
        self.open_scanner_check: Callable[[], None] = lambda: None

    def toggle(self) -> None:
        if self.lock.is_lead:
            self.lock.lock()
            return
        if not self.lock.has_pin:
            self.frame.show_error(no_pin_message())
            return
        dialog = PinDialog(self.lock, self.frame.window)
        dialog.open()
        self.pin_dialog = dialog

    def _changed(self, is_lead: bool) -> None:
        self.frame.session.role = self.lock.role
        self.role_changed.emit(is_lead)

    def open_settings(self) -> None:
        if not self.frame.lead_only():
            return
        session, event = self.frame.session, self.frame.session.event
        days = [(d.iso, event.day_label(d.iso, i18n.language())) for d in event.days]
        if session.day not in {iso for iso, _label in days}:
            days.insert(0, (session.day, session.day))
        try:
            rooms = room_names(session.replica, event)
        except KnownError:  # busy or damaged: the event file's rooms still
            rooms = [r.name for r in event.rooms.rooms]
        dialog = SettingsDialog(
            self.frame.settings,
            self.printer_names(),
            self.frame.window,
            days=days,
            current_day=session.day,
            rooms=rooms,
        )
        dialog.accepted.connect(lambda: self.apply_settings(dialog))
        dialog.scanner_button.clicked.connect(self.open_scanner_check)
        self.frame.open(dialog)

    def apply_settings(self, dialog: SettingsDialog) -> None:
        settings, session = self.frame.settings, self.frame.session
        port_before, room_before = settings.serial_port, settings.room
        dialog.apply(settings)
        session.desk = settings.desk_name
        chosen = dialog.chosen_day()
        day_changed = bool(chosen) and chosen != session.day
        if day_changed:
            session.day = chosen  # the lead's choice; facts from now on carry this day
        if chosen:
            settings.choose_day(chosen)  # kept if the desk restarts today
        self.lock.set_idle_seconds(settings.idle_lock_s)
        i18n.set_language(settings.language)
        self.frame.save_settings()
        if settings.room != room_before:  # the window stays the desk until it starts again
            self.frame.say(
                _("Au prochain démarrage, « checkin desk » ouvre la porte de « {room} ».", room=settings.room)
                if settings.room
                else _("Au prochain démarrage, « checkin desk » ouvre l'accueil."),
                30_000,
            )
        self.applied.emit(day_changed, settings.serial_port != port_before)
