"""The base of the desk's small forms (the person's, the lead's, the staff's confirmations):
each dialog only collects and checks input; the window or a feature's controller does the work.
"""

from __future__ import annotations

from checkin.base.i18n import _
from checkin.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class Form(QDialog):
    """A modal form: a heading, rows, an error line, OK and Cancel; ``check`` says what is wrong."""

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setStyleSheet("QLabel, QLineEdit, QComboBox { font-size: 19px; }")
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setStyleSheet("color: #A01818; font-weight: bold;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Valider"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuler"))
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(620)
        layout = self.box = QVBoxLayout(self)
        heading = QLabel(intro)
        heading.setWordWrap(True)
        heading.setStyleSheet("font-size: 20px; font-weight: bold;")
        layout.addWidget(heading)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def line(self, label: str, name: str, value: str = "") -> QLineEdit:
        field = QLineEdit(value)
        field.setObjectName(name)
        field.setAccessibleName(label)
        self.form.addRow(label, field)
        return field

    def check(self) -> str:
        """An error message, or "" when the input is acceptable."""
        return ""

    def try_accept(self) -> None:
        problem = self.check()
        if problem:
            self.error.setText(problem)
            return
        self.accept()


def fit_height(dialog: QDialog) -> None:
    """A window does not grow for text that wraps: give it the height its layout needs at
    its width, measured in the style sheet's font (else long text is cut off)."""
    dialog.ensurePolished()
    layout = dialog.layout()
    if layout is None:
        return
    layout.invalidate()
    dialog.setMinimumHeight(layout.totalHeightForWidth(max(dialog.width(), dialog.minimumWidth())))
