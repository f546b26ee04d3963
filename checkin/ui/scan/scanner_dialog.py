"""The scanner check in the window: print the test page, scan it, read the verdict.

The dialog is modal and reads scans itself (``take_scan``): the window hands it every
burst while it is open, with the keys' timestamps and numbers, so it can say how fast the
scanner types, which terminator it sends, and read the desk's own layout off the keys.
What it finds is remembered in the desk's settings at once.
"""

from __future__ import annotations

import uuid
from typing import Any

from checkin.arrivals import scanner_check
from checkin.base.i18n import _
from checkin.ui import tasks
from checkin.ui.frame import Frame
from checkin.ui.qt import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

_SHIFT = Qt.KeyboardModifier.ShiftModifier.value


class ScannerCheckDialog(QDialog):
    """Modal; ``checked(result)`` once a scan of the test page has been read."""

    checked = Signal(object)

    def __init__(self, frame: Frame, printing: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent or frame.window)
        self.frame = frame
        self.printing = printing  # the print bridge, None before printing is up
        self.check_result: scanner_check.CheckResult | None = None  # (QDialog has a result())
        self.setObjectName("scanner_check")
        self.setWindowTitle(_("Vérifier le scanner"))
        self.setModal(True)
        self.setMinimumWidth(760)
        self.setStyleSheet("QLabel { font-size: 18px; } QPushButton { font-size: 17px; }")
        intro = QLabel(
            _(
                "1. Imprimez la page de test (n'importe quelle imprimante).\n"
                "2. Scannez un de ses codes avec le scanner de ce poste.\n"
                "Le poste dit ce que le scanner tape et ce qu'il faut y changer, et s'en souvient."
            )
        )
        intro.setWordWrap(True)
        self.printer = QComboBox()
        self.printer.setAccessibleName(_("Imprimante de la page de test"))
        for name in printing.printer_names() if printing is not None else []:
            self.printer.addItem(name, name)
        self.print_button = QPushButton(_("Imprimer la page de test"))
        self.print_button.setObjectName("print_test_page")
        self.print_button.clicked.connect(self.print_page)
        row = QHBoxLayout()
        row.addWidget(self.printer, 1)
        row.addWidget(self.print_button)
        self.status = QLabel(_("En attente d'un scan de la page de test…"))
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.verdict.setStyleSheet("font-size: 18px; padding: 8px; background: #F4F6F7;")
        self.verdict.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Fermer"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        title = QLabel(_("Vérifier le scanner"))
        title.setStyleSheet("font-size: 24px; font-weight: bold;")
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.verdict)
        layout.addWidget(buttons)
        self.print_button.setAutoDefault(False)
        self.print_button.setFocus()

    # -- the page ---------------------------------------------------------------------
    def print_page(self) -> None:
        printing = self.printing
        name = str(self.printer.currentData() or "")
        if printing is None or name not in getattr(printing.queue, "printers", {}):
            self.status.setText(
                _("Aucune imprimante : écrivez la page avec « checkin scanner-check --page FICHIER.pdf ».")
            )
            return
        backend = printing.queue.printers[name]
        event = self.frame.session.event

        def work() -> str:
            import tempfile
            from pathlib import Path

            from checkin.printing.scanner_page import write_page

            with tempfile.TemporaryDirectory() as folder:
                path = write_page(Path(folder) / "scanner-check.pdf", event)
                data = path.read_bytes()
            where: str = backend.submit(
                data,
                job_id=f"scanner-check-{uuid.uuid4().hex[:8]}",
                title=_("Vérification du scanner"),
                media="A4",
            )
            return where

        def done(where: str) -> None:
            self.status.setText(
                _("Page de test envoyée à {printer} ({where}). Scannez-la.", printer=name, where=where)
            )

        def failed(exc: BaseException) -> None:
            self.status.setText(_("Impression impossible : {error}", error=getattr(exc, "message", exc)))

        self.status.setText(_("Impression de la page de test…"))
        tasks.run(work, done, failed)

    # -- a scan -------------------------------------------------------------------------
    def take_scan(self, burst: Any) -> None:
        # The LF of a CR LF arrives just after the scan: read the verdict a moment later.
        QTimer.singleShot(150, lambda: self.read(burst))

    def read(self, burst: Any) -> None:
        keys = [(s.scan_code, s.text, bool(s.modifiers & _SHIFT)) for s in burst.strokes if s.kind == "char"]
        desk = scanner_check.desk_layout_from_keys(keys, QApplication.platformName())
        settings = self.frame.settings
        result = scanner_check.analyse(
            burst.text,
            code_pattern=self.frame.session.event.code_pattern,
            desk_layout=desk,
            terminator=burst.terminator,
            gaps_ms=burst.gaps_ms or None,
        )
        self.check_result = result
        if result.recognised:
            scanner_check.remember(settings, result)
            self.status.setText(_("Résultat enregistré pour ce poste."))
        else:
            self.status.setText(_("Ce n'est pas la page de test : rien n'est enregistré."))
        self.verdict.setText(scanner_check.report(result))
        self.verdict.show()
        self.adjustSize()
        self.checked.emit(result)
