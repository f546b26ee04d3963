"""The lead's "ready for the morning" tools in the staff view: the paper arrivals screen
(and, as they land, the preparation checks and the rehearsal).

The window keeps one :class:`ReadyBar` at the top of the staff view; each button opens its
screen as a non-modal dialog kept in ``dialog`` so tests drive it as they drive the others.
"""

from __future__ import annotations

from typing import Any

from checkin.i18n import _
from checkin.ui.qt import QDialog, QHBoxLayout, QPushButton, QWidget, Signal


class ReadyBar(QWidget):
    opened = Signal(object)  # the dialog just opened
    arrivals_changed = Signal()

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.dialog: QDialog | None = None
        self.paper_button = QPushButton()
        self.paper_button.setObjectName("paper_arrivals_button")
        self.paper_button.clicked.connect(self.open_paper)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.paper_button)
        row.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.paper_button.setText(_("Arrivées sur papier"))
        self.paper_button.setAccessibleName(_("Saisir les arrivées cochées sur la liste de secours"))

    def open_paper(self) -> None:
        from checkin.ui.paper import PaperArrivalsDialog

        dialog = PaperArrivalsDialog(self.session, self.window())
        dialog.recorded.connect(lambda _entry: self.arrivals_changed.emit())
        self._show(dialog)

    def _show(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.open()
        self.opened.emit(dialog)
