"""A desk set to a room from the lead's settings (issue 20): the lead picks the room in the
settings dialog (F9, the PIN, F10); the next ``checkin desk`` opens that room's door, as
``--room`` does; ``--room ""`` opens the reception desk whatever the setting; a room the
event does not have is one sentence naming the setting."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from checkin.ui.qt import QApplication, Qt

DAY1 = "2026-07-08"
ROOT = Path(__file__).resolve().parents[3]


def _args(db: Path, room: str | None) -> argparse.Namespace:
    return argparse.Namespace(db=str(db), desk=None, day=DAY1, rehearsal=False, room=room, event=None)


def test_the_lead_sets_the_room_then_checkin_desk_opens_its_door(
    desk: Any, qtbot: Any, kb: Any, db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checkin.base.settings import DeskSettings
    from checkin.cli import desk as desk_cli
    from checkin.ui.door import app as door_app
    from checkin.ui.door.station import DoorStation
    from checkin.ui.lead.dialogs import SettingsDialog

    w = desk.window
    with qtbot.waitActive(w):
        w.activateWindow()
    qtbot.keyClick(w.scan.page.code_field, Qt.Key.Key_F9)
    pin = w.lead.pin_dialog
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is pin, timeout=2000)
    with qtbot.waitSignal(w.lead.lock.changed, timeout=2000):
        kb.type_text("2468\r", gap_ms=200, target=pin.pin)
    qtbot.keyClick(w.scan.page.code_field, Qt.Key.Key_F10)
    dialog = w.frame.dialog
    assert isinstance(dialog, SettingsDialog)
    choices = [dialog.room.itemText(i) for i in range(dialog.room.count())]
    assert choices[0] == "l'accueil" and "la porte de « Salon Vaucanson »" in choices
    assert dialog.room.currentData() == ""
    dialog.room.setCurrentIndex(dialog.room.findData("Salon Vaucanson"))
    dialog.try_accept()
    assert DeskSettings.load().room == "Salon Vaucanson"
    assert w.statusBar().currentMessage() == (
        "Au prochain démarrage, « checkin desk » ouvre la porte de « Salon Vaucanson »."
    )
    desk.close()

    opened: list[str] = []

    def run(door: Any) -> int:  # instead of the event loop: what opened, then closed
        assert isinstance(door.window, DoorStation)
        opened.append(door.window.header.room.text())
        door.close()
        return 0

    monkeypatch.setattr(door_app, "run", run)
    assert desk_cli.run_desk(_args(db_file, None)) == 0
    assert opened == ["Salon Vaucanson"]
    # --room "" is the reception desk, whatever the setting.
    built: list[Path] = []
    monkeypatch.setattr(desk_cli, "run_single", lambda path, build: built.append(path) or 0)
    assert desk_cli.run_desk(_args(db_file, "")) == 0
    assert built == [db_file] and opened == ["Salon Vaucanson"]


def test_a_room_the_event_lacks_in_the_setting_is_one_sentence(db_file: Path, ui_home: Path) -> None:
    from checkin.base.settings import DeskSettings

    settings = DeskSettings.load()
    settings.room = "Salle Pasteur"
    settings.save()
    done = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "desk", "--db", str(db_file)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode != 0 and "Traceback" not in done.stderr
    said = done.stderr + done.stdout
    assert "Salle inconnue : « Salle Pasteur »" in said and "Salon Vaucanson" in said, said
    assert "réglage room de" in said and 'checkin desk --room ""' in said, said
