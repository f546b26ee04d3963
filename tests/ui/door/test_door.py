"""A room's door in the window (issue 20): scans fed as key events, the clock moved across
a session change, the lead's forced admission through the PIN dialog, the conflicts report
read back through the command line, the staff's occupancy view."""

from __future__ import annotations

import csv
import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from checkin.ui.qt import QApplication, Qt
from tests import dbfiles

DAY1 = "2026-07-08"
ROOT = Path(__file__).resolve().parents[3]
PARIS = ZoneInfo("Europe/Paris")


class MovedClock:
    def __init__(self, hhmm: str) -> None:
        self.set(hhmm)

    def set(self, hhmm: str) -> None:
        hours, minutes = (int(x) for x in hhmm.split(":"))
        self.now = datetime(2026, 7, 8, hours, minutes, tzinfo=PARIS)

    def __call__(self) -> datetime:
        return self.now


def _event(capacity: int | None = None) -> Any:
    from checkin.event import model as event_mod
    from checkin.event.rooms import Room

    ev = event_mod.load()
    if capacity is None:
        return ev
    rooms = tuple(
        Room(r.name, capacity, r.exits) if r.name == "Salon Vaucanson" else r for r in ev.rooms.rooms
    )
    return dataclasses.replace(ev, rooms=dataclasses.replace(ev.rooms, rooms=rooms))


def _open(qtbot: Any, db: Path, clock: MovedClock, capacity: int | None = None) -> Any:
    from checkin.base.pin import hash_pin
    from checkin.base.settings import DeskSettings
    from checkin.ui.door.app import build_door

    settings = DeskSettings.load()
    settings.pin_hash = hash_pin("2468")
    settings.desk_name = "Porte Vaucanson"
    door = build_door(db, "salon vaucanson", day=DAY1, settings=settings, event=_event(capacity), now=clock)
    door.window.resize(1366, 768)
    door.window.show()
    qtbot.waitExposed(door.window)
    return door


@pytest.fixture
def clock() -> MovedClock:
    return MovedClock("11:20")


@pytest.fixture
def people(db_file: Path) -> dict[str, list[str]]:
    """Codes of people registered for workshop A1 (and A4), and of people registered for none."""
    con = dbfiles.connect(db_file)
    base = (
        "SELECT code FROM attendee WHERE status = 'confirmed' AND (live_uid = uid OR live_uid = '') "
        f"AND (days = '' OR days LIKE '%{DAY1}%') AND source = 'import' AND "
    )
    found = {
        "a1": [
            r[0] for r in con.execute(base + "(',' || workshops || ',') LIKE '%,A1,%' ORDER BY id LIMIT 3")
        ],
        "a4": [
            r[0] for r in con.execute(base + "(',' || workshops || ',') LIKE '%,A4,%' ORDER BY id LIMIT 1")
        ],
        "none": [r[0] for r in con.execute(base + "workshops = '' ORDER BY id LIMIT 1")],
    }
    con.close()
    assert len(found["a1"]) == 3 and found["a4"] and found["none"], found
    return found


@pytest.fixture
def door(qapp: Any, qtbot: Any, db_file: Path, clock: MovedClock) -> Iterator[Any]:
    opened = _open(qtbot, db_file, clock)
    yield opened.window
    opened.close()


def _scan(kb: Any, qtbot: Any, station: Any, code: str, start: int) -> Any:
    with qtbot.waitSignal(station.answered, timeout=5000) as got:
        kb.type_text(code + "\r", gap_ms=3, start=start, shift=True, target=station)
    return got.args[0]


def _slowly(kb: Any, text: str, start: int, field: Any) -> int:
    """A person typing (200 ms apart: never a scanner burst) into ``field``."""
    return int(kb.type_text(text, gap_ms=200, start=start, target=field))


