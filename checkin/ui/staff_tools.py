"""The staff's day workflows inside the window: import an export, exchange with the hub,
write a report — the same functions as ``checkin import``, ``checkin sync`` and
``checkin report``, run off the GUI thread, each ending in one plain sentence.

Live sync runs here too: while a hub is configured, :class:`LiveSyncRelay` exchanges in
the background and brings its state to the status bar through a queued signal.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from checkin.i18n import _
from checkin.ui import tasks
from checkin.ui.qt import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QObject,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)

REPORTS = ("attendance", "emargement", "certificates", "conflicts", "noshows")


class StaffTools(QWidget):
    """Import, sync and report buttons; results arrive as ``finished(message)``."""

    finished = Signal(str)
    failed = Signal(object)

    def __init__(self, session: Any, settings: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.busy = False
        self.hub = QLineEdit(settings.hub_url)
        self.import_button = QPushButton()
        self.sync_button = QPushButton()
        self.report_kind = QComboBox()
        self.report_format = QComboBox()
        for fmt in ("pdf", "xlsx", "csv"):
            self.report_format.addItem(fmt.upper(), fmt)
        self.report_button = QPushButton()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.import_button.clicked.connect(self.choose_import)
        self.sync_button.clicked.connect(self.sync_now)
        self.report_button.clicked.connect(self.choose_report)
        row = QHBoxLayout()
        self.hub_label = QLabel()
        row.addWidget(self.hub_label)
        row.addWidget(self.hub, 1)
        row.addWidget(self.sync_button)
        row2 = QHBoxLayout()
        row2.addWidget(self.import_button)
        row2.addStretch(1)
        row2.addWidget(self.report_kind)
        row2.addWidget(self.report_format)
        row2.addWidget(self.report_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(row2)
        layout.addWidget(self.result)
        self.retranslate()

    def retranslate(self) -> None:
        self.hub_label.setText(_("Hub :"))
        self.hub.setPlaceholderText(_("fichier .sqlite partagé ou postgresql+psycopg://…"))
        self.hub.setAccessibleName(_("Adresse du hub"))
        self.import_button.setText(_("Importer un export…"))
        self.sync_button.setText(_("Synchroniser maintenant"))
        self.report_button.setText(_("Écrire le rapport…"))
        current = self.report_kind.currentData()
        self.report_kind.clear()
        labels = {
            "attendance": _("Présence"),
            "emargement": _("Émargement"),
            "certificates": _("Attestations"),
            "conflicts": _("Conflits"),
            "noshows": _("Absents"),
        }
        for kind in REPORTS:
            self.report_kind.addItem(labels[kind], kind)
        if current:
            self.report_kind.setCurrentIndex(max(0, self.report_kind.findData(current)))

    # -- the three workflows --------------------------------------------------------
    def _start(self, work: Any, describe: Any) -> None:
        if self.busy:
            self.result.setText(_("Une opération est déjà en cours."))
            return
        self.busy = True
        self.result.setText(_("En cours…"))

        def done(value: Any) -> None:
            self.busy = False
            message = describe(value)
            self.result.setText(message)
            self.finished.emit(message)

        def error(exc: BaseException) -> None:
            self.busy = False
            self.result.setText("")
            self.failed.emit(exc)

        tasks.run(work, done, error)

    def choose_import(self) -> None:
        from checkin.ui.qt import QFileDialog

        path, _filter = QFileDialog.getOpenFileName(
            self, _("Export des inscriptions"), "", _("Exports (*.csv *.txt *.xlsx);;Tous les fichiers (*)")
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        from checkin.importer import import_file

        replica, event = self.session.replica, self.session.event

        def describe(summary: Any) -> str:
            return str(summary.sentence())

        self._start(lambda: import_file(replica, event, path), describe)

    def hub_url(self) -> str:
        url = self.hub.text().strip()
        if url and "://" not in url:
            url = f"sqlite:///{Path(url).expanduser().resolve()}"
        return url

    def sync_now(self) -> None:
        from checkin.sync.exchange import exchange
        from checkin.sync.hub import open_hub

        url = self.hub_url()
        if not url:
            self.result.setText(_("Indiquez d'abord l'adresse du hub."))
            return
        self.settings.hub_url = self.hub.text().strip()
        replica, desk = self.session.replica, self.session.desk

        def work() -> Any:
            hub = open_hub(url)
            try:
                return exchange(replica, hub, desk=desk)
            finally:
                hub.close()

        def describe(result: Any) -> str:
            return _(
                "Échange terminé : {pushed} envoyés, {pulled} reçus, {conflicts} conflit(s).",
                pushed=result.pushed,
                pulled=result.pulled,
                conflicts=len(result.conflicts),
            )

        self._start(work, describe)

    def choose_report(self) -> None:
        from checkin.ui.qt import QFileDialog

        fmt = str(self.report_format.currentData())
        kind = str(self.report_kind.currentData())
        path, _filter = QFileDialog.getSaveFileName(self, _("Enregistrer le rapport"), f"{kind}.{fmt}")
        if path:
            self.write_report(kind, fmt, Path(path))

    def write_report(self, kind: str, fmt: str, path: Path) -> None:
        from checkin.reports import write_report

        db, day = str(self.session.replica.path), self.session.day

        def describe(written: Path) -> str:
            return _("Rapport écrit : {path}", path=written)

        self._start(lambda: write_report(kind, output=path, db=db, day=day, fmt=fmt), describe)


class LiveSyncRelay(QObject):
    """Brings :class:`checkin.sync.live.LiveSync`'s state (a worker thread's) to the GUI."""

    changed = Signal(str, bool)  # status text, online

    def __init__(self, replica: Any, url: str, desk: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from checkin.sync.live import LiveSync

        self.live = LiveSync(replica, url, desk=desk, interval=5.0)
        self.live.subscribe(lambda state: self.changed.emit(state.status_text(), state.online))

    def start(self) -> None:
        self.live.start()

    def stop(self) -> None:
        self.live.stop()
