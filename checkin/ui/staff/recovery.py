"""Backups while the desk runs, and what the window offers when its replica is damaged.

:class:`Backups` copies the replica (``checkin.replica.backup``) on the task pool every
``backup_every_min`` minutes and when the day changes, and says in the status bar when the
last copy was made and where; a backup that fails (the USB stick pulled out) is said once in
the banner, and said again only when the reason changes. The end-of-day copy is made when
the desk closes.

:class:`RecoveryDialog` is the one modal dialog of a damaged replica (it stops the desk):
it says what is wrong and offers what can be done — restore the latest backup, rebuild the
desk from the hub — or quit.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from checkin.base.errors import DamagedReplica, KnownError
from checkin.base.i18n import _
from checkin.replica import backup
from checkin.ui import tasks
from checkin.ui.qt import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QObject,
    QPushButton,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)


class Backups(QObject):
    """Periodic backups of the desk's replica, off the GUI thread."""

    changed = Signal(str)  # the status bar's sentence
    failed = Signal(str)  # a sentence for the banner (once per reason)

    def __init__(self, replica: Any, settings: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.replica = replica
        self.settings = settings
        self.running = False
        self.last: backup.Backup | None = None
        self.last_error = ""
        self.day = date.today()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.apply_settings()

    def folder(self) -> Path:
        return backup.folder_for(self.settings.backup_dir)

    def apply_settings(self) -> None:
        minutes = int(self.settings.backup_every_min)
        if minutes > 0 and self.replica.path is not None:
            self.timer.start(minutes * 60_000)
        else:
            self.timer.stop()
        # Checked every minute for a change of date even when copies are rare.
        if not self.timer.isActive() and self.replica.path is not None:
            self.timer.start(60_000)

    def tick(self) -> None:
        if date.today() != self.day:
            self.day = date.today()
            self.start("day")
        elif int(self.settings.backup_every_min) > 0:
            self.start("auto")

    def start(self, kind: str = "auto") -> None:
        if self.running or self.replica.path is None:
            return
        self.running = True
        source, folder = Path(self.replica.path), self.folder()
        desk_id, keep = self.replica.desk_id, int(self.settings.backup_keep)

        replica = self.replica

        def work() -> backup.Backup:
            replica.checkpoint_if_large()  # a desk that only scans has no other background writer
            return backup.backup(source, folder, desk_id=desk_id, kind=kind, keep=keep)

        tasks.run(work, self._done, self._failed)

    def now(self, kind: str = "day") -> backup.Backup | None:
        """A backup made at once, on the calling thread (the desk closing)."""
        if self.replica.path is None:
            return None
        try:
            made = backup.backup(
                Path(self.replica.path),
                self.folder(),
                desk_id=self.replica.desk_id,
                kind=kind,
                keep=int(self.settings.backup_keep),
            )
        except KnownError as exc:
            log.warning("backup at close: %s", exc.message)
            return None
        self.last = made
        return made

    def _done(self, made: backup.Backup) -> None:
        self.running = False
        self.last = made
        self.last_error = ""
        self.changed.emit(self.status_text())

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        message = exc.message if isinstance(exc, KnownError) else repr(exc)
        if not isinstance(exc, KnownError):
            log.error("backup failed", exc_info=exc)
        if message != self.last_error:
            self.last_error = message
            self.failed.emit(message)
        self.changed.emit(self.status_text())

    def status_text(self) -> str:
        if self.last_error:
            return _("Sauvegarde : en échec")
        if self.last is None:
            return _("Sauvegarde : pas encore")
        where = "" if self.settings.backup_dir else _(" (sur ce disque seulement)")
        return _("Sauvegarde : {time}{where}", time=self.last.when.strftime("%H:%M"), where=where)


class RecoveryDialog(QDialog):
    """The replica is damaged: say so and offer what can be done. ``choice`` is
    ``"restore"``, ``"rebuild"`` or ``""`` (quit)."""

    def __init__(
        self, path: Path, problem: str, folder: Path, hub: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.choice = ""
        self.latest = backup.latest(folder)
        self.setWindowTitle(_("Base du poste abîmée"))
        self.text = QLabel(backup.damaged_sentence(path, problem, folder, hub))
        self.text.setWordWrap(True)
        self.text.setStyleSheet("font-size: 18px;")
        self.restore_button = QPushButton(_("Restaurer la dernière sauvegarde"))
        self.restore_button.setEnabled(self.latest is not None)
        self.rebuild_button = QPushButton(_("Reconstruire depuis le hub"))
        self.rebuild_button.setEnabled(bool(hub))
        self.quit_button = QPushButton(_("Quitter"))
        self.restore_button.clicked.connect(lambda: self._choose("restore"))
        self.rebuild_button.clicked.connect(lambda: self._choose("rebuild"))
        self.quit_button.clicked.connect(lambda: self._choose(""))
        buttons = QHBoxLayout()
        for button in (self.restore_button, self.rebuild_button, self.quit_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.resize(760, 260)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        if choice:
            self.accept()
        else:
            self.reject()


def recover(path: Path, choice: str, folder: Path) -> backup.Restored:
    """Carry out the lead's choice on a closed replica (restore or rebuild)."""
    if choice == "restore":
        return backup.restore(path, backup.latest(folder))
    return backup.restore(path, None)


class RecoveryOffer(QObject):
    """The replica turned out damaged while the desk runs: say so, and offer (once) to close
    the desk, repair it (restore a backup, or rebuild from the hub) and reopen."""

    def __init__(self, settings: Any, parent: QWidget) -> None:
        super().__init__(parent)
        self.settings = settings
        self.window = parent
        self.dialog: RecoveryDialog | None = None
        self.choice = ""  # set when the lead chose to repair

    def offer(self, exc: DamagedReplica) -> None:
        if self.dialog is not None:
            return
        dialog = RecoveryDialog(
            Path(str(exc.path)),
            exc.problem,
            backup.folder_for(self.settings.backup_dir),
            self.settings.hub_url,
            self.window,
        )

        def chosen() -> None:
            self.choice = dialog.choice
            QApplication.quit()

        dialog.accepted.connect(chosen)
        self.dialog = dialog
        dialog.open()
