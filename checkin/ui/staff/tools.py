"""The staff's day workflows inside the window: import an export (into this desk, or into
the hub after a dry run), exchange with the hub, write a report, purge the personal data
after the event — the same functions as ``checkin import``, ``checkin hub import``,
``checkin sync``, ``checkin report`` and ``checkin purge``, run off the GUI thread, each
ending in one plain sentence.

What writes to the hub for every desk, or deletes for good, is confirmed first in a dialog
that says what will change; the dialogs are opened (not run modally), kept in ``dialog`` and
announced by ``confirm_shown``, so tests drive them as they drive the lead's forms. These two
actions are the lead's (or staff's) only, checked again when the confirmation comes back: the
lead lock may have closed meanwhile.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from checkin.base.i18n import _
from checkin.replica.contents import desk_contents
from checkin.reports import KINDS
from checkin.ui import tasks
from checkin.ui.qt import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from checkin.ui.staff.dialogs import HubImportDialog, PurgeDialog

log = logging.getLogger(__name__)

STAFF_ROLES = ("lead", "staff")


class StaffTools(QWidget):
    """Import, sync and report buttons; results arrive as ``finished(message)``."""

    finished = Signal(str)
    failed = Signal(object)
    confirm_shown = Signal(object)  # a confirmation dialog, once open
    purge_started = Signal()  # the window stops live sync: nothing may refill the desk meanwhile
    purge_finished = Signal(bool)  # True when this desk's replica was emptied

    def __init__(self, session: Any, settings: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.busy = False
        self.dialog: QDialog | None = None
        # Set by the window: returns once live sync has stopped (a purge runs only then).
        self.wait_for_sync: Any = None
        self.hub = QLineEdit(settings.hub_url)
        self.import_button = QPushButton()
        self.sync_button = QPushButton()
        self.hub_import_button = QPushButton()
        self.hub_import_button.setObjectName("hub_import")
        self.purge_button = QPushButton()
        self.purge_button.setObjectName("purge")
        self.purge_button.setStyleSheet("QPushButton#purge { color: #A01818; border-color: #A01818; }")
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
        self.hub_import_button.clicked.connect(self.choose_hub_import)
        self.purge_button.clicked.connect(self.request_purge)
        row = QHBoxLayout()
        self.hub_label = QLabel()
        row.addWidget(self.hub_label)
        row.addWidget(self.hub, 1)
        row.addWidget(self.sync_button)
        row.addWidget(self.hub_import_button)
        row2 = QHBoxLayout()
        row2.addWidget(self.import_button)
        row2.addStretch(1)
        row2.addWidget(self.report_kind)
        row2.addWidget(self.report_format)
        row2.addWidget(self.report_button)
        row2.addSpacing(32)  # the one button that deletes stands apart
        row2.addWidget(self.purge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(row2)
        layout.addWidget(self.result)
        self.retranslate()
        # An import cut halfway (the program killed during it) is said at once, with the
        # way out: import the same file again.
        from checkin.ui.qt import QTimer

        QTimer.singleShot(0, self.check_interrupted_import)

    def check_interrupted_import(self) -> None:
        from checkin.base.errors import KnownError
        from checkin.importer.apply import interrupted_import, interrupted_sentence

        try:
            state = interrupted_import(self.session.replica)
        except Exception:  # a replica that cannot be read is said elsewhere
            log.debug("import state unreadable", exc_info=True)
            return
        if state:
            message = interrupted_sentence(state)
            self.result.setText(message)
            self.failed.emit(KnownError(message))

    def retranslate(self) -> None:
        self.hub_label.setText(_("Hub :"))
        self.hub.setPlaceholderText(_("fichier .sqlite partagé ou postgresql+psycopg://…"))
        self.hub.setAccessibleName(_("Adresse du hub"))
        self.import_button.setText(_("Importer un export…"))
        self.import_button.setAccessibleName(_("Importer un export dans ce poste"))
        self.sync_button.setText(_("Synchroniser maintenant"))
        self.hub_import_button.setText(_("Importer dans le hub…"))
        self.hub_import_button.setAccessibleName(
            _("Importer un export dans le hub, pour tous les postes (essai d'abord)")
        )
        self.purge_button.setText(_("Effacer les données…"))
        self.purge_button.setAccessibleName(_("Effacer les données personnelles après l'événement"))
        self.report_button.setText(_("Écrire le rapport…"))
        current = self.report_kind.currentData()
        self.report_kind.clear()
        labels = {
            "attendance": _("Présence"),
            "emargement": _("Émargement"),
            "certificates": _("Attestations"),
            "conflicts": _("Conflits"),
            "noshows": _("Absents"),
            "fallback": _("Liste de secours (papier)"),
        }
        for kind in KINDS:
            self.report_kind.addItem(labels[kind], kind)
        if current:
            self.report_kind.setCurrentIndex(max(0, self.report_kind.findData(current)))

    # -- the workflows ---------------------------------------------------------------
    def _start(
        self,
        work: Any,
        describe: Any,
        *,
        then: Any = None,
        otherwise: Any = None,
        announce: bool = True,
    ) -> None:
        """Run ``work`` on the pool. On success ``then(value)`` runs first (it may open a
        confirmation or change settings), then the sentence is shown and, if ``announce``,
        sent as ``finished``; on failure ``otherwise()`` runs, then ``failed`` is sent."""
        if self.busy:
            self.result.setText(_("Une opération est déjà en cours."))
            return
        self.busy = True
        self.result.setText(_("En cours…"))

        def done(value: Any) -> None:
            self.busy = False
            if then is not None:
                then(value)
            message = describe(value)
            self.result.setText(message)
            if announce:
                self.finished.emit(message)

        def error(exc: BaseException) -> None:
            self.busy = False
            self.result.setText("")
            if otherwise is not None:
                otherwise()
            self.failed.emit(exc)

        # Owned by these tools: a work stopped by the desk closing answers nobody.
        tasks.run(work, done, error, owner=self)

    def _allowed(self) -> bool:
        if self.session.role in STAFF_ROLES:
            return True
        self.result.setText(_("Action réservée au responsable : déverrouillez avec le code PIN (F9)."))
        return False

    def _ask(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.open()
        self.confirm_shown.emit(dialog)

    def choose_import(self) -> None:
        from checkin.ui.qt import QFileDialog

        path, _filter = QFileDialog.getOpenFileName(
            self, _("Export des inscriptions"), "", _("Exports (*.csv *.txt *.xlsx);;Tous les fichiers (*)")
        )
        if path:
            self.preview_import(Path(path))

    def preview_import(self, path: Path) -> None:
        """A dry run of the file with the choices saved with the event, shown in the
        import preview; staff correct it there, save the choices, then import."""
        from checkin.importer.preview import preview
        from checkin.ui.staff.import_preview import ImportPreviewDialog

        replica, event = self.session.replica, self.session.event
        dialog = ImportPreviewDialog(event, self)

        def again(columns: Any, rules: Any) -> None:
            def failed(exc: BaseException) -> None:
                dialog.status.setText(str(getattr(exc, "message", exc)))

            tasks.run(lambda: preview(replica, event, path, columns, rules), dialog.show_preview, failed)

        def do_import(shown: Any) -> None:
            from checkin.importer.preview import run_import

            def describe(summary: Any) -> str:
                dialog.accept()
                return str(summary.sentence())

            self._start(lambda: run_import(replica, event, shown), describe)

        def save(shown: Any) -> None:
            from checkin.importer.preview import changed_columns
            from checkin.importer.saved import save_choices

            try:
                where = save_choices(event, changed_columns(shown), shown.rules)
            except OSError as exc:
                dialog.status.setText(_("Impossible d'enregistrer les choix : {error}", error=exc.strerror))
                return
            dialog.status.setText(_("Choix enregistrés avec l'événement ({path}).", path=where))

        dialog.recompute.connect(again)
        dialog.import_requested.connect(do_import)
        dialog.save_requested.connect(save)

        def show(shown: Any) -> None:
            dialog.show_preview(shown)
            self._ask(dialog)

        self._start(
            lambda: preview(replica, event, path),
            lambda shown: _("Essai de l'import : vérifiez puis importez."),
            then=show,
            announce=False,
        )

    def import_file(self, path: Path) -> None:
        from checkin.importer.apart import import_apart

        replica, event = self.session.replica, self.session.event

        def describe(summary: Any) -> str:
            return str(summary.sentence())

        self._start(lambda: import_apart(replica, event, path), describe)

    def hub_url(self) -> str:
        url = self.hub.text().strip()
        if url and "://" not in url:
            url = f"sqlite:///{Path(url).expanduser().resolve()}"
        return url

    def hub_name(self) -> str:
        """The hub as staff typed it (a file's path), a server's URL without its password."""
        from checkin.sync.hub import safe_url

        text = self.hub.text().strip()
        return safe_url(text) if "://" in text else text

    def sync_now(self) -> None:
        from checkin.sync.apart import exchange_apart

        url = self.hub_url()
        if not url:
            self.result.setText(_("Indiquez d'abord l'adresse du hub."))
            return
        self.settings.hub_url = self.hub.text().strip()
        replica, desk = self.session.replica, self.session.desk

        event = self.session.event

        def work() -> Any:  # in a process of its own: a first pull is the whole event
            return exchange_apart(replica, url, desk=desk, desk_fields=event.desk_fields, event=event)

        def describe(result: Any) -> str:
            done = _(
                "Échange terminé : {pushed} envoyés, {pulled} reçus, {conflicts} conflit(s).",
                pushed=result.pushed,
                pulled=result.pulled,
                conflicts=len(result.conflicts),
            )
            return f"{result.purge_notice()} {done}" if result.purged else done

        self._start(work, describe)

    def choose_hub_import(self) -> None:
        from checkin.ui.qt import QFileDialog

        if not self._allowed():
            return
        if not self.hub_url():
            self.result.setText(_("Indiquez d'abord l'adresse du hub."))
            return
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Export des inscriptions"), "", _("Exports (*.csv *.txt *.xlsx);;Tous les fichiers (*)")
        )
        if path:
            self.import_into_hub(Path(path))

    def import_into_hub(self, path: Path) -> None:
        """A dry run first, against the hub as it is; its summary asks for confirmation."""
        if not self._allowed():
            return
        url, name = self.hub_url(), self.hub_name()
        if not url:
            self.result.setText(_("Indiquez d'abord l'adresse du hub."))
            return

        def ask(summary: Any) -> None:
            dialog = HubImportDialog(summary, name, path.name, self)
            dialog.accepted.connect(lambda: self._import_into_hub(url, path))
            dialog.rejected.connect(
                lambda: self.result.setText(_("Import annulé : rien n'a été écrit dans le hub."))
            )
            self._ask(dialog)

        self._start(
            self._hub_import_work(url, path, dry_run=True),
            lambda _summary: _("Essai terminé : confirmez ou annulez l'import."),
            then=ask,
            announce=False,
        )

    def _import_into_hub(self, url: str, path: Path) -> None:
        if not self._allowed():
            return

        def describe(summary: Any) -> str:
            return _("Import dans le hub : {summary}", summary=summary.sentence())

        self._start(self._hub_import_work(url, path, dry_run=False), describe)

    def _hub_import_work(self, url: str, path: Path, *, dry_run: bool) -> Any:
        event = self.session.event

        def work() -> Any:
            from checkin.sync.hub import open_hub
            from checkin.sync.hubimport import import_into_hub

            hub = open_hub(url)
            try:
                return import_into_hub(hub, event, path, dry_run=dry_run)
            finally:
                hub.close()

        return work

    def request_purge(self) -> None:
        """Count what this desk holds (on a worker), then say what a purge would delete."""
        if not self._allowed():
            return
        replica, name = self.session.replica, self.hub_name()

        def ask(contents: dict[str, int]) -> None:
            dialog = PurgeDialog(str(replica.path or ""), contents, name, self)
            dialog.accepted.connect(
                lambda: self.purge(
                    hub_too=dialog.hub_too.isChecked(), keep_aggregates=dialog.keep_aggregates.isChecked()
                )
            )
            dialog.rejected.connect(lambda: self.result.setText(_("Rien n'a été effacé.")))
            self._ask(dialog)

        self._start(lambda: desk_contents(replica), lambda _c: "", then=ask, announce=False)

    def purge(self, *, hub_too: bool, keep_aggregates: bool) -> None:
        """Delete the personal data of this desk (and of the hub): irreversible.

        The desk's replica is purged through the session's own connection and write lock
        (``purge_open``, as when a purged hub tells the desk), so the scan and print writers
        wait for it instead of racing a second connection; the window keeps its session.
        The hub goes first: if it does not answer, nothing is deleted here either. Purged
        alone, the desk leaves its hub, which would otherwise send every name back.
        """
        if not self._allowed():
            return
        if self.busy:
            self.result.setText(_("Une opération est déjà en cours."))
            return
        url = self.hub_url()
        if hub_too and not url:
            self.result.setText(_("Indiquez d'abord l'adresse du hub."))
            return
        replica, event = self.session.replica, self.session.event

        wait_for_sync = self.wait_for_sync

        def work() -> tuple[dict[str, int], dict[str, int]]:
            from checkin.printing.config import file_folders
            from checkin.sync.purge import purge_hub, purge_open

            # Live sync was asked to stop (purge_started); a pull still running would bring
            # names back after the purge: wait until it has ended.
            if wait_for_sync is not None and not wait_for_sync():
                from checkin.base.errors import KnownError

                raise KnownError(_("La synchro en direct ne s'arrête pas : rien n'a été effacé, réessayez."))
            hub_counts = purge_hub(url, keep_aggregates=keep_aggregates, event=event) if hub_too else {}
            folders = file_folders()
            return purge_open(
                replica, keep_aggregates=keep_aggregates, event=event, print_folders=folders
            ), hub_counts

        def then(_counts: Any) -> None:
            if not hub_too and url:
                self.settings.hub_url = ""
                self.hub.clear()
            self.purge_finished.emit(True)

        def describe(counts: tuple[dict[str, int], dict[str, int]]) -> str:
            desk_counts, hub_counts = counts
            if hub_too:
                return _(
                    "Données personnelles effacées sur ce poste ({desk} compteurs gardés) "
                    "et sur le hub ({hub} compteurs gardés).",
                    desk=len(desk_counts),
                    hub=len(hub_counts),
                )
            message = _(
                "Données personnelles effacées sur ce poste ({n} compteurs gardés).", n=len(desk_counts)
            )
            return message + (_(" Ce poste n'est plus relié au hub.") if url else "")

        self.purge_started.emit()
        self._start(work, describe, then=then, otherwise=lambda: self.purge_finished.emit(False))

    def choose_report(self) -> None:
        from checkin.ui.qt import QFileDialog

        fmt = str(self.report_format.currentData())
        kind = str(self.report_kind.currentData())
        path, _filter = QFileDialog.getSaveFileName(self, _("Enregistrer le rapport"), f"{kind}.{fmt}")
        if path:
            self.write_report(kind, fmt, Path(path))

    def write_report(self, kind: str, fmt: str, path: Path) -> None:
        from checkin.reports import write_report

        db, day, event = str(self.session.replica.path), self.session.day, self.session.event

        def describe(written: Path) -> str:
            return _("Rapport écrit : {path}", path=written)

        self._start(lambda: write_report(kind, output=path, db=db, day=day, fmt=fmt, event=event), describe)
