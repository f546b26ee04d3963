"""The window's group view (issue 20, item 5): a member's scan offers the delegation, F5 opens
it, one click admits the members ticked and their badges go to the real print queue (PDFs in
a folder) as one batch in the group's order, the head of delegation's first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.modeltest import ModelTester

from checkin.ui.qt import QModelIndex, Qt
from tests import dbfiles

DAY1 = "2026-07-08"


def _delegation(db: Path) -> tuple[str, list[str]]:
    con = dbfiles.connect(db)
    try:
        name = con.execute(
            "SELECT delegation FROM attendee WHERE delegation != '' AND status = 'confirmed' "
            "AND (live_uid = uid OR live_uid = '') AND (days = '' OR days LIKE ?) "
            "GROUP BY delegation HAVING count(*) >= 3 ORDER BY count(*) DESC LIMIT 1",
            (f"%{DAY1}%",),
        ).fetchone()[0]
        codes = [
            r[0] for r in con.execute("SELECT code FROM attendee WHERE delegation = ? ORDER BY id", (name,))
        ]
    finally:
        con.close()
    return str(name), codes


def test_a_delegation_admitted_as_one_and_printed_in_its_order(
    desk: Any, qtbot: Any, db_file: Path, qtmodeltester: ModelTester
) -> None:
    w = desk.window
    name, codes = _delegation(db_file)
    # A member's scan: the usual answer, and the strip offers the whole delegation.
    w.scan.on_scan(codes[-1])
    qtbot.waitUntil(lambda: w.group.strip.isVisible(), timeout=5000)
    assert name in w.group.strip.text()
    with qtbot.waitSignal(w.group.shown, timeout=3000):
        qtbot.keyClick(w, Qt.Key.Key_F5)
    page, model = w.group.page, w.group.page.model
    assert w.frame.stack.currentWidget() is page and page.title.text() == name
    qtmodeltester.check(model, force_py=True)
    states = {m.attendee.code: m.state for m in model.members}
    assert states[codes[-1]] == "here"  # the scanned member is already in
    expected = [m.attendee.code for m in model.members if m.state == "expected"]
    assert len(expected) >= 2 and model.members[0].head
    # The volunteer unticks one who is not at the desk.
    absent = expected[-1]
    row = [m.attendee.code for m in model.members].index(absent)
    assert model.setData(
        model.index(row, 0, QModelIndex()), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole
    )
    with qtbot.waitSignal(w.group.batch_queued, timeout=10_000) as queued:
        qtbot.mouseClick(page.admit, Qt.MouseButton.LeftButton)
    jobs = queued.args[0]
    admitted = [c for c in expected if c != absent]
    assert len(jobs) == len(admitted)
    states = {m.attendee.code: m.state for m in model.members}
    assert all(states[c] == "here" for c in admitted) and states[absent] == "expected"
    # The batch in the group's order (head first), every badge a real PDF.
    queue = w.printers.bridge.queue
    qtbot.waitUntil(lambda: all(queue.job(j).state == "done" for j in jobs), timeout=20_000)
    con = dbfiles.connect(db_file)
    try:
        order = [
            r[0] for r in con.execute("SELECT code FROM print_job WHERE kind = 'badge' ORDER BY created_seq")
        ]
    finally:
        con.close()
    assert order[-len(admitted) :] == admitted
    from checkin.base import paths

    assert len(list(paths.print_dir().rglob("*.pdf"))) >= len(admitted)


def test_f5_on_the_search_page_opens_the_group_its_text_names(desk: Any, qtbot: Any, db_file: Path) -> None:
    w = desk.window
    name, _codes = _delegation(db_file)
    w.people.show_search()
    w.people.search.field.setText(name)
    with qtbot.waitSignal(w.group.shown, timeout=3000) as shown:
        qtbot.keyClick(w, Qt.Key.Key_F5)
    assert shown.args[0].name == name
