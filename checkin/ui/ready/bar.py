"""The lead's "ready for the morning" tools in the staff view: the « Préparation » checks,
the paper arrivals screen, and a rehearsal desk (``checkin desk --rehearsal``, a window of
its own on a copy of this desk).

The window keeps one :class:`ReadyBar` at the top of the staff view; each button opens its
screen as a non-modal dialog kept in ``dialog`` so tests drive it as they drive the others.
"""

from __future__ import annotations

from typing import Any

from checkin.base.i18n import _
from checkin.ui.qt import QDialog, QHBoxLayout, QPushButton, QWidget, Signal


class ReadyBar(QWidget):
    opened = Signal(object)  # the dialog just opened
    arrivals_changed = Signal()

    def __init__(self, session: Any, settings: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.dialog: QDialog | None = None
        self.preparation: Any = None
        self.rehearsal: Any = None  # the rehearsal desk's process
        self.prep_button = QPushButton()
        self.prep_button.setObjectName("preparation_button")
        self.prep_button.clicked.connect(self.open_preparation)
        self.rehearsal_button = QPushButton()
        self.rehearsal_button.setObjectName("rehearsal_button")
        self.rehearsal_button.clicked.connect(self.start_rehearsal)
        self.paper_button = QPushButton()
        self.paper_button.setObjectName("paper_arrivals_button")
        self.paper_button.clicked.connect(self.open_paper)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.prep_button)
        row.addWidget(self.paper_button)
        row.addWidget(self.rehearsal_button)
        row.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.prep_button.setText(_("Préparation"))
        self.prep_button.setAccessibleName(_("Vérifications avant l'ouverture des portes"))
        self.rehearsal_button.setText(_("Répétition…"))
        self.rehearsal_button.setAccessibleName(
            _("Ouvrir un poste de répétition sur une copie : rien n'atteint la vraie base ni le hub")
        )
        self.paper_button.setText(_("Arrivées sur papier"))
        self.paper_button.setAccessibleName(_("Saisir les arrivées cochées sur la liste de secours"))

    def open_paper(self) -> None:
        from checkin.ui.ready.paper import PaperArrivalsDialog

        dialog = PaperArrivalsDialog(self.session, self.window())
        dialog.recorded.connect(lambda _entry: self.arrivals_changed.emit())
        self._show(dialog)

    def open_preparation(self) -> None:
        from checkin.ui.ready.preparation import PreparationDialog

        dialog = PreparationDialog(self.session, self.settings, self.window())
        self.preparation = dialog
        self._show(dialog)

    def start_rehearsal(self) -> str:
        """A rehearsal desk in its own process (its own window, its own copy): this desk's
        replica is only read, by SQLite's online backup."""
        import subprocess
        import sys

        path = self.session.replica.path
        args = [
            sys.executable,
            "-c",
            "import sys; from checkin.cli import main; sys.exit(main())",
            "desk",
            "--rehearsal",
        ]
        if path is not None:
            args += ["--db", str(path)]
        args += ["--day", self.session.day]
        self.rehearsal = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return " ".join(args)

    def take_scan(self, text: str) -> bool:
        """A test page's code, scanned anywhere: confirm it, never decide it as a ticket."""
        from checkin.preflight import checks as preflight

        kind = preflight.take_scan(text)
        if kind is None:
            return False
        if self.preparation is not None:
            try:
                self.preparation.scanned(kind)
            except RuntimeError:
                self.preparation = None
        return True

    def _show(self, dialog: QDialog) -> None:
        """Non-modal: the desk keeps listening to the scanner (a test page's code scanned
        back, a person admitted meanwhile); a modal dialog would refuse scans."""
        self.dialog = dialog
        dialog.setModal(False)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        self.opened.emit(dialog)
