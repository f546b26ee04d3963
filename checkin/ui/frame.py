"""What every feature of the desk window shares: the session and the settings, the one
dialog open at a time, and where news and problems are said.

Features get a :class:`Frame` instead of the window, so none of them imports the window (or
another feature): a recoverable problem goes to ``error_shown`` (the banner and the status
bar), a damaged replica to ``damaged`` (the recovery offer), any other exception to the
crash handler (``sys.excepthook``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

from checkin.base.errors import DamagedReplica, KnownError
from checkin.base.i18n import _
from checkin.base.settings import DeskSettings
from checkin.ui.qt import QMainWindow, QObject, QStackedWidget, QWidget, Signal
from checkin.ui.session import DeskSession

T = TypeVar("T")


class Frame(QObject):
    error_shown = Signal(str)  # a recoverable problem, for the banner and the status bar
    damaged = Signal(object)  # the DamagedReplica met while the desk runs

    def __init__(self, session: DeskSession, settings: DeskSettings, window: QMainWindow) -> None:
        super().__init__(window)
        self.session = session
        self.settings = settings
        self.window = window  # the parent of every dialog
        self.stack = QStackedWidget()  # the pages: one on screen at a time
        self.dialog: Any = None  # the dialog opened last (tests drive it)
        self.last_error = ""

    @property
    def is_lead(self) -> bool:
        return self.session.role == "lead"

    def lead_only(self) -> bool:
        """True for the lead; otherwise says how to become one."""
        if self.is_lead:
            return True
        self.show_error(_("Action réservée au responsable : déverrouillez avec le code PIN (F9)."))
        return False

    def show(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)

    def open(self, dialog: Any) -> None:
        self.dialog = dialog
        dialog.open()

    def say(self, message: str, ms: int) -> None:
        """A transient status for what went well."""
        self.window.statusBar().showMessage(message, ms)

    def show_error(self, message: str) -> None:
        """A recoverable problem: banner + status bar, nothing blocks."""
        self.last_error = message
        self.error_shown.emit(message)

    def task_error(self, exc: BaseException) -> None:
        if isinstance(exc, DamagedReplica):
            self.damaged.emit(exc)
            return
        if isinstance(exc, KnownError):
            self.show_error(exc.message)
            return
        sys.excepthook(type(exc), exc, exc.__traceback__)

    def guard(self, fn: Callable[[], T]) -> T | None:
        try:
            return fn()
        except DamagedReplica as exc:
            self.damaged.emit(exc)
            return None
        except KnownError as exc:
            self.show_error(exc.message)
            return None

    def save_settings(self) -> None:
        try:
            self.settings.save()
        except OSError as exc:
            self.show_error(_("Réglages non enregistrés : {error}", error=exc))
