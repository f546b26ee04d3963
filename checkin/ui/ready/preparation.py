"""The « Préparation » page: the lead's pre-flight before the doors open.

The checks of :mod:`checkin.preflight.checks` (run on the task pool: the hub may be slow to
answer), one row each — a green or red mark, what was found, and in red what to do — with
the two test prints. A test page's QR code scanned at this desk (whatever the focus) turns
its check green: the window hands such scans here instead of deciding them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checkin.base import paths
from checkin.base.i18n import _
from checkin.preflight import checks as preflight
from checkin.ui import tasks
from checkin.ui.qt import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    Signal,
)

COLOURS = {True: ("#1B6B2A", "✔"), False: ("#A01818", "✘"), None: ("#5F6A6A", "·")}


def audio_output_present() -> bool:
    try:
        from checkin.ui.qt import camera_classes

        devices = camera_classes()[2]
        return bool(devices.audioOutputs())
    except Exception:  # no QtMultimedia back-end at all
        return False


class PreparationDialog(QDialog):
    checked = Signal(object)  # the list of preflight.Check, once shown
    failed = Signal(object)

    def __init__(self, session: Any, settings: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.checks: list[preflight.Check] = []
        self.setObjectName("preparation")
        self.setWindowTitle(_("Préparation"))
        self.setMinimumSize(1000, 700)
        self.setStyleSheet(
            "QLabel { font-size: 16px; } QLabel#prep_title { font-size: 20px; font-weight: bold; }"
        )
        title = QLabel(_("Préparation du poste — avant l'ouverture des portes"))
        title.setObjectName("prep_title")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.rows = QWidget()
        self.rows_layout = QVBoxLayout(self.rows)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.rows)
        self.again = QPushButton(_("Vérifier à nouveau"))
        self.again.clicked.connect(self.refresh)
        self.badge_button = QPushButton(_("Imprimer la page de test du badge"))
        self.badge_button.clicked.connect(self.print_badge_test)
        self.slip_button = QPushButton(_("Imprimer le ticket de test"))
        self.slip_button.clicked.connect(self.print_slip_test)
        close = QPushButton(_("Fermer"))
        close.clicked.connect(self.accept)
        for button in (self.again, self.badge_button, self.slip_button, close):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        for button in (self.again, self.badge_button, self.slip_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        session, settings = self.session, self.settings
        self.summary.setText(_("Vérification en cours…"))

        def work() -> list[preflight.Check]:
            return preflight.run(
                session.replica,
                session.event,
                settings,
                session.day,
                db_path=Path(session.replica.path or paths.db_path()),
                audio=audio_output_present,
            )

        tasks.run(work, self.show_checks, self.failed.emit)

    def show_checks(self, checks: list[preflight.Check]) -> None:
        try:
            self.checks = checks
            while self.rows_layout.count():
                item = self.rows_layout.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()
            for check in checks:
                self.rows_layout.addWidget(self._row(check))
            self.rows_layout.addStretch(1)
            red = sum(1 for c in checks if c.ok is False)
            self.summary.setText(
                _("Tout est prêt.")
                if not red
                else _("{red} point(s) à régler avant l'ouverture (en rouge, avec quoi faire).", red=red)
            )
            self.summary.setStyleSheet("color: #1B6B2A;" if not red else "color: #A01818; font-weight: bold;")
            self.checked.emit(checks)
        except RuntimeError:  # closed meanwhile
            pass

    def _row(self, check: preflight.Check) -> QWidget:
        colour, mark = COLOURS[check.ok]
        row = QWidget()
        row.setObjectName(f"check_{check.key}")
        row.setStyleSheet(f"QWidget#check_{check.key} {{ border-left: 8px solid {colour}; }}")
        layout = QHBoxLayout(row)
        sign = QLabel(mark)
        sign.setStyleSheet(f"color: {colour}; font-size: 28px; font-weight: bold;")
        sign.setFixedWidth(36)
        text = f"<b>{check.title}</b> — {check.found}"
        if check.ok is False and check.fix:
            text += f"<br/><span style='color:{colour}'>→ {check.fix}</span>"
        body = QLabel(text)
        body.setWordWrap(True)
        body.setAccessibleName(f"{check.title}: {check.found} {check.fix}")
        layout.addWidget(sign)
        layout.addWidget(body, 1)
        return row

    def print_badge_test(self) -> None:
        settings = self.settings

        def done(name: str) -> None:
            self.message.setText(
                _(
                    "Page de test envoyée à {printer} : vérifiez le cadre, puis scannez son code.",
                    printer=name,
                )
            )

        tasks.run(lambda: preflight.send_badge_test_page(settings), done, self._print_failed)

    def print_slip_test(self) -> None:
        replica = self.session.replica

        def done(name: str) -> None:
            self.message.setText(
                _(
                    "Ticket de test envoyé à {printer} : vérifiez les accents, puis scannez son code.",
                    printer=name,
                )
            )

        tasks.run(lambda: preflight.send_thermal_test_slip(replica), done, self._print_failed)

    def _print_failed(self, exc: BaseException) -> None:
        from checkin.base.errors import KnownError

        if isinstance(exc, KnownError):
            self.message.setText(exc.message)
        else:
            self.failed.emit(exc)

    def scanned(self, kind: str) -> None:
        self.message.setText(
            _("Code de la page de test lu : impression confirmée.")
            if kind != "stale"
            else _("Ce code vient d'une ancienne page de test : imprimez-en une nouvelle.")
        )
        self.refresh()
