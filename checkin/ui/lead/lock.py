"""The desk lead's PIN, and the idle timer that locks the lead functions again.

The PIN is stored as a slow salted hash (scrypt, see ``checkin.base.pin``). Staff set it
at set-up — ``checkin lead-pin`` on the desk, or ``[lead] pin_hash`` in the event file for
every desk at once — never whoever presses F9 first: a desk without a PIN says how to set
one. Any key press or click in the application counts as activity; after ``idle_lock_s``
without any, the desk drops back to the volunteer role by itself.

Wrong tries are counted (``checkin.base.attempts``): after three the dialog counts down
before it hears another, after ten the lead functions stay locked until staff type their
passphrase in the same dialog (``checkin lead-pin --staff-passphrase`` sets it; its wrong
tries are counted the same way) or run ``checkin lead-pin --reset``.
The kiosk leaves through the same :meth:`LeadLock.unlock`, so it shares the count.
"""

from __future__ import annotations

import math

from checkin.base.attempts import PinAttempts, passphrase_file
from checkin.base.i18n import _
from checkin.base.pin import check_pin
from checkin.base.settings import DeskSettings
from checkin.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QEvent,
    QLabel,
    QLineEdit,
    QObject,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel}


class LeadLock(QObject):
    """Holds the role; ``changed(is_lead)`` on unlock and relock."""

    changed = Signal(bool)

    def __init__(
        self,
        settings: DeskSettings,
        parent: QObject | None = None,
        provisioned: str = "",
        attempts: PinAttempts | None = None,
        staff_attempts: PinAttempts | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.attempts = attempts or PinAttempts()
        self.staff_attempts = staff_attempts or PinAttempts(
            passphrase_file(), clock=self.attempts.clock, what="staff passphrase"
        )
        self.provisioned = provisioned  # the event file's [lead] pin_hash
        self.is_lead = False
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self.lock)
        self.set_idle_seconds(settings.idle_lock_s)

    def set_idle_seconds(self, seconds: int) -> None:
        self.idle.setInterval(max(1, seconds) * 1000)

    @property
    def role(self) -> str:
        return "lead" if self.is_lead else "volunteer"

    @property
    def pin_hash(self) -> str:
        """The desk's own PIN (``checkin lead-pin``) first, else the event's."""
        return self.settings.pin_hash or self.provisioned

    @property
    def has_pin(self) -> bool:
        return bool(self.pin_hash)

    def unlock(self, pin: str) -> bool:
        """The lead role for the right PIN; a try while waiting or locked out is not heard."""
        if not self.pin_hash or not self.attempts.may_try():
            return False
        right = check_pin(pin, self.pin_hash)
        self.attempts.record(right, self.settings.desk_name)
        if not right:
            return False
        self._become_lead()
        return True

    @property
    def has_staff_passphrase(self) -> bool:
        return bool(self.settings.staff_passphrase_hash)

    def staff_unlock(self, phrase: str) -> bool:
        """After the lock-out, the staff's passphrase gives the lead functions back: the PIN's
        count starts again and the lead role is open. Its own wrong tries are counted."""
        if not (self.attempts.blocked and self.has_staff_passphrase) or not self.staff_attempts.may_try():
            return False  # the PIN is the way in until it is locked out
        right = check_pin(phrase, self.settings.staff_passphrase_hash)
        self.staff_attempts.record(right, self.settings.desk_name)
        if not right:
            return False
        self.attempts.reset(f"the staff passphrase on desk {self.settings.desk_name!r}")
        self._become_lead()
        return True

    def _become_lead(self) -> None:
        self.is_lead = True
        self.idle.start()
        self.changed.emit(True)

    def lock(self) -> None:
        self.idle.stop()
        if self.is_lead:
            self.is_lead = False
            self.changed.emit(False)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if self.is_lead and event.type() in _ACTIVITY:
            self.idle.start()
        return False


def no_pin_message() -> str:
    """What a desk without a lead PIN says when F9 is pressed."""
    return _(
        "Aucun code PIN de responsable sur ce poste : le personnel le définit à l'installation "
        "avec « checkin lead-pin » (ou « [lead] pin_hash » dans le fichier de l'événement)."
    )


class PinDialog(QDialog):
    """Asks the lead's PIN (set by staff beforehand; see :func:`no_pin_message`)."""

    def __init__(self, lock: LeadLock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lock = lock
        self.setWindowTitle(_("Responsable"))
        self.setModal(True)
        self.prompt = QLabel(_("Code PIN du responsable :"))
        self.prompt.setStyleSheet("font-size: 20px;")
        self.pin = QLineEdit()
        self.pin.setObjectName("pin_field")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAccessibleName(_("Code PIN"))
        self.pin.setStyleSheet("font-size: 28px;")
        self.error = QLabel()
        self.error.setStyleSheet("color: #A01818; font-size: 18px; font-weight: bold;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Déverrouiller"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuler"))
        self.setMinimumWidth(520)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (self.prompt, self.pin, self.error, buttons):
            layout.addWidget(w)
        self.pin.setFocus()
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self.refresh)
        self.refresh()

    @property
    def staff_mode(self) -> bool:
        """Locked out after too many wrong PINs, with a staff passphrase set: it is asked."""
        return self.lock.attempts.blocked and self.lock.has_staff_passphrase

    def try_accept(self) -> None:
        text = self.pin.text()
        staff = self.staff_mode
        opened = self.lock.staff_unlock(text) if staff else self.lock.unlock(text)
        if opened:
            self.accept()
        else:
            self.pin.clear()
            self.refresh(wrong=staff == self.staff_mode)  # the tenth wrong PIN: the passphrase asked

    def refresh(self, wrong: bool = False) -> None:
        """Say whether a try is heard now, in how long, or not until staff step in."""
        if self.staff_mode:
            self._refresh_staff(wrong)
            return
        attempts = self.lock.attempts
        left = attempts.wait_left()
        if attempts.blocked:
            text = _(
                "Trop d'essais : les fonctions du responsable sont bloquées. Le personnel les "
                "débloque avec « checkin lead-pin --reset »."
            )
        elif left > 0:
            text = _("Code PIN incorrect. Nouvel essai possible dans {n} s.", n=math.ceil(left))
        else:
            text = _("Code PIN incorrect.") if wrong or self.error.text() else ""
        self.error.setText(text)
        self._open(attempts.blocked, left)

    def _refresh_staff(self, wrong: bool) -> None:
        """The lock-out, with the staff's passphrase asked in place of the PIN."""
        staff = self.lock.staff_attempts
        left = staff.wait_left()
        self.prompt.setText(_("Verrouillé — saisissez la phrase secrète du responsable"))
        self.pin.setAccessibleName(_("Phrase secrète"))
        if staff.blocked:
            text = _(
                "Trop d'essais de la phrase secrète : le personnel débloque le poste avec "
                "« checkin lead-pin --reset »."
            )
        elif left > 0:
            text = _("Phrase secrète incorrecte. Nouvel essai possible dans {n} s.", n=math.ceil(left))
        else:
            text = _("Phrase secrète incorrecte.") if wrong else _("Trop d'essais du code PIN.")
        self.error.setText(text)
        self._open(staff.blocked, left)

    def _open(self, blocked: bool, left: float) -> None:
        open_now = not blocked and left <= 0
        self.pin.setEnabled(open_now)
        self.ok.setEnabled(open_now)
        if left > 0 and not blocked:
            self.countdown.start()
        else:
            self.countdown.stop()
            if open_now:
                self.pin.setFocus()
