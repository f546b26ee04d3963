"""The crash path: a bug is logged with its traceback and shown in a dialog whose report
can be copied; the desk keeps running. Known errors never come here (they get a banner).
"""

from __future__ import annotations

import logging
import platform
import sys
import traceback
from types import TracebackType

from checkin.errors import KnownError
from checkin.i18n import _
from checkin.ui.qt import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
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


class CrashHandler:
    """Installed as ``sys.excepthook``; shows one dialog at a time (a loop of errors must
    not bury the desk under windows)."""

    def __init__(self, parent: QWidget | None = None, *, show_dialog: bool = True) -> None:
        self.parent = parent
        self.show_dialog = show_dialog
        self.dialog: CrashDialog | None = None
        self.reports: list[str] = []
        self.known: list[str] = []
        self.on_known: list = []  # callables taking the message
        self._previous = sys.excepthook

    def install(self) -> None:
        sys.excepthook = self

    def uninstall(self) -> None:
        sys.excepthook = self._previous

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
