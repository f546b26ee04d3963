"""The lead's reason for admitting a person the door refused: required, kept with the
forced entry and shown in the conflicts report."""

from __future__ import annotations

from checkin.base.i18n import _
from checkin.ui.qt import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget, Signal


class ReasonDialog(QDialog):
    given = Signal(str)  # the reason, once OK is pressed with one

    def __init__(self, refused: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Entrée forcée"))
        self.setModal(True)
        self.setMinimumWidth(560)
        what = _("salle pleine") if refused == "full" else _("pas inscrit·e à la session")
        prompt = QLabel(_("Refus levé : {what}. Motif du responsable (obligatoire) :", what=what))
        prompt.setWordWrap(True)
        prompt.setStyleSheet("font-size: 20px;")
        self.reason = QLineEdit()
        self.reason.setObjectName("reason_field")
        self.reason.setStyleSheet("font-size: 22px;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Admettre"))
        self.ok.setEnabled(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuler"))
        self.reason.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (prompt, self.reason, buttons):
            layout.addWidget(widget)
        self.reason.setFocus()

    def _accept(self) -> None:
        text = self.reason.text().strip()
        if text:
            self.accept()
            self.given.emit(text)
