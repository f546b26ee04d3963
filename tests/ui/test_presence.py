"""One rule for who is here: the status bar shows an admission at once, never an older
count over a newer one, and says what the staff view says on the same screen."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from tests import dbfiles

DAY1 = "2026-07-08"


def _truth(db: Path) -> tuple[int, int]:
    """Counted by hand, independently of the code under test."""
    con = dbfiles.connect(db)
    try:
        here = con.execute(
            "SELECT count(DISTINCT CASE WHEN a.live_uid != '' THEN a.live_uid ELSE a.uid END) FROM fact f "
            "JOIN attendee a ON a.uid = f.attendee_uid WHERE f.kind = 'checkin' AND f.day = ? "
            "AND f.id NOT IN (SELECT ref FROM fact WHERE kind = 'undo')",
            (DAY1,),
        ).fetchone()[0]
        rows = con.execute("SELECT uid, live_uid, status, days FROM attendee").fetchall()
    finally:
        con.close()
    expected = sum(
        1
        for uid, live, status, days in rows
        if status == "confirmed" and live in ("", uid) and (not days or DAY1 in days.split(","))
    )
    return here, expected


def _shown(w: Any) -> tuple[int, int]:
    text = w.status.counts.text()  # "Arrivées : 3 / 280"
    arrived, expected = text.split(":", 1)[1].split("/")
    return int(arrived), int(expected)


def test_an_admission_is_on_the_status_bar_at_once(
    desk: Any, qtbot: Any, codes: dict[str, str], db_file: Path
) -> None:
    w = desk.window
    qtbot.waitUntil(lambda: _shown(w) == _truth(db_file), timeout=5000)
    before = _shown(w)
    w.scan.on_scan(codes["both_days"])  # no waiting: the answer and the count are painted together
    assert _shown(w) == (before[0] + 1, before[1]) == _truth(db_file)
    w.scan.on_scan(codes["both_days"])  # already in: not one more
    assert _shown(w) == _truth(db_file)


def test_an_older_count_never_replaces_a_newer_one(
    desk: Any, qtbot: Any, codes: dict[str, str], db_file: Path, monkeypatch: Any
) -> None:
    """A count that started before an admission and comes back after it (a slow worker)
    is dropped: the screenshot with 2 on the status bar and 4 on the staff view."""
    w = desk.window
    qtbot.waitUntil(lambda: _shown(w) == _truth(db_file), timeout=5000)
    counts = desk.session.counts
    inside, release = threading.Event(), threading.Event()

    def slow() -> tuple[int, int]:
        result = counts()  # read before the admissions below
        inside.set()
        release.wait(10)
        return result

    monkeypatch.setattr(desk.session, "counts", slow)
    w.status.refresh_counts()
    w.status.counts_timer.setInterval(0)
    qtbot.waitUntil(inside.is_set, timeout=5000)
    monkeypatch.setattr(desk.session, "counts", counts)
    w.scan.on_scan(codes["both_days"])
    w.scan.on_scan(codes["second_both"])
    newest = _shown(w)
    assert newest == _truth(db_file)
    release.set()  # the old count comes back now
    qtbot.wait(300)
    assert _shown(w) == newest == _truth(db_file)


def test_the_status_bar_and_the_staff_view_say_the_same(
    desk: Any, qtbot: Any, codes: dict[str, str], db_file: Path
) -> None:
    w = desk.window
    for code in (codes["both_days"], codes["second_both"], codes["day2_only"], codes["cancelled"]):
        w.scan.on_scan(code)
    w.lead.lock.unlock("2468")
    with qtbot.waitSignal(w.staff_shown, timeout=10_000) as got:
        w.show_staff()
    figures = got.args[0]
    assert (figures.arrived, figures.expected) == _truth(db_file) == _shown(w)
    assert f"{figures.arrived} arrivé·e·s sur {figures.expected}" in w.staff.page.total.text()


def test_one_rule_on_two_desks_and_the_hub(
    qapp: Any, db_file: Path, built_db: Path, codes: dict[str, str], tmp_path: Path
) -> None:
    """A double admission from two desks, an undo, a lead's override, a walk-in: the status
    bar's count, the staff view, the reports and the counts a purge keeps agree, on each
    desk and on the hub."""
    import shutil
    import uuid

    from checkin.event import model as event_mod
    from checkin.replica import attendance as report_data
    from checkin.replica import facts, presence
    from checkin.replica.attendees import by_code
    from checkin.replica.db import open_replica
    from checkin.sync.exchange import exchange
    from checkin.sync.hub import open_hub
    from checkin.sync.hubimport import import_into_hub
    from checkin.sync.purge import aggregates
    from checkin.ui.staff.view import compute

    ev = event_mod.load()
    other = tmp_path / "other.sqlite"
    shutil.copyfile(db_file, other)
    con = dbfiles.connect(other)
    con.execute("UPDATE meta SET value = ? WHERE key = 'desk_id'", (str(uuid.uuid4()),))
    con.commit()
    con.close()
    a, b = open_replica(db_file), open_replica(other)
    hub = open_hub(str(tmp_path / "hub.sqlite"), create=True)
    import_into_hub(hub, ev, built_db.parent / "inscriptions.csv")  # the same export as the desks'
    try:
        with a.read() as conn:
            p, q, r = (by_code(conn, codes[k]) for k in ("both_days", "second_both", "day2_only"))
        assert p and q and r
        facts.record_checkin(a, p, day=DAY1, desk="A")
        facts.record_checkin(b, p, day=DAY1, desk="B")  # both desks offline: twice
        undone = facts.record_checkin(a, q, day=DAY1, desk="A")
        facts.record_undo(a, undone.id, desk="A", role="lead")
        facts.record_checkin(a, r, day=DAY1, desk="A", override="invitée")  # not expected today
        walkin = facts.create_walkin(a, ev, {"first_name": "Inès", "last_name": "Okafor"}, day=DAY1, desk="A")
        facts.record_checkin(a, walkin, day=DAY1, desk="A")
        for desk in (a, b, a):
            exchange(desk, hub)
        figures = []
        for desk in (a, b):
            with desk.read() as conn:
                data = report_data.load(conn, ev, hub=False)
                kept = aggregates(conn, hub=False, event=ev)
                figures.append(presence.counts(conn, DAY1))
                assert figures[-1] == (len(data.present(DAY1)), len(data.expected(DAY1)))
                assert figures[-1] == (kept[f"{DAY1}.present"], kept[f"{DAY1}.expected"])
            staff = compute(desk, ev, DAY1)
            assert figures[-1] == (staff.arrived, staff.expected)
        with hub.read() as conn:
            data = report_data.load(conn, ev, hub=True)
            figures.append(presence.counts(conn, DAY1, presence.HUB))
            assert figures[-1] == (len(data.present(DAY1)), len(data.expected(DAY1)))
        assert figures[0] == figures[1] == figures[2]
        here, expected = figures[0]
        truth_here, truth_expected = _truth(db_file)
        assert (here, expected) == (truth_here, truth_expected)
        # p once (two desks), q undone, r here though not expected, the walk-in here and expected.
        with a.read() as conn:
            came = {person for person, _day in presence.arrivals(conn, presence.DESK, DAY1)}
        assert {p.live_uid or p.uid, r.live_uid or r.uid, walkin.uid} == came
    finally:
        hub.close()
        a.close()
        b.close()
