"""Wrong PINs are counted: a countdown after three, staff needed after ten, across restarts.

The clock is a number the test moves; nothing sleeps.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from checkin.base.attempts import PinAttempts, wait_after
from checkin.base.pin import hash_pin
from checkin.base.settings import DeskSettings
from checkin.ui.lead.lock import LeadLock, PinDialog

PIN = "731946"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_dialog(qtbot: Any, tmp_path: Path, clock: Clock) -> PinDialog:
    settings = DeskSettings.load()
    settings.pin_hash = hash_pin(PIN)
    settings.desk_name = "Accueil 3"
    lock = LeadLock(settings, attempts=PinAttempts(tmp_path / "tries.json", clock=clock))
    dialog = PinDialog(lock)
    qtbot.addWidget(dialog)
    return dialog


def wrong(dialog: PinDialog, times: int = 1) -> None:
    for _ in range(times):
        assert dialog.pin.isEnabled()
        dialog.pin.setText("000000")
        dialog.try_accept()


def test_growing_wait_shown_as_a_countdown(qtbot: Any, tmp_path: Path, clock: Clock) -> None:
    dialog = make_dialog(qtbot, tmp_path, clock)
    wrong(dialog, 2)
    assert dialog.pin.isEnabled() and dialog.error.text() == "Code PIN incorrect."
    wrong(dialog)
    assert dialog.error.text() == "Code PIN incorrect. Nouvel essai possible dans 30 s."
    assert not dialog.pin.isEnabled() and not dialog.ok.isEnabled()
    assert dialog.countdown.isActive()
    # A try while waiting is not heard, even the right one.
    assert not dialog.lock.unlock(PIN) and dialog.lock.attempts.failures == 3
    clock.now += 12
    dialog.countdown.timeout.emit()
    assert dialog.error.text().endswith("dans 18 s.")
    clock.now += 18
    dialog.countdown.timeout.emit()
    assert dialog.pin.isEnabled() and not dialog.countdown.isActive()
    wrong(dialog)
    assert dialog.error.text().endswith("dans 60 s.")  # the wait doubles
    clock.now += 60
    dialog.refresh()
    dialog.pin.setText(PIN)
    dialog.try_accept()
    assert dialog.lock.is_lead and dialog.lock.attempts.failures == 0


def test_ten_wrong_tries_lock_until_staff_reset(qtbot: Any, tmp_path: Path, clock: Clock) -> None:
    dialog = make_dialog(qtbot, tmp_path, clock)
    for _ in range(10):
        clock.now += wait_after(dialog.lock.attempts.failures)
        dialog.refresh()
        wrong(dialog)
    assert "checkin lead-pin --reset" in dialog.error.text()
    clock.now += 365 * 86400
    dialog.refresh()
    assert not dialog.pin.isEnabled() and not dialog.lock.unlock(PIN)
    # A restart (a new lock reading the same file) gives nothing back.
    again = make_dialog(qtbot, tmp_path, clock)
    assert again.lock.attempts.blocked and not again.pin.isEnabled()
    PinAttempts(tmp_path / "tries.json", clock=clock).reset("staff")
    fresh = make_dialog(qtbot, tmp_path, clock)
    fresh.pin.setText(PIN)
    fresh.try_accept()
    assert fresh.lock.is_lead


def test_tries_are_logged_without_the_digits(
    qtbot: Any, tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    dialog = make_dialog(qtbot, tmp_path, clock)
    with caplog.at_level(logging.INFO, logger="checkin.base.attempts"):
        dialog.pin.setText("482913")
        dialog.try_accept()
        dialog.pin.setText(PIN)
        dialog.try_accept()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and all("Accueil 3" in line and "2027-01-15T08:00:00" in line for line in lines)
    assert "wrong" in lines[0] and "right" in lines[1]
    assert not any("482913" in line or PIN in line for line in lines)


def test_a_damaged_count_is_a_lockout_not_a_reset(tmp_path: Path) -> None:
    (tmp_path / "tries.json").write_text("{not json", encoding="utf-8")
    assert PinAttempts(tmp_path / "tries.json").blocked