def test_the_door_answers_and_follows_the_clock(
    door: Any, qtbot: Any, kb: Any, people: dict[str, list[str]], clock: MovedClock
) -> None:
    header, answer = door.header, door.answer
    assert header.room.text() == "Salon Vaucanson"
    assert door.target.code == "A1" and "A1 · 11:30–13:00" in header.session.text()
    assert header.count.text() == "0 / 80"
    first = people["a1"][0]
    d = _scan(kb, qtbot, door, first, 10_000)
    assert d.outcome == "admitted" and answer.headline.text() == "ENTRÉE"
    assert answer.name.text() == d.attendee.full_name and header.count.text() == "1 / 80"
    assert header.bar.value() == 1 and header.bar.maximum() == 80
    assert _scan(kb, qtbot, door, first, 20_000).outcome == "already_in"
    assert answer.headline.text() == "DÉJÀ DANS LA SALLE" and "Porte Vaucanson" in answer.line.text()
    assert _scan(kb, qtbot, door, people["none"][0], 30_000).outcome == "not_in_session"
    assert answer.headline.text() == "PAS INSCRIT·E À CETTE SESSION" and door.force_button.isVisible()
    assert _scan(kb, qtbot, door, "AICT26-ZZZZ9999", 40_000).outcome == "unknown"
    assert answer.headline.text() == "CODE INCONNU" and not door.force_button.isVisible()
    assert answer.line.text() == "Code inconnu — envoyer la personne à l'accueil"
    assert header.count.text() == "1 / 80"
    qtbot.keyClick(door, Qt.Key.Key_F2)  # exits now
    assert door.exit_button.text() == "Sorties (F2)" and "Sortie" in answer.line.text()
    assert _scan(kb, qtbot, door, first, 50_000).outcome == "exit"
    assert answer.headline.text() == "SORTIE" and header.count.text() == "0 / 80"
    qtbot.keyClick(door, Qt.Key.Key_F2)
    assert door.exit_button.text() == "Entrées (F2)"
    # 13:00: A1 is over, the room is empty until A4's doors open (14:15).
    clock.set("13:05")
    with qtbot.waitSignal(door.session_changed, timeout=2000) as changed:
        door.tick.timeout.emit()
    assert changed.args[0] is None
    assert header.session.text() == "Aucune session maintenant — prochaine : A4 à 14:30"
    assert header.count.text() == "— / 80"
    assert _scan(kb, qtbot, door, first, 60_000).outcome == "no_session"
    assert answer.headline.text() == "AUCUNE SESSION"
    clock.set("14:20")
    with qtbot.waitSignal(door.session_changed, timeout=TICK_WAIT):
        pass  # the door's own timer notices the new session
    assert door.target.code == "A4" and "A4 · 14:30–16:00" in header.session.text()
    assert _scan(kb, qtbot, door, people["a4"][0], 70_000).outcome == "admitted"
    assert header.count.text() == "1 / 80"


TICK_WAIT = 8_000  # the door asks the clock every 5 s


def test_full_then_the_leads_forced_entry_is_in_the_conflicts_report(
    qapp: Any,
    qtbot: Any,
    kb: Any,
    db_file: Path,
    clock: MovedClock,
    people: dict[str, list[str]],
    tmp_path: Path,
) -> None:
    opened = _open(qtbot, db_file, clock, capacity=1)
    door = opened.window
    try:
        assert _scan(kb, qtbot, door, people["a1"][0], 10_000).outcome == "admitted"
        assert door.header.count.text() == "1 / 1"
        refused = _scan(kb, qtbot, door, people["a1"][1], 20_000)
        assert refused.outcome == "full" and door.answer.headline.text() == "SALLE PLEINE"
        door.force_button.click()
        pin = door.dialog
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is pin, timeout=2000)
        stamp = _slowly(kb, "1111\r", 30_000, pin.pin)  # a wrong PIN: nothing recorded
        assert "incorrect" in pin.error.text() and pin.isVisible()
        assert door.last.outcome == "full"
        stamp = _slowly(kb, "2468\r", stamp + 1000, pin.pin)
        reason = door.dialog
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is reason, timeout=2000)
        assert not reason.ok.isEnabled()  # no reason, no admission
        with qtbot.waitSignal(door.answered, timeout=5000) as got:
            _slowly(kb, "Intervenante de la table ronde\r", stamp + 1000, reason.reason)
        forced = got.args[0]
        assert forced.outcome == "forced" and door.answer.headline.text() == "ENTRÉE (RESPONSABLE)"
        assert door.header.count.text() == "2 / 1" and forced.attendee.uid == refused.attendee.uid
        assert not door.parts.lock.is_lead  # the next refusal asks the PIN again
    finally:
        opened.close()
    out = tmp_path / "conflicts.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "checkin.cli", "report", "conflicts", "--db", str(db_file), "-o", str(out)],
        check=True, env=env, capture_output=True, timeout=120,
    )  # fmt: skip
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    forced_rows = [r for r in rows if r and r[0] == "Entrée forcée à une porte"]
    assert len(forced_rows) == 1, rows
    assert refused.attendee.code in forced_rows[0]
    assert "Intervenante de la table ronde" in forced_rows[0][-1] and "salle pleine" in forced_rows[0][-1]


