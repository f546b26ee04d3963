"""The burst detector alone, on plain widgets (offscreen, synthetic events): scans are
swallowed whatever the key stream holds, a person's keys are never held.

The same behaviours are tested through real X key events under Xvfb in
``test_scanner_xvfb.py``; these are the fast ones, and the ones no X server can produce
on demand (a busy GUI thread receiving a whole burst at once, input-method text
delivered before the keys queued ahead of it).
"""

from __future__ import annotations

from typing import Any

import pytest

from checkin.ui.qt import (
    QApplication,
    QComboBox,
    QEvent,
    QInputMethodEvent,
    QKeyEvent,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from checkin.ui.scan.burst import BurstConfig, BurstFilter, compose


@pytest.fixture
def form(qtbot: Any, qapp: QApplication) -> Any:
    root = QWidget()
    layout = QVBoxLayout(root)
    field = QLineEdit()
    button = QPushButton("ok")
    combo = QComboBox()
    combo.addItems(["Badge perdu", "Badge abîmé", "Erreur d'impression", "Autre"])
    layout.addWidget(field)
    layout.addWidget(button)
    layout.addWidget(combo)
    qtbot.addWidget(root)
    root.show()
    qtbot.waitExposed(root)
    field.setFocus()
    burst = BurstFilter(BurstConfig())
    burst.install(qapp)
    got: list[Any] = []
    burst.captured.connect(got.append)
    yield root, field, button, burst, got, combo
    burst.uninstall(qapp)


def press(key: Qt.Key, stamp: int, text: str = "", mods: Any = Qt.KeyboardModifier.NoModifier) -> QKeyEvent:
    event = QKeyEvent(QEvent.Type.KeyPress, key, mods, text)
    event.setTimestamp(stamp)
    return event


def send(event: QEvent) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    QApplication.sendEvent(target, event)


def test_burst_in_a_text_field_is_a_scan_and_leaves_no_text(form: Any, qtbot: Any, kb: Any) -> None:
    _root, field, _button, burst, got, _combo = form
    field.setText("dup")
    field.setFocus()
    with qtbot.waitSignal(burst.scanned, timeout=1000) as scanned:
        kb.scanner_burst("AICT26-7K3M9Q2X")
    assert scanned.args == ["AICT26-7K3M9Q2X"]
    assert field.text() == "dup"
    assert field.cursorPosition() == 3
    assert got[0].terminator == "enter"


def test_shift_before_each_capital_does_not_cut_the_burst(form: Any, qtbot: Any, kb: Any) -> None:
    """The issue's report: the burst was cut at the Shift press before ``V``."""
    _root, field, _button, burst, got, _combo = form
    garbled = 'QICTé-)èN-EVè_"'
    with qtbot.waitSignal(burst.scanned, timeout=1000) as scanned:
        kb.scanner_burst(garbled, gap_ms=10)
    assert scanned.args == [garbled]
    assert field.text() == ""
    # every Shift inside the burst was seen (the first one comes before its first key)
    assert got[0].modifiers.count("Shift") == sum(ch.isupper() for ch in garbled) - 1


@pytest.mark.parametrize("terminator", ["\r", "\t"])
def test_burst_on_a_button_with_enter_or_tab(form: Any, qtbot: Any, kb: Any, terminator: str) -> None:
    _root, _field, button, burst, _got, _combo = form
    button.setFocus()
    clicked: list[bool] = []
    button.clicked.connect(lambda: clicked.append(True))
    with qtbot.waitSignal(burst.scanned, timeout=1000) as got:
        kb.scanner_burst("QICTé-7K3M9Q2X", terminator=terminator)
    assert got.args == ["QICTé-7K3M9Q2X"]
    assert clicked == []
    assert QApplication.focusWidget() is button  # Tab did not move the focus


def test_cr_lf_is_one_terminator_and_the_lf_goes_nowhere(form: Any, qtbot: Any, kb: Any) -> None:
    _root, _field, button, _burst, got, _combo = form
    button.setFocus()
    clicked: list[bool] = []
    button.clicked.connect(lambda: clicked.append(True))
    last = kb.scanner_burst("AICT26-7K3M9Q2X")
    send(press(Qt.Key.Key_J, last + 2, "\n", Qt.KeyboardModifier.ControlModifier))
    send(press(Qt.Key.Key_Return, last + 4, "\r"))  # some scanners send LF as a second Enter
    assert [b.text for b in got] == ["AICT26-7K3M9Q2X"]
    assert got[0].terminator == "cr-lf"
    assert clicked == []


def test_keypad_enter_and_aim_prefix(form: Any, qtbot: Any, kb: Any) -> None:
    _root, field, _button, _burst, got, _combo = form
    last = kb.type_text("]Q1AICT26-7K3M9Q2X", gap_ms=4, shift=True)
    send(press(Qt.Key.Key_Enter, last, "\r", Qt.KeyboardModifier.KeypadModifier))
    assert got[0].text == "]Q1AICT26-7K3M9Q2X"
    assert got[0].terminator == "keypad-enter"
    assert field.text() == ""


def test_no_terminator_an_idle_gap_ends_the_scan(form: Any, qtbot: Any, kb: Any) -> None:
    _root, field, _button, burst, got, _combo = form
    field.setText("abc")
    with qtbot.waitSignal(burst.scanned, timeout=1000) as scanned:
        kb.type_text("AICT26-7K3M9Q2X", gap_ms=5, shift=True)
    assert scanned.args == ["AICT26-7K3M9Q2X"]
    assert got[0].terminator == ""
    assert field.text() == "abc"


def test_person_typing_reaches_the_field_at_once_including_accents(form: Any, qtbot: Any, kb: Any) -> None:
    _root, field, _button, burst, got, _combo = form
    stamp = 10_000
    for i, ch in enumerate("Hélène"):
        send(kb.key_event(ch, stamp + 150 * i))
        assert field.text() == "Hélène"[: i + 1]  # delivered now, not after a hold
        assert burst.pending == ""
    assert got == []


def test_fast_but_short_burst_is_typing(form: Any, qtbot: Any, kb: Any) -> None:
    _root, field, _button, _burst, got, _combo = form
    kb.scanner_burst("ab")
    qtbot.waitUntil(lambda: field.text() == "ab", timeout=1000)
    assert got == []


def test_fast_keys_without_terminator_are_given_back_in_order(form: Any, qtbot: Any, kb: Any) -> None:
    _root, field, _button, _burst, got, _combo = form
    kb.type_text("xyz12", gap_ms=2)
    assert field.text() == "x"  # the first key at once, the others held a moment…
    qtbot.waitUntil(lambda: field.text() == "xyz12", timeout=1000)  # …then typed
    assert got == []


def test_slow_gap_inside_a_burst_breaks_it(form: Any, qtbot: Any, kb: Any) -> None:
    _root, field, _button, _burst, got, _combo = form
    last = kb.type_text("ABCD", gap_ms=3)
    kb.type_text("EFG\r", gap_ms=200, start=last + 200)
    qtbot.waitUntil(lambda: field.text() == "ABCDEFG", timeout=1000)
    assert got == []


def test_arrow_inside_fast_keys_gives_them_back_first(form: Any, qtbot: Any, kb: Any) -> None:
    _root, field, _button, _burst, got, _combo = form
    last = kb.type_text("abc", gap_ms=5)
    send(press(Qt.Key.Key_Left, last))
    assert field.text() == "abc"
    assert field.cursorPosition() == 2
    assert got == []


def test_a_busy_gui_thread_changes_nothing(form: Any, qtbot: Any, kb: Any) -> None:
    """Keys decided on their timestamps: a burst delivered late, all at once, is a scan;
    a person's keys delivered at once are typing."""
    _root, field, _button, _burst, got, _combo = form
    kb.type_text("dupont", gap_ms=150, start=50_000)
    kb.scanner_burst("AICT26-7K3M9Q2X", start=60_000)
    assert field.text() == "dupont"
    assert [b.text for b in got] == ["AICT26-7K3M9Q2X"]


def test_combo_box_keeps_its_choice(form: Any, qtbot: Any, kb: Any) -> None:
    _root, _field, _button, burst, _got, combo = form
    combo.setFocus()
    combo.setCurrentIndex(0)
    with qtbot.waitSignal(burst.scanned, timeout=1000):
        kb.scanner_burst("AICT26-7K3M9Q2X")  # "A" would pick "Autre"
    assert combo.currentIndex() == 0


def test_dead_key_on_a_button_is_composed(form: Any, qtbot: Any) -> None:
    """No input method on a button: the dead key's press arrives with no text."""
    _root, _field, button, _burst, got, _combo = form
    button.setFocus()
    stamp = 1000
    keys = [
        press(Qt.Key.Key_A, 1000, "a"),
        press(Qt.Key.Key_Dead_Circumflex, 1005),
        press(Qt.Key.Key_E, 1010, "e"),
        press(Qt.Key.Key_Dead_Acute, 1015),
        press(Qt.Key.Key_7, 1020, "7"),
        press(Qt.Key.Key_B, 1025, "b"),
        press(Qt.Key.Key_C, 1030, "c"),
    ]
    for event in keys:
        send(event)
        stamp = event.timestamp()
    send(press(Qt.Key.Key_Return, stamp + 5, "\r"))
    assert [b.text for b in got] == ["aê´7bc"]


def test_input_method_text_delivered_early_is_put_back_in_place(form: Any, qtbot: Any) -> None:
    """X11 with a text field: the composed character comes as input-method text, before
    key presses queued ahead of it; the keys' releases tell where it belongs."""
    _root, field, _button, _burst, got, _combo = form

    def release(key: Qt.Key, stamp: int, code: int, text: str = "") -> QKeyEvent:
        event = QKeyEvent(QEvent.Type.KeyRelease, key, Qt.KeyboardModifier.NoModifier, code, 0, 0, text)
        event.setTimestamp(stamp)
        return event

    def keypress(key: Qt.Key, stamp: int, code: int, text: str) -> QKeyEvent:
        event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, code, 0, 0, text)
        event.setTimestamp(stamp)
        return event

    commit = QInputMethodEvent()
    commit.setCommitString("ê")
    # sent: a b ^e c d ⏎ — delivered: a (commit ê) b, releases…, c d
    send(keypress(Qt.Key.Key_A, 1000, 24, "a"))
    send(commit)
    send(keypress(Qt.Key.Key_B, 1003, 56, "b"))
    send(release(Qt.Key.Key_B, 1004, 56, "b"))
    send(release(Qt.Key.Key_Dead_Circumflex, 1006, 34))
    send(release(Qt.Key.Key_E, 1009, 26, "e"))
    send(keypress(Qt.Key.Key_C, 1012, 54, "c"))
    send(keypress(Qt.Key.Key_D, 1015, 40, "d"))
    send(keypress(Qt.Key.Key_Return, 1018, 36, "\r"))
    assert [b.text for b in got] == ["abêcd"]
    assert field.text() == ""


def test_compose_table() -> None:
    assert compose(Qt.Key.Key_Dead_Circumflex, "e") == "ê"
    assert compose(Qt.Key.Key_Dead_Diaeresis, "A") == "Ä"
    assert compose(Qt.Key.Key_Dead_Acute, "7") == "´7"
    assert compose(Qt.Key.Key_Dead_Grave, " ") == "`"


def test_long_link_of_512_characters(form: Any, qtbot: Any, kb: Any) -> None:
    _root, field, _button, burst, _got, _combo = form
    link = "https://billetterie.example.org/e/aict2026/t/" + "x" * 450 + "/AICT26-7K3M9Q2X"
    link = link[-512:]
    with qtbot.waitSignal(burst.scanned, timeout=2000) as scanned:
        kb.scanner_burst(link, gap_ms=2)
    assert scanned.args == [link]
    assert field.text() == ""
