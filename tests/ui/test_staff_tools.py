"""Staff workflows in the window: import, exchange with a hub, reports, live sync state."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from checkin.ui.staff_tools import StaffTools


def count(db: Path, sql: str) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def tools(desk: Any) -> StaffTools:
    return desk.window.staff_tools


def test_import_from_the_window_runs_in_the_background(
    desk: Any, qtbot: Any, sample_dir: Path, db_file: Path
) -> None:
    before = count(db_file, "SELECT count(*) FROM attendee")
    with qtbot.waitSignal(tools(desk).finished, timeout=30_000) as got:
        tools(desk).import_file(sample_dir / "inscriptions.csv")
    assert "578 lignes lues" in got.args[0] and "578 ajoutées" in got.args[0]
    assert count(db_file, "SELECT count(*) FROM attendee") == before + 578


def test_a_bad_file_is_a_banner_not_a_crash(desk: Any, qtbot: Any, tmp_path: Path) -> None:
    fake = tmp_path / "inscriptions.csv"
    fake.write_bytes(b"%PDF-1.4\n")
    with qtbot.waitSignal(tools(desk).failed, timeout=10_000):
        tools(desk).import_file(fake)
    qtbot.waitUntil(lambda: "PDF" in desk.window.banner.text, timeout=2000)


def test_sync_now_with_a_file_hub_then_live_state_in_the_status_bar(
    desk: Any, qtbot: Any, tmp_path: Path, codes: dict[str, str]
) -> None:
    w = desk.window
    w.on_scan(codes["both_days"])
    from checkin.sync.hub import open_hub

    hub = tmp_path / "hub.sqlite"
    open_hub(f"sqlite:///{hub}", create=True).close()  # staff ran `checkin hub init`
    tools(desk).hub.setText(str(hub))
    errors: list[BaseException] = []
    tools(desk).failed.connect(errors.append)
    with qtbot.waitSignal(tools(desk).finished, timeout=60_000) as got:
        tools(desk).sync_now()
    assert not errors
    assert "Échange terminé" in got.args[0]
    assert count(hub, "SELECT count(*) FROM hub_fact WHERE kind = 'checkin'") >= 1
    assert w.live_sync is not None  # a hub is configured now: live mode starts
    qtbot.waitUntil(lambda: "Synchro" in w.status_sync.text(), timeout=20_000)
    w.stop_live_sync()


def test_report_from_the_window(desk: Any, qtbot: Any, tmp_path: Path, codes: dict[str, str]) -> None:
    desk.window.on_scan(codes["both_days"])
    out = tmp_path / "emargement.csv"
    with qtbot.waitSignal(tools(desk).finished, timeout=60_000) as got:
        tools(desk).write_report("emargement", "csv", out)
    assert str(out) in got.args[0]
    assert out.exists() and out.stat().st_size > 0


def test_unreachable_hub_is_said_plainly(desk: Any, qtbot: Any) -> None:
    tools(desk).hub.setText("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with qtbot.waitSignal(tools(desk).failed, timeout=30_000):
        tools(desk).sync_now()
    qtbot.waitUntil(lambda: desk.window.banner.text != "", timeout=2000)
    assert "Traceback" not in desk.window.banner.text