def test_the_occupancy_view_shows_every_room(
    qapp: Any, qtbot: Any, kb: Any, door: Any, db_file: Path, clock: MovedClock, people: dict[str, list[str]]
) -> None:
    from checkin.ui.door.app import build_occupancy

    for i, code in enumerate(people["a1"][:2]):
        assert _scan(kb, qtbot, door, code, 10_000 + 10_000 * i).outcome == "admitted"
    opened = build_occupancy(db_file, day=DAY1, now=clock)
    view = opened.window
    try:
        view.resize(1366, 768)
        view.show()
        qtbot.waitExposed(view)
        qtbot.waitUntil(lambda: bool(view.rows), timeout=5000)  # read on the task pool
        texts = {view.rows[i][0].text(): i for i in range(len(view.rows))}
        assert {"Grand Salon", "Salon Vaucanson", "Espace B2B"} <= set(texts)
        _room, session, bar, count, _curve = view.rows[texts["Salon Vaucanson"]]
        assert session.text().startswith("A1 · 11:30–13:00") and count.text() == "2 / 80"
        assert bar.value() == 2 and bar.maximum() == 80
        assert view.rows[texts["Grand Salon"]][1].text() == "Aucune session maintenant"
        clock.set("13:05")
        with qtbot.waitSignal(view.refreshed, timeout=2000):
            view.timer.timeout.emit()
        assert session.text() == "Aucune session maintenant" and count.text() == "— / 80"
        assert "13:05" in view.title.text()
    finally:
        opened.close()


def test_a_door_with_a_hub_takes_its_share_and_shows_it(
    qapp: Any,
    qtbot: Any,
    kb: Any,
    db_file: Path,
    clock: MovedClock,
    people: dict[str, list[str]],
    tmp_path: Path,
) -> None:
    """The door's first entry asks the hub for seats (a lease): half the free seats, since
    another door may come; the header says the door's share."""
    from checkin.base.pin import hash_pin
    from checkin.base.settings import DeskSettings
    from checkin.replica.db import open_replica
    from checkin.sync.exchange import exchange
    from checkin.sync.hub import open_hub
    from checkin.ui.door.app import build_door

    hub_path = str(tmp_path / "hub.sqlite")
    hub = open_hub(hub_path, create=True)
    replica = open_replica(db_file)
    try:
        exchange(replica, hub, desk="Porte Vaucanson", report=False)
    finally:
        replica.close()
        hub.close()
    settings = DeskSettings.load()
    settings.pin_hash = hash_pin("2468")
    settings.desk_name = "Porte Vaucanson"
    settings.hub_url = hub_path
    settings.sync_interval_s = 1
    opened = build_door(db_file, "Salon Vaucanson", day=DAY1, settings=settings, event=_event(), now=clock)
    door = opened.window
    door.resize(1366, 768)
    door.show()
    try:
        assert door.header.share.text() == ""  # no lease yet
        d = _scan(kb, qtbot, door, people["a1"][0], 10_000)
        assert d.outcome == "admitted" and d.share == 40
        assert door.header.share.text() == "Cette porte : 40 places (hub)"
        assert door.header.count.text() == "1 / 80"
        # The live exchange takes the entry to the hub, as the desk's does (the lease's
        # request pushed only what came before it).
        qtbot.waitUntil(lambda: _hub_count(hub_path, "enter") == 1, timeout=20_000)
        qtbot.waitUntil(lambda: door.sync.text().startswith("Synchro"), timeout=5_000)
        # A forced entry travels like the others and the hub's conflicts list it.
        assert _scan(kb, qtbot, door, people["none"][0], 20_000).outcome == "not_in_session"
        door.force("Invitée du ministère")  # the PIN and reason dialogs: see the test above
        assert door.last.outcome == "forced"
        qtbot.waitUntil(lambda: _hub_count(hub_path, "enter") == 2, timeout=20_000)
    finally:
        opened.close()
    assert _hub_count(hub_path, "lease") == 1
    from checkin.replica import conflicts

    hub = open_hub(hub_path)
    try:
        with hub.read() as conn:
            found = [c for c in conflicts.from_hub(conn) if c["kind"] == "forced_entry"]
    finally:
        hub.close()
    assert [(c["refused"], c["reason"], c["session"]) for c in found] == [
        ("not_in_session", "Invitée du ministère", "A1")
    ]


