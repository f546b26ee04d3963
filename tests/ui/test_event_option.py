"""``--event`` reaches the window: ``checkin desk``, ``checkin demo`` and the reports and
purge run from the staff view all use the event of the command line, not the shipped one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from checkin import cli
from checkin.ui.qt import QApplication
from tests import dbfiles


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace the event loop: note what the window shows, then close it."""
    from checkin.ui import app

    seen: dict[str, Any] = {}

    def look_then_close(desk: Any) -> int:
        desk.window.show()
        for _ in range(5):
            QApplication.processEvents()
        seen["title"] = desk.window.windowTitle()
        seen["event"] = desk.session.event
        seen["day"] = desk.session.day
        seen["db"] = desk.replica.path
        desk.close()
        return 0

    monkeypatch.setattr(app, "run", look_then_close)
    return seen


def test_desk_opens_on_the_event_given_after_the_command(
    qapp: Any, opened: dict[str, Any], other_event: Path, db_file: Path
) -> None:
    # 10 July exists only in the other event: the shipped one would refuse the day.
    argv = ["desk", "--db", str(db_file), "--day", "2026-07-10", "--event", str(other_event)]
    assert cli.main(argv) == 0
    assert "Forum FTS 2026" in opened["title"]
    assert opened["event"].id == "fts2026" and opened["day"] == "2026-07-10"


def test_demo_builds_its_people_for_the_event_given_before_the_command(
    qapp: Any, opened: dict[str, Any], other_event: Path
) -> None:
    assert cli.main(["--event", str(other_event), "demo", "--day", "2026-07-10"]) == 0
    assert "Forum FTS 2026" in opened["title"]
    db = Path(opened["db"])
    assert db.parent.name == "fts2026"  # one demo database per event
    con = dbfiles.connect(db)
    try:
        third_day = con.execute("SELECT count(*) FROM attendee WHERE days LIKE '%2026-07-10%'").fetchone()[0]
    finally:
        con.close()
    assert third_day > 0


def test_report_and_purge_from_the_window_use_the_desks_event(
    qapp: Any, qtbot: Any, other_event: Path, sample_dir: Path, tmp_path: Path
) -> None:
    from checkin.base.pin import hash_pin
    from checkin.base.settings import DeskSettings
    from checkin.event import model as event_mod
    from checkin.importer import import_file
    from checkin.replica.db import open_replica
    from checkin.ui.app import build_desk

    ev = event_mod.load(other_event)
    db_file = tmp_path / "fts.sqlite"
    replica = open_replica(db_file)
    import_file(replica, ev, sample_dir / "inscriptions.csv")
    replica.close()
    settings = DeskSettings.load()
    settings.pin_hash = hash_pin("2468")
    desk = build_desk(db_file, day="2026-07-10", settings=settings, event=ev, show_crash_dialog=False)
    try:
        tools = desk.window.staff.tools
        out = tmp_path / "attendance.csv"
        with qtbot.waitSignal(tools.finished, timeout=60_000):
            tools.write_report("attendance", "csv", out)
        # The desk's day (10 July) exists only in the other event, and its categories are there.
        assert "Catégorie;Élu·e local·e;" in out.read_text(encoding="utf-8-sig")
        desk.window.lead.lock.unlock("2468")
        with qtbot.waitSignal(tools.purge_finished, timeout=60_000):
            tools.purge(keep_aggregates=True, hub_too=False)
    finally:
        desk.close()
    con = dbfiles.connect(db_file)
    try:
        kept = dict(con.execute("SELECT key, value FROM meta WHERE key LIKE 'aggregate.%'").fetchall())
    finally:
        con.close()
    assert "aggregate.2026-07-10.expected" in kept  # the counts of the desk's event's three days
