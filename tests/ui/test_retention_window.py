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


def test_a_demo_file_without_the_mark_is_purged_then_made_afresh(
    qapp: Any, opened: dict[str, Any], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A demo file made before the mark, into which someone imported a real export; plain
    # files (encryption off) so that what is left could be found.
    monkeypatch.setenv("CHECKIN_ENCRYPT", "0")
    import csv

    from checkin.base import paths
    from tests.sync.test_purge_leaves_nothing import found_in

    ev = event_mod.load()
    db = paths.data_dir() / "demo" / ev.id / "demo.sqlite"
    db.parent.mkdir(parents=True)
    replica = open_replica(db)
    import_file(replica, ev, SAMPLE_DIR / "inscriptions.csv")
    replica.close()
    with (SAMPLE_DIR / "inscriptions.csv").open(encoding="utf-8-sig", newline="") as f:
        keys = [r[k] for r in csv.DictReader(f, delimiter=";") for k in ("N° inscription", "Code billet")]
    assert found_in(paths.data_dir(), keys[::10])  # there before
    assert cli.main(["demo"]) == 0
    assert opened["people"] > 0 and Path(opened["db"]) == db  # the demo's invented people
    replica = open_replica(db)
    try:
        assert contents.invented_by(replica) == "demo"
    finally:
        replica.close()
    # The real ones are gone: no registration number or ticket code of the sample is left
    # (their names would not do: the demo's invented people share common first names).
    assert found_in(paths.data_dir(), keys[::10]) == {}