def _hub_count(hub_path: str, kind: str) -> int:
    from checkin.sync.hub import open_hub

    hub = open_hub(hub_path)
    try:
        with hub.read() as conn:
            return int(
                conn.exec_driver_sql("SELECT count(*) FROM hub_fact WHERE kind = ?", (kind,)).scalar_one()
            )
    finally:
        hub.close()


def test_the_day_curve_replays_the_doors_on_the_venues_clock(
    qapp: Any, qtbot: Any, db_file: Path, people: dict[str, list[str]], clock: MovedClock
) -> None:
    """Three entries at 11:25 and one exit at 12:05 (Paris): the Salon Vaucanson's curve
    reads 0 before, 3 from 11:30, 2 from 12:10, and 0 once A1 is over (13:00)."""
    from checkin.arrivals.occupancy import day_curves
    from checkin.event import model as event_mod
    from checkin.replica import facts
    from checkin.replica.db import open_replica
    from checkin.ui.door.app import build_occupancy

    ev = event_mod.load()
    replica = open_replica(db_file)
    try:
        with replica.read() as conn:
            uids = [
                str(conn.exec_driver_sql("SELECT uid FROM attendee WHERE code = ?", (c,)).scalar_one())
                for c in people["a1"]
            ]
        with replica.write() as conn:
            for uid in uids:
                facts.add(
                    conn, replica, "enter", attendee_uid=uid, day=DAY1, desk="Porte", value="A1",
                    field="Salon Vaucanson", at="2026-07-08T09:25:00+00:00",
                )  # fmt: skip
            facts.add(
                conn, replica, "exit", attendee_uid=uids[0], day=DAY1, desk="Porte", value="A1",
                field="Salon Vaucanson", at="2026-07-08T10:05:00+00:00",
            )  # fmt: skip
        curves = day_curves(replica, ev, DAY1, "13:30")
    finally:
        replica.close()
    room = dict(curves["Salon Vaucanson"])
    assert (room["09:00"], room["11:20"], room["11:30"], room["12:00"], room["12:10"]) == (0, 0, 3, 3, 2)
    assert room["13:00"] == 0 and max(room) == "13:30"
    assert set(dict(curves["Grand Salon"]).values()) == {0}
    clock.set("13:30")
    opened = build_occupancy(db_file, day=DAY1, now=clock)
    try:
        view = opened.window
        qtbot.waitUntil(lambda: bool(view.rows), timeout=5000)
        index = [r[0].text() for r in view.rows].index("Salon Vaucanson")
        assert dict(view.rows[index][4].points) == room
    finally:
        opened.close()


def test_an_unknown_room_is_one_sentence_naming_the_rooms(db_file: Path, ui_home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "desk", "--room", "Salle Pasteur", "--db", str(db_file)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode != 0 and "Traceback" not in done.stderr
    said = done.stderr + done.stdout
    assert "Salle inconnue : « Salle Pasteur »" in said and "Salon Vaucanson" in said, said


def test_the_answer_goes_back_to_ready_for_the_next_person(
    door: Any, qtbot: Any, kb: Any, people: dict[str, list[str]]
) -> None:
    d = _scan(kb, qtbot, door, people["a1"][0], 10_000)
    assert door.answer.name.text() == d.attendee.full_name
    with qtbot.waitSignal(door.back.timeout, timeout=5000):
        door.back.setInterval(10)
        door.back.start()
    assert door.answer.headline.text() == "SCANNEZ LE BADGE" and door.answer.name.isHidden()
    assert d.attendee.full_name not in door.answer.name.text() + door.answer.line.text()
    assert door.header.count.text() == "1 / 80"  # the room's count stays
