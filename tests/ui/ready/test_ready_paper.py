"""The "arrivées sur papier" screen, driven with key events as a lead types a sheet in."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from checkin.ui.qt import QApplication

DAY1 = "2026-07-08"


def _person(desk: Any, code: str) -> Any:
    from checkin.replica import attendees

    with desk.session.replica.read() as conn:
        return attendees.by_code(conn, code)


def test_lead_types_a_paper_sheet_in(
    desk: Any, qtbot: Any, kb: Any, codes: dict[str, str], tmp_path: Path
) -> None:
    w = desk.window
    w.lead.lock.unlock("2468")
    w.show_staff()
    w.ready_bar.paper_button.click()
    dialog = w.ready_bar.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    before = w.session.counts()[0]

    person = _person(desk, codes["both_days"])
    dialog.desk.setFocus()
    kb.type_text("Accueil 5", gap_ms=150)
    dialog.time.setFocus()
    kb.type_text("08:42", gap_ms=150)
    dialog.who.setFocus()
    kb.type_text(person.code, gap_ms=150)  # a person typing, not a scanner
    qtbot.waitUntil(lambda: dialog.results_model.rowCount() >= 1, timeout=3000)
    kb.type_text("\r", gap_ms=150, start=90_000)
    qtbot.waitUntil(lambda: "enregistrée" in dialog.message.text(), timeout=3000)
    assert "08:42" in dialog.message.text() and "Accueil 5" in dialog.message.text()
    assert dialog.done_model.rowCount() == 1
    assert "saisie par Accueil 2" in dialog.done_model.stringList()[0]
    qtbot.waitUntil(lambda: w.status.arrived == before + 1, timeout=5000)

    # The same name again: said, nothing added.
    dialog.who.setText(person.code)
    dialog.submit()
    assert "déjà enregistré" in dialog.message.text() and dialog.done_model.rowCount() == 1

    # A time that is not one: said in words, the typed name stays for a correction.
    other = _person(desk, codes["second_both"])
    dialog.time.setText("8h7x")
    dialog.who.setText(other.code)
    dialog.submit()
    assert "Heure invalide" in dialog.message.text() and dialog.who.text() == other.code

    if os.environ.get("CHECKIN_SHOTS"):
        dialog.time.setText("08:55")
        dialog.submit()
        dialog.who.setText(codes["second_both"][:0] + "dup")
        QApplication.processEvents()
        dialog.grab().save(str(Path(os.environ["CHECKIN_SHOTS"]) / "paper-arrivals.png"))
    dialog.close()
