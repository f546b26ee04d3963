"""The crash path: a bug is logged with its traceback and shown in a dialog whose report
can be copied; the desk keeps running. Known errors never come here (they get a banner).
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from types import TracebackType
from typing import Any

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.ui.qt import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QObject,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)


def report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    import checkin

    lines = traceback.format_exception(exc_type, exc, tb)
    head = (
        f"checkin {getattr(checkin, '__version__', '?')} — Python {platform.python_version()}"
        f" — {platform.platform()}\n"
    )
    return head + "".join(lines)


class CrashDialog(QDialog):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Erreur inattendue"))
        intro = QLabel(
            _(
                "Une erreur inattendue s'est produite. Le poste continue de fonctionner. "
                "Copiez le rapport ci-dessous et transmettez-le à l'équipe technique."
            )
        )
        intro.setWordWrap(True)
        intro.setStyleSheet("font-size: 18px;")
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        self.text.setAccessibleName(_("Rapport d'erreur"))
        self.copy = QPushButton(_("Copier le rapport"))
        self.copy.clicked.connect(self.copy_report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Fermer"))
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(760, 440)

    def copy_report(self) -> None:
        QApplication.clipboard().setText(self.text.toPlainText())


class _ThreadRelay(QObject):
    """Created on the GUI thread; its signal, emitted by any thread, arrives there queued."""

    raised = Signal(object)


class CrashHandler:
    """Installed as ``sys.excepthook`` and ``threading.excepthook``; shows one dialog at a
    time (a loop of errors must not bury the desk under windows).

    An exception no one caught in another thread (a print worker, live sync, a helper) is
    logged there at once, then brought to the GUI thread, which shows it as any other bug.
    """

    def __init__(self, parent: QWidget | None = None, *, show_dialog: bool = True) -> None:
        self.parent = parent
        self.show_dialog = show_dialog
        self.dialog: CrashDialog | None = None
        self.reports: list[str] = []
        self.known: list[str] = []
        self.on_known: list[Any] = []  # callables taking the message
        self._previous = sys.excepthook
        self._previous_thread = threading.excepthook
        self._relay = _ThreadRelay()
        self._relay.raised.connect(lambda info: self(*info))

    def install(self) -> None:
        self._previous = sys.excepthook
        self._previous_thread = threading.excepthook
        sys.excepthook = self
        threading.excepthook = self.from_thread

    def uninstall(self) -> None:
        sys.excepthook = self._previous
        threading.excepthook = self._previous_thread

    def from_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "?"
        if not isinstance(args.exc_value, KnownError):
            log.error("uncaught exception in thread %s", name, exc_info=args.exc_value)
        try:
            self._relay.raised.emit((args.exc_type, args.exc_value, args.exc_traceback))
        except RuntimeError:  # the relay is gone (the window closed): the log has it
            pass

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, KnownError):
            self.known.append(exc.message)
            for callback in self.on_known:
                callback(exc.message)
            return
        text = report(exc_type, exc, tb)
        log.error("unexpected error\n%s", text)
        self.reports.append(text)
        if not self.show_dialog or QApplication.instance() is None:
            return
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.text.appendPlainText("\n" + text)
            return
        self.dialog = CrashDialog(text, self.parent)
        self.dialog.open()
