"""A scan wherever the focus is (offscreen, synthetic key events): pages, the card, the
lead's dialogs. With a modal dialog open the scan is refused — a sound and a sentence in
the dialog — and nothing is typed into it."""

from __future__ import annotations

from typing import Any

from checkin.ui.qt import QApplication, QLabel, QLineEdit


def test_scan_with_the_pin_dialog_open_is_refused_and_types_nothing(
    desk: Any, qtbot: Any, kb: Any, codes: dict[str, str]
) -> None:
    w = desk.window
    shown: list[Any] = []
    w.answer_shown.connect(shown.append)
    w.lead.toggle()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is w.lead.pin_dialog, timeout=2000)
    w.lead.pin_dialog.pin.setFocus()
    w.lead.pin_dialog.pin.setText("24")
    kb.scanner_burst(codes["both_days"])
    assert w.lead.pin_dialog.pin.text() == "24"
    assert w.scan.refused_scans == 1
    assert w.scan.sounds.played[-1] == "error"
    notice = w.lead.pin_dialog.findChild(QLabel, "scan_notice")
    assert notice is not None and "Scan ignoré" in notice.text()
    assert shown == []
    assert w.lead.pin_dialog.isVisible()  # the terminator did not validate the dialog


def test_scan_with_the_walkin_form_open_leaves_every_field_as_it_was(
    desk: Any, qtbot: Any, kb: Any, codes: dict[str, str]
) -> None:
    w = desk.window
    w.lead.lock.unlock("2468")
    w.people.open_walkin()
    dialog = w.frame.dialog
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog, timeout=2000)
    dialog.last_name.setText("Çelik")
    dialog.first_name.setFocus()
    kb.scanner_burst(codes["both_days"], gap_ms=10)
    assert {f.objectName(): f.text() for f in dialog.findChildren(QLineEdit)}["last_name"] == "Çelik"
    assert all(f.text() in ("", "Çelik") for f in dialog.findChildren(QLineEdit))
    assert dialog.isVisible() and w.scan.refused_scans == 1
    dialog.reject()


def test_scan_from_the_card_and_the_staff_view(desk: Any, qtbot: Any, kb: Any, codes: dict[str, str]) -> None:
    w = desk.window
    w.lead.lock.unlock("2468")
    w.show_staff()
    fields = [f for f in w.staff.page.findChildren(QLineEdit) if f.isVisible()]
    assert fields, "the staff view has text fields"
    fields[0].setFocus()
    before = fields[0].text()
    with qtbot.waitSignal(w.answer_shown, timeout=3000) as got:
        kb.scanner_burst(codes["both_days"], gap_ms=10)
    assert got.args[0].outcome == "admitted"
    assert fields[0].text() == before
    w.people.open_card(got.args[0].attendee)
    w.people.card.buttons["back"].setFocus()
    with qtbot.waitSignal(w.answer_shown, timeout=3000) as again:
        kb.scanner_burst(codes["second_both"], start=90_000)
    assert again.args[0].outcome == "admitted"
    assert again.args[0].attendee.code == codes["second_both"]


def test_the_scanner_check_reads_the_test_page_and_remembers(
    desk: Any, qtbot: Any, kb: Any, codes: dict[str, str]
) -> None:
    from checkin.arrivals.scanner_check import payloads
    from checkin.base.codes import garble
    from checkin.base.settings import DeskSettings

    w = desk.window
    w.lead.lock.unlock("2468")
    w.lead.open_settings()
    settings_dialog = w.frame.dialog
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is settings_dialog, timeout=2000)
    settings_dialog.scanner_button.click()
    check = w.scan.scanner_check
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is check, timeout=2000)
    check.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
    typed = garble(payloads(w.session.event.code_pattern)["code"], "us", "fr")
    with qtbot.waitSignal(check.checked, timeout=3000) as got:
        kb.scanner_burst(typed, gap_ms=12)
    result = got.args[0]
    assert (result.scanner_layout, result.desk_layout, result.terminator) == ("us", "fr", "enter")
    assert "QWERTY (US)" in check.verdict.text() and "AZERTY (France)" in check.verdict.text()
    assert "12 ms" in check.verdict.text()
    assert w.scan.refused_scans == 0  # the check took the scan; nothing typed into the settings
    assert DeskSettings.load().scanner_layout == "us"
    assert w.session.layouts == ("us", "fr")
    check.reject()
    settings_dialog.reject()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)
    w.show_scan()
    garbled = garble(codes["both_days"], "us", "fr")
    with qtbot.waitSignal(w.answer_shown, timeout=3000) as answer:
        kb.scanner_burst(garbled, start=80_000)
    assert answer.args[0].outcome == "admitted" and answer.args[0].repaired == "us→fr"
