"""After ten wrong PINs the lead functions are locked; the staff's passphrase, typed in the
same dialog, gives them back and the count starts again. Its own wrong tries wait and lock
the same way, and are logged without the text. Keys are real QKeyEvents; the clock is a
number the test moves, nothing sleeps."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from checkin import cli
from checkin.base.attempts import MAX_TRIES, PinAttempts, default_file, passphrase_file, wait_after
from checkin.base.pin import check_pin, hash_pin
from checkin.base.settings import DeskSettings
from checkin.ui.lead.lock import LeadLock, PinDialog
from checkin.ui.qt import QApplication, QDialog

PIN = "731946"
PHRASE = "Le café de l'accueil ouvre à 8 h"
LOCKED = "Verrouillé — saisissez la phrase secrète du responsable"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def make_dialog(qtbot: Any, clock: Clock, *, phrase: str = PHRASE) -> PinDialog:
    settings = DeskSettings.load()
    settings.pin_hash = hash_pin(PIN)
    settings.staff_passphrase_hash = hash_pin(phrase) if phrase else ""
    settings.desk_name = "Accueil 3"
    lock = LeadLock(
        settings,
        attempts=PinAttempts(default_file(), clock=clock),
        staff_attempts=PinAttempts(passphrase_file(), clock=clock, what="staff passphrase"),
    )
    dialog = PinDialog(lock)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def type_in(dialog: PinDialog, kb: Any, text: str) -> None:
    """The text typed key by key into the dialog's field, then Enter (its default button)."""
    assert dialog.pin.isEnabled()
    dialog.pin.setFocus()
    kb.type_text(text + "\r", gap_ms=150, target=dialog.pin)
    QApplication.processEvents()


def lock_out(dialog: PinDialog, kb: Any, clock: Clock) -> None:
    for _ in range(MAX_TRIES):
        clock.now += wait_after(dialog.lock.attempts.failures)
        dialog.refresh()
        type_in(dialog, kb, "482913")


def test_the_passphrase_unlocks_after_ten_wrong_pins(qtbot: Any, kb: Any) -> None:
    clock = Clock()
    dialog = make_dialog(qtbot, clock)
    lock_out(dialog, kb, clock)
    assert dialog.lock.attempts.blocked
    assert dialog.prompt.text() == LOCKED and dialog.error.text() == "Trop d'essais du code PIN."
    type_in(dialog, kb, PIN)  # the PIN is not the passphrase
    assert dialog.error.text() == "Phrase secrète incorrecte." and not dialog.lock.is_lead
    type_in(dialog, kb, PHRASE)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.lock.is_lead
    assert dialog.lock.attempts.failures == 0 and not default_file().exists()
    # A restart reads the files: the PIN is asked again, its count from zero.
    again = make_dialog(qtbot, clock)
    assert not again.staff_mode and again.prompt.text() == "Code PIN du responsable :"
    type_in(again, kb, PIN)
    assert again.lock.is_lead


def test_wrong_passphrases_wait_lock_and_are_logged_without_the_text(
    qtbot: Any, kb: Any, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    dialog = make_dialog(qtbot, clock)
    lock_out(dialog, kb, clock)
    with caplog.at_level(logging.INFO, logger="checkin.base.attempts"):
        for _ in range(3):
            type_in(dialog, kb, "pas la bonne phrase")
        assert dialog.error.text() == "Phrase secrète incorrecte. Nouvel essai possible dans 30 s."
        assert not dialog.pin.isEnabled() and not dialog.lock.staff_unlock(PHRASE)  # not heard
        for _ in range(MAX_TRIES - 3):
            clock.now += wait_after(dialog.lock.staff_attempts.failures)
            dialog.refresh()
            type_in(dialog, kb, "pas la bonne phrase")
    assert "checkin lead-pin --reset" in dialog.error.text() and not dialog.pin.isEnabled()
    clock.now += 365 * 86400
    dialog.refresh()
    assert not dialog.pin.isEnabled() and not dialog.lock.staff_unlock(PHRASE)
    lines = [r.getMessage() for r in caplog.records if "staff passphrase try" in r.getMessage()]
    assert len(lines) == MAX_TRIES
    assert all("'Accueil 3'" in line and "at 2027-01-15T" in line and "wrong" in line for line in lines)
    assert not any("bonne phrase" in r.getMessage() or PHRASE in r.getMessage() for r in caplog.records)
    # Staff at the command line give both back.
    assert cli.main(["lead-pin", "--reset"]) == 0
    fresh = make_dialog(qtbot, clock)
    assert not fresh.staff_mode and fresh.lock.staff_attempts.failures == 0
    type_in(fresh, kb, PIN)
    assert fresh.lock.is_lead


def test_without_a_passphrase_the_lockout_says_staff_reset_it(qtbot: Any, kb: Any) -> None:
    clock = Clock()
    dialog = make_dialog(qtbot, clock, phrase="")
    lock_out(dialog, kb, clock)
    assert not dialog.staff_mode and "checkin lead-pin --reset" in dialog.error.text()
    assert not dialog.pin.isEnabled()


def lead_pin(*args: str, stdin: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHECKIN_HOME": str(home), "CHECKIN_LANG": "fr"}
    return subprocess.run(
        [sys.executable, "-m", "checkin.cli", "lead-pin", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_staff_set_the_passphrase_at_the_command_line(ui_home: Path) -> None:
    short = lead_pin("--staff-passphrase", stdin="trop court\n", home=ui_home)
    assert short.returncode != 0 and "au moins 12 caractères" in short.stderr + short.stdout
    assert "Traceback" not in short.stderr and DeskSettings.load().staff_passphrase_hash == ""
    done = lead_pin("--staff-passphrase", stdin=PHRASE + "\n", home=ui_home)
    assert done.returncode == 0, done.stderr
    assert PHRASE not in (ui_home / "config" / "settings.toml").read_text(encoding="utf-8")
    assert check_pin(PHRASE, DeskSettings.load().staff_passphrase_hash)


def test_on_a_locked_desk_f9_asks_the_passphrase_that_unlocks_it(
    qapp: Any, qtbot: Any, kb: Any, db_file: Path, ui_home: Path
) -> None:
    from checkin.ui.app import build_desk
    from checkin.ui.qt import Qt

    assert lead_pin(stdin="471958\n", home=ui_home).returncode == 0
    assert lead_pin("--staff-passphrase", stdin=PHRASE + "\n", home=ui_home).returncode == 0
    tries = PinAttempts()
    for _ in range(MAX_TRIES):  # an earlier session's wrong PINs, in the data folder
        tries.record(False, "Accueil 3")
    desk = build_desk(db_file, day="2026-07-08", show_crash_dialog=False)
    try:
        w = desk.window
        w.resize(1366, 768)
        w.show()
        with qtbot.waitActive(w):
            w.activateWindow()
        qtbot.keyClick(w.scan.page.code_field, Qt.Key.Key_F9)
        QApplication.processEvents()
        dialog = w.lead.pin_dialog
        qtbot.waitExposed(dialog)
        assert dialog.prompt.text() == LOCKED and dialog.pin.isEnabled()
        type_in(dialog, kb, PHRASE)
        assert w.lead.lock.role == "lead" and w.nav.buttons["staff"].isEnabled()
        assert not PinAttempts().blocked
    finally:
        desk.close()
