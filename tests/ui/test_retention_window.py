"""The event's retention date in the window: the demo (invented people, on the shipped event
whose date is long past) is never purged; a real desk past its date is, and says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sample import SAMPLE_DIR

from checkin import cli
from checkin.event import model as event_mod
from checkin.importer import import_file
from checkin.replica import contents
from checkin.replica.db import open_replica
from checkin.sync import retention
from checkin.ui.qt import QApplication

NOTICE = "Date de conservation dépassée (2026-10-07)"


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace the event loop: note what the window shows, then close it."""
    from checkin.ui import app

    seen: dict[str, Any] = {}

    def look_then_close(desk: Any) -> int:
        desk.window.show()
        for _ in range(5):
            QApplication.processEvents()
        seen["banner"] = desk.window.banner.label.text() if desk.window.banner.isVisible() else ""
        seen["db"] = desk.replica.path
        seen["people"] = contents.registration_count(desk.replica)
        desk.close()
        return 0

    monkeypatch.setattr(app, "run", look_then_close)
    monkeypatch.delenv("CHECKIN_TODAY")  # today's real clock: AICT 2026's date is past
    assert retention.due(event_mod.load())
    return seen


def test_the_readmes_first_command_starts_the_demo_unpurged(qapp: Any, opened: dict[str, Any]) -> None:
    assert cli.main(["demo"]) == 0
    assert opened["people"] > 0 and NOTICE not in opened["banner"]
    assert cli.main(["demo"]) == 0  # and again: still the same people
    assert opened["people"] > 0 and NOTICE not in opened["banner"]


def test_a_real_desk_past_its_date_is_purged_and_says_so(
    qapp: Any, opened: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "desk.sqlite"
    replica = open_replica(db)
    import_file(replica, event_mod.load(), SAMPLE_DIR / "inscriptions.csv")
    replica.close()
    assert cli.main(["desk", "--db", str(db)]) == 0
    assert NOTICE in capsys.readouterr().err  # the command said it
    assert opened["people"] == 0
    # The window opened on the purged file directly (build_desk) says it in its banner.
    copy = tmp_path / "again.sqlite"
    replica = open_replica(copy)
    import_file(replica, event_mod.load(), SAMPLE_DIR / "inscriptions.csv")
    replica.close()
    from checkin.ui import app

    desk = app.build_desk(copy, show_crash_dialog=False)
    try:
        assert NOTICE in desk.window.frame.last_error
        assert contents.registration_count(desk.replica) == 0
    finally:
        desk.close()
