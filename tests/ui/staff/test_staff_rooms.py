"""The staff view's « Salles » tab (issue 20): the lead unlocks with F9 and the PIN, opens
the staff view with F6, clicks the tab; door scans on the desk's replica show there as
``inside / capacity`` for the room, with the day's curve."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from checkin.ui.qt import QApplication, Qt
from tests import dbfiles

DAY1 = "2026-07-08"
PARIS = ZoneInfo("Europe/Paris")


def _a1_codes(db: Path) -> list[str]:
    """Two people registered for workshop A1 (Salon Vaucanson, 11:30–13:00)."""
    con = dbfiles.connect(db)
    try:
        rows = con.execute(
            "SELECT code FROM attendee WHERE status = 'confirmed' AND (live_uid = uid OR live_uid = '') "
            f"AND (days = '' OR days LIKE '%{DAY1}%') AND source = 'import' "
            "AND (',' || workshops || ',') LIKE '%,A1,%' ORDER BY id LIMIT 2"
        ).fetchall()
    finally:
        con.close()
    assert len(rows) == 2
    return [r[0] for r in rows]


def _open_staff_view_as_a_lead(desk: Any, qtbot: Any, kb: Any) -> None:
    w = desk.window
    with qtbot.waitActive(w):
        w.activateWindow()
    qtbot.keyClick(w.scan.page.code_field, Qt.Key.Key_F9)
    dialog = w.lead.pin_dialog
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog, timeout=2000)
    with qtbot.waitSignal(w.lead.lock.changed, timeout=2000):
        kb.type_text("2468\r", gap_ms=200, target=dialog.pin)
    with qtbot.waitSignal(w.staff_shown, timeout=10_000):
        qtbot.keyClick(w.scan.page.code_field, Qt.Key.Key_F6)
    assert w.frame.stack.currentWidget() is w.staff.page


def _click_tab(qtbot: Any, tabs: Any, index: int) -> None:
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())


def test_the_staff_view_shows_each_rooms_occupancy(
    desk: Any, qtbot: Any, kb: Any, db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checkin.arrivals import rooms
    from checkin.replica import facts

    w = desk.window
    w.rooms.now = lambda: datetime(2026, 7, 8, 11, 40, tzinfo=PARIS)
    _open_staff_view_as_a_lead(desk, qtbot, kb)
    tabs = w.staff.page.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Arrivées", "Salles"]
    assert not w.rooms.timer.isActive()  # hidden: no reads
    with qtbot.waitSignal(w.rooms.refreshed, timeout=5000) as got:
        _click_tab(qtbot, tabs, 1)
    assert tabs.currentIndex() == 1 and w.rooms.isVisible() and w.rooms.timer.isActive()
    shown = {r.room: r for r in got.args[0]}
    assert {"Grand Salon", "Salon Vaucanson", "Espace B2B"} <= set(shown)
    assert shown["Salon Vaucanson"].inside == 0
    replica, event = desk.session.replica, desk.session.event
    target = rooms.serving(replica, "Salon Vaucanson", DAY1, "11:40")
    assert target is not None and target.code == "A1"
    # The entries stamped at the view's 11:40 (Paris), not at the test's own time of day: the
    # day's curve places them by their time, and after 11:40 they fell past its end.
    monkeypatch.setattr(facts, "now_utc", lambda: "2026-07-08T09:40:00+00:00")
    for code in _a1_codes(db_file):
        d = rooms.decide(replica, event, code, target, day=DAY1, hhmm="11:40", desk="Porte Vaucanson")
        assert d.outcome == "admitted", d.outcome
    with qtbot.waitSignal(w.rooms.refreshed, timeout=5000):
        w.rooms.timer.timeout.emit()  # the next tick (every 10 s while shown)
    index = [row[0].text() for row in w.rooms.rows].index("Salon Vaucanson")
    _room, session, bar, count, curve = w.rooms.rows[index]
    assert session.text().startswith("A1 · 11:30–13:00") and count.text() == "2 / 80"
    assert bar.isVisible() and (bar.value(), bar.maximum()) == (2, 80)
    assert curve.points and curve.points[-1][1] == 2
    assert "11:40" in w.rooms.title.text()
    with qtbot.waitSignal(w.rooms.refreshed, timeout=5000):
        qtbot.mouseClick(w.nav.buttons["language"], Qt.MouseButton.LeftButton)  # English, at once
    assert tabs.tabText(1) == "Rooms" and w.rooms.heads[0].text() == "Room"
    assert w.rooms.title.text().startswith("Room occupancy")
    _click_tab(qtbot, tabs, 0)  # back to the arrivals: the rooms stop reading
    assert not w.rooms.timer.isActive()
