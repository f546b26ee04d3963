"""Fixtures for the desk window tests: offscreen Qt, a private home, a small real event.

``QT_QPA_PLATFORM`` is set before anything imports Qt. The demo database (synthetic
export, programme, B2B grid, plus a few walk-ins with accents and homonyms) is built once
per session and copied for each test, so every test starts from the same real SQLite file.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("CHECKIN_LANG", None)

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checkin.base import i18n
from checkin.ui.qt import QApplication, QEvent, QKeyEvent, Qt, QWidget
from tests import dbfiles

DAY1 = "2026-07-08"
DAY2 = "2026-07-09"


@pytest.fixture(autouse=True)
def ui_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CHECKIN_HOME", str(tmp_path / "home"))
    i18n.set_language("fr")
    yield tmp_path / "home"
    i18n.set_language("fr")


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from checkin.event import model as event_mod
    from checkin.replica import facts
    from checkin.replica.db import open_replica
    from checkin.ui.app import demo_database

    folder = tmp_path_factory.mktemp("demo")
    old = os.environ.get("CHECKIN_HOME")
    os.environ["CHECKIN_HOME"] = str(folder / "home")
    try:
        db = demo_database(folder, attendees=300)
        ev = event_mod.load()
        replica = open_replica(db)
        for first, last, org in (
            ("Jean", "Dupont", "Mairie de Lyon"),
            ("Jean", "Dupont", "Région Bretagne"),
            ("Élodie", "Ngô-Lefèvre", "Ville de Besançon"),
        ):
            facts.create_walkin(
                replica,
                ev,
                {"first_name": first, "last_name": last, "organisation": org},
                day=DAY1,
                desk="préparation",
                role="staff",
            )
        replica.close()
    finally:
        if old is None:
            os.environ.pop("CHECKIN_HOME", None)
        else:
            os.environ["CHECKIN_HOME"] = old
    return db


@pytest.fixture
def db_file(built_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "desk.sqlite"
    shutil.copy(built_db, target)
    return target


@pytest.fixture
def codes(db_file: Path) -> dict[str, str]:
    """One code per situation, read from the database itself."""

    con = dbfiles.connect(db_file)
    try:

        def one(sql: str) -> str:
            row = con.execute(sql).fetchone()
            assert row, sql
            return str(row[0])

        live = "(live_uid = uid OR live_uid = '')"
        return {
            "both_days": one(
                f"SELECT code FROM attendee WHERE status='confirmed' AND {live} AND source='import' AND (days = '' OR days LIKE '%{DAY1}%{DAY2}%') ORDER BY id LIMIT 1"
            ),
            "day2_only": one(
                f"SELECT code FROM attendee WHERE status='confirmed' AND {live} AND days = '{DAY2}' ORDER BY id LIMIT 1"
            ),
            "cancelled": one(
                f"SELECT code FROM attendee WHERE status='cancelled' AND {live} ORDER BY id LIMIT 1"
            ),
            "waitlisted": one(
                f"SELECT code FROM attendee WHERE status='waitlisted' AND {live} ORDER BY id LIMIT 1"
            ),
            "second_both": one(
                f"SELECT code FROM attendee WHERE status='confirmed' AND {live} AND source='import' AND (days = '' OR days LIKE '%{DAY1}%{DAY2}%') ORDER BY id LIMIT 1 OFFSET 1"
            ),
        }
    finally:
        con.close()


class Clock:
    """A fake millisecond clock for the burst detector."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def desk(qapp: Any, db_file: Path, qtbot: Any) -> Iterator[Any]:
    from checkin.base.pin import hash_pin
    from checkin.base.settings import DeskSettings
    from checkin.ui.app import build_desk

    settings = DeskSettings.load()
    settings.pin_hash = hash_pin("2468")
    settings.desk_name = "Accueil 2"
    d = build_desk(db_file, day=DAY1, settings=settings, show_crash_dialog=False)
    d.window.resize(1366, 768)
    d.window.show()
    qtbot.waitExposed(d.window)
    d.window.scan.page.code_field.setFocus()
    yield d
    d.close()


# -- typing with real QKeyEvents (pytest-qt's keyClicks aborts on non-ASCII text) --------

_KEYS = {"\r": Qt.Key.Key_Return, "\t": Qt.Key.Key_Tab}


def key_event(ch: str, stamp: int) -> QKeyEvent:
    if ch in _KEYS:
        key = _KEYS[ch]
    elif ch.isascii() and ch.isalnum():
        key = Qt.Key(ord(ch.upper()))
    elif ch == "-":
        key = Qt.Key.Key_Minus
    else:
        key = Qt.Key.Key_unknown
    mods = Qt.KeyboardModifier.ShiftModifier if ch.isupper() else Qt.KeyboardModifier.NoModifier
    event = QKeyEvent(QEvent.Type.KeyPress, key, mods, ch)
    event.setTimestamp(stamp)
    return event


def modifier_event(key: Qt.Key, stamp: int, *, press: bool) -> QKeyEvent:
    kind = QEvent.Type.KeyPress if press else QEvent.Type.KeyRelease
    mods = (
        Qt.KeyboardModifier.ShiftModifier
        if press and key == Qt.Key.Key_Shift
        else Qt.KeyboardModifier.NoModifier
    )
    event = QKeyEvent(kind, key, mods, "")
    event.setTimestamp(stamp)
    return event


def type_text(
    text: str, *, gap_ms: int, start: int = 10_000, target: QWidget | None = None, shift: bool = False
) -> int:
    """Send ``text`` to the focused widget (or ``target``), ``gap_ms`` apart; return the
    last timestamp used. ``shift``: a Shift press and release around each capital, as
    a keyboard (and a scanner) sends them."""
    stamp = start
    for ch in text:
        widget = target or QApplication.focusWidget()
        assert widget is not None, "nothing has the focus"
        capital = shift and ch.isupper()
        if capital:
            QApplication.sendEvent(widget, modifier_event(Qt.Key.Key_Shift, stamp, press=True))
            stamp += 1
        QApplication.sendEvent(widget, key_event(ch, stamp))
        if capital:
            QApplication.sendEvent(widget, modifier_event(Qt.Key.Key_Shift, stamp + 1, press=False))
        stamp += gap_ms
    return stamp


def scanner_burst(text: str, *, start: int = 10_000, terminator: str = "\r", gap_ms: int = 3) -> int:
    """A keyboard-wedge scanner: a few ms between keys, Shift around capitals, then the
    terminator."""
    return type_text(text + terminator, gap_ms=gap_ms, start=start, shift=True)


class Keyboard:
    """The helpers above, as a fixture, so test modules need no import path tricks."""

    key_event = staticmethod(key_event)
    modifier_event = staticmethod(modifier_event)
    type_text = staticmethod(type_text)
    scanner_burst = staticmethod(scanner_burst)


@pytest.fixture
def kb() -> Keyboard:
    return Keyboard()
