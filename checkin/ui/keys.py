"""The desk's passphrase, asked in a small modal dialog when the system has no keyring.

The replica is encrypted (:mod:`checkin.replica.cipher`); its key comes from
``CHECKIN_PASSPHRASE`` or the system's keyring (:mod:`checkin.base.keys`). Where there is
neither (a Linux desk without Secret Service), nothing can be read without the passphrase,
so the window asks for it once, before it opens the replica: a modal dialog, as the desk
cannot start without it. What is typed is used for this process only, never stored.
"""

from __future__ import annotations

from checkin.base import keys
from checkin.base.i18n import _
from checkin.ui.qt import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget


class PassphraseDialog(QDialog):
    """One password field, OK and Cancel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Phrase secrète du poste"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        label = QLabel(
            _(
                "La base du poste est chiffrée et ce système n'a pas de trousseau de clés : "
                "tapez la phrase secrète du poste."
            )
        )
        label.setWordWrap(True)
        layout.addWidget(label)
        self.field = QLineEdit()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        label.setBuddy(self.field)
        layout.addWidget(self.field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def ask_passphrase() -> str:
    """What staff typed ("" when they cancel: the desk then says how to give a key)."""
    dialog = PassphraseDialog()
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return ""
        return dialog.field.text()
    finally:
        dialog.deleteLater()


def install() -> None:
    """Ask through the dialog from now on (the window, not the terminal)."""
    keys.set_asker(ask_passphrase)


def ask_now_if_needed() -> None:
    """On the GUI thread, before any thread opens the replica: ask once when the secret
    can come neither from ``CHECKIN_PASSPHRASE`` nor from a keyring."""
    if keys.must_ask():
        install()
        keys.secret()
