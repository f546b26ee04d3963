"""First run: staff set the lead PIN at set-up (``checkin lead-pin`` or the event file);
pressing F9 on a desk without one says how to set it and never lets anyone choose it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from checkin.base.pin import check_pin
from checkin.base.settings import DeskSettings
from checkin.ui.qt import QApplication, Qt


def lead_pin(*args: str, stdin: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHECKIN_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "checkin.cli", "lead-pin", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def open_desk(db: Path, **kw: Any) -> Any:
    from checkin.ui.app import build_desk

    desk = build_desk(db, day="2026-07-08", show_crash_dialog=False, **kw)
    desk.window.resize(1366, 768)
    desk.window.show()
    return desk


def press_f9(desk: Any, qtbot: Any) -> None:
    """F9 as a key press reaching the window's shortcut."""
    with qtbot.waitActive(desk.window):
        desk.window.activateWindow()
    qtbot.keyClick(desk.window.scan.page.code_field, Qt.Key.Key_F9)
    QApplication.processEvents()


def try_pin(desk: Any, qtbot: Any, pin: str) -> None:
    dialog = desk.window.lead.pin_dialog
    qtbot.waitExposed(dialog)
    dialog.pin.setText(pin)
    dialog.try_accept()


def test_a_desk_without_pin_says_how_to_set_one(qapp: Any, qtbot: Any, db_file: Path, ui_home: Path) -> None:
    desk = open_desk(db_file)
    try:
        w = desk.window
        press_f9(desk, qtbot)
        assert "checkin lead-pin" in w.status.error.text()
        assert w.lead.pin_dialog is None  # nobody gets to choose a PIN here
        assert w.lead.lock.role == "volunteer" and not w.nav.buttons["staff"].isEnabled()
    finally:
        desk.close()
    assert DeskSettings.load().pin_hash == ""


def test_lead_pin_set_by_staff_then_f9_unlocks(qapp: Any, qtbot: Any, db_file: Path, ui_home: Path) -> None:
    done = lead_pin(stdin="471958\n", home=ui_home)
    assert done.returncode == 0, done.stderr
    assert "471958" not in (ui_home / "config" / "settings.toml").read_text(encoding="utf-8")
    assert check_pin("471958", DeskSettings.load().pin_hash)
    desk = open_desk(db_file)
    try:
        press_f9(desk, qtbot)
        try_pin(desk, qtbot, "0000")
        assert desk.window.lead.lock.role == "volunteer"
        try_pin(desk, qtbot, "471958")
        assert desk.window.lead.lock.role == "lead" and desk.window.nav.buttons["staff"].isEnabled()
    finally:
        desk.close()


def test_a_short_or_mistyped_pin_changes_nothing(ui_home: Path) -> None:
    done = lead_pin(stdin="12\n", home=ui_home)
    assert done.returncode == 1
    assert done.stderr.strip() == "checkin: Le code PIN doit avoir au moins 6 chiffres. Rien n'a été changé."
    assert not (ui_home / "config" / "settings.toml").exists()


def test_pin_provisioned_with_the_event(
    qapp: Any, qtbot: Any, db_file: Path, ui_home: Path, other_event: Path
) -> None:
    from checkin.event import model as event_mod

    printed = lead_pin("--print-hash", stdin="864297\n", home=ui_home)
    assert printed.returncode == 0, printed.stderr
    block = printed.stdout[printed.stdout.index("[lead]") :]
    with other_event.open("a", encoding="utf-8") as out:
        out.write("\n" + block)
    assert DeskSettings.load().pin_hash == ""  # --print-hash keeps nothing on this desk
    desk = open_desk(db_file, event=event_mod.load(other_event))
    try:
        press_f9(desk, qtbot)
        try_pin(desk, qtbot, "864297")
        assert desk.window.lead.lock.role == "lead"
    finally:
        desk.close()
