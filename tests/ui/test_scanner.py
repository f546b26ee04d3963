"""The burst detector alone, on plain widgets: scans are swallowed, typing is not."""

from __future__ import annotations

from typing import Any

import pytest

from checkin.ui.qt import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from checkin.ui.scanner import BurstConfig, BurstFilter


@pytest.fixture
def form(qtbot: Any, qapp: QApplication) -> Any:
    root = QWidget()
    layout = QVBoxLayout(root)
    field = QLineEdit()
    button = QPushButton("ok")
    layout.addWidget(field)
    layout.addWidget(button)
    qtbot.addWidget(root)
    root.show()
    qtbot.waitExposed(root)
    field.setFocus()
    burst = BurstFilter(BurstConfig(max_gap_ms=40, min_length=4))
    burst.install(qapp)
    yield root, field, button, burst
    burst.uninstall(qapp)


def test_burst_in_a_text_field_is_a_scan_and_leaves_no_text(form: Any, qtbot: Any, kb: Any) -> None:
    _root, field, _button, burst = form
    field.setText("dup")
    field.setFocus()
    with qtbot.waitSignal(burst.scanned, timeout=1000) as got:
        kb.scanner_burst("AICT26-7K3M9Q2X")
    assert got.args == ["AICT26-7K3M9Q2X"]
    assert field.text() == "dup"


@pytest.mark.parametrize("terminator", ["\r", "\t"])
def test_burst_on_a_button_with_enter_or_tab(form: Any, qtbot: Any, kb: Any, terminator: str) -> None:
    _root, _field, button, burst = form
    button.setFocus()
    clicked: list[bool] = []
    button.clicked.connect(lambda: clicked.append(True))
    with qtbot.waitSignal(burst.scanned, timeout=1000) as got:
        kb.scanner_burst("QICTé-7K3M9Q2X", terminator=terminator)
    assert got.args == ["QICTé-7K3M9Q2X"]
    assert clicked == []


def test_person_typing_reaches_the_field_including_accents(form: Any, qtbot: Any, kb: Any) -> None:
    _root, field, _button, burst = form
    seen: list[str] = []
    burst.scanned.connect(seen.append)
    kb.type_text("Hélène\r", gap_ms=140)
    qtbot.waitUntil(lambda: field.text() == "Hélène", timeout=1000)
    assert seen == []
    assert burst.pending == ""


def test_fast_but_short_burst_is_typing(form: Any, qtbot: Any, kb: Any) -> None:
    _root, field, _button, burst = form
    seen: list[str] = []
    burst.scanned.connect(seen.append)
    kb.scanner_burst("ab")
    qtbot.waitUntil(lambda: field.text() == "ab", timeout=1000)
    assert seen == []


def test_fast_keys_without_terminator_are_given_back(form: Any, qtbot: Any, kb: Any) -> None:
    _root, field, _button, _burst = form
    kb.type_text("xyz12", gap_ms=2)
    assert field.text() == ""  # held for a few milliseconds…
    qtbot.waitUntil(lambda: field.text() == "xyz12", timeout=1000)  # …then typed


def test_slow_gap_inside_a_burst_breaks_it(form: Any, qtbot: Any, kb: Any) -> None:
    _root, field, _button, burst = form
    seen: list[str] = []
    burst.scanned.connect(seen.append)
    last = kb.type_text("ABCD", gap_ms=3)
    kb.type_text("EFG\r", gap_ms=200, start=last + 200)
    qtbot.waitUntil(lambda: field.text() == "ABCDEFG", timeout=1000)
    assert seen == []
