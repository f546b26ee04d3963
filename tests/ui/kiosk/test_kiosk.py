"""The self-service kiosk (issue 20, item 7): scans fed as key events, a real print queue
writing PDFs into the test's home, the lead's PIN to leave."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checkin.arrivals import kiosk
from checkin.ui.qt import QApplication, QLabel, Qt
from tests import dbfiles

DAY1 = "2026-07-08"


def _open(qapp: Any, qtbot: Any, db: Path, print_only: bool) -> Any:
    from checkin.base.pin import hash_pin
    from checkin.base.settings import DeskSettings
    from checkin.ui.kiosk.app import build_kiosk

    settings = DeskSettings.load()
    settings.pin_hash = hash_pin("2468")
    settings.desk_name = "Borne 1"
    k = build_kiosk(db, print_only=print_only, day=DAY1, settings=settings)
    k.station.resize(1366, 768)
    k.station.show()
    qtbot.waitExposed(k.station)
    return k


@pytest.fixture
def station(qapp: Any, qtbot: Any, db_file: Path) -> Iterator[Any]:
    k = _open(qapp, qtbot, db_file, print_only=False)
    yield k.station
    k.close()


@pytest.fixture
def print_only(qapp: Any, qtbot: Any, db_file: Path) -> Iterator[Any]:
    k = _open(qapp, qtbot, db_file, print_only=True)
    yield k.station
    k.close()


def _scan(kb: Any, qtbot: Any, station: Any, code: str, start: int) -> Any:
    with qtbot.waitSignal(station.answered, timeout=5000) as got:
        kb.type_text(code + "\r", gap_ms=3, start=start, shift=True, target=station)
    return got.args[0]


def _pdfs() -> list[Path]:
    from checkin.base import paths

    return list(paths.print_dir().rglob("*.pdf"))


def _done(qtbot: Any, station: Any, job: str) -> None:
    queue = station.parts.bridge.queue
    qtbot.waitUntil(lambda: queue.job(job).state == "done", timeout=15_000)


def _shown_text(station: Any) -> str:
    return " ".join(label.text() for label in station.pages.currentWidget().findChildren(QLabel))


def test_a_scan_welcomes_prints_once_then_says_already(
    station: Any, qtbot: Any, kb: Any, codes: dict[str, str]
) -> None:
    pages = station.pages
    assert pages.currentWidget() is pages.screens["idle"]
    assert "Scan the QR code" in _shown_text(station)  # both languages on the idle screen
    with qtbot.waitSignal(station.badge_queued, timeout=10_000) as queued:
        answer = _scan(kb, qtbot, station, codes["both_days"], 10_000)
    assert answer.kind == kiosk.WELCOME
    assert pages.currentWidget() is pages.screens["welcome"]
    assert answer.attendee.full_name in _shown_text(station)
    assert station.sounds.played[-1] == "ok"
    _done(qtbot, station, queued.args[0])
    assert len(_pdfs()) == 1
    again = _scan(kb, qtbot, station, codes["both_days"], 20_000)
    assert again.kind == kiosk.ALREADY
    assert "déjà été imprimé" in _shown_text(station)
    assert answer.attendee.full_name not in _shown_text(station)
    assert len(_pdfs()) == 1 and len(station.parts.bridge.queue.jobs()) == 1
    with qtbot.waitSignal(station.back.timeout, timeout=10_000):
        station.back.setInterval(10)
        station.back.start()
    assert pages.currentWidget() is pages.screens["idle"]


def test_unknown_or_cancelled_says_see_the_desk_and_nothing_else(
    station: Any, qtbot: Any, kb: Any, codes: dict[str, str], db_file: Path
) -> None:
    con = dbfiles.connect(db_file)
    cancelled_name = con.execute(
        "SELECT last_name FROM attendee WHERE code = ?", (codes["cancelled"],)
    ).fetchone()[0]
    con.close()
    for start, code in (
        (10_000, "AICT26-ZZZZ9999"),
        (20_000, codes["cancelled"]),
        (30_000, codes["day2_only"]),
    ):
        answer = _scan(kb, qtbot, station, code, start)
        assert answer.kind == kiosk.DESK and answer.attendee is None
        shown = _shown_text(station)
        assert "Merci de vous adresser à l'accueil" in shown
        assert cancelled_name not in shown and "annul" not in shown.lower() and code not in shown
        assert station.sounds.played[-1] == "stop"
    assert station.parts.bridge.queue.jobs() == [] and _pdfs() == []


def test_print_only_prints_and_counts_no_entry(
    print_only: Any, qtbot: Any, kb: Any, codes: dict[str, str], db_file: Path
) -> None:
    with qtbot.waitSignal(print_only.badge_queued, timeout=10_000) as queued:
        answer = _scan(kb, qtbot, print_only, codes["both_days"], 10_000)
    assert answer.kind == kiosk.WELCOME
    _done(qtbot, print_only, queued.args[0])
    assert len(_pdfs()) == 1
    con = dbfiles.connect(db_file)
    kinds = [
        r[0] for r in con.execute("SELECT kind FROM fact WHERE attendee_uid = ?", (answer.attendee.uid,))
    ]
    con.close()
    assert "checkin" not in kinds and "print" in kinds
    assert _scan(kb, qtbot, print_only, codes["both_days"], 20_000).kind == kiosk.ALREADY


def test_leaving_needs_the_leads_pin(station: Any, qtbot: Any) -> None:
    station.close()  # Alt+F4: refused, the PIN is asked instead
    assert station.isVisible()
    dialog = station.pin_dialog
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog, timeout=2000)
    dialog.reject()
    qtbot.keyClick(
        station, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    )
    qtbot.waitUntil(lambda: station.pin_dialog is not dialog and station.pin_dialog.isVisible(), timeout=2000)
    dialog = station.pin_dialog
    dialog.pin.setText("1111")
    dialog.try_accept()
    assert station.isVisible() and "incorrect" in dialog.error.text()
    assert station.parts.lock.attempts.failures == 1  # counted like the desk's
    dialog.pin.setText("2468")
    with qtbot.waitSignal(station.left, timeout=2000):
        dialog.try_accept()
    assert not station.isVisible()
