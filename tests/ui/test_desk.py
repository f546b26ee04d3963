"""The desk window on a real replica: scans wherever the focus is, every outcome, search,
the card, and what the volunteer reads."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pytestqt.modeltest import ModelTester

from checkin.base.codes import garble
from checkin.ui.people.search import AttendeeListModel, AttendeeRole, CodeRole
from checkin.ui.qt import QApplication, Qt
from tests import dbfiles


def answer(desk: Any) -> Any:
    return desk.window.scan.page.panel.answer


def test_scan_burst_while_typing_in_the_search_box(
    desk: Any, qtbot: Any, kb: Any, codes: dict[str, str]
) -> None:
    w = desk.window
    w.people.show_search()
    kb.type_text("dup", gap_ms=150)
    qtbot.waitUntil(lambda: w.people.search.field.text() == "dup", timeout=1000)
    with qtbot.waitSignal(w.answer_shown, timeout=2000) as got:
        kb.scanner_burst(codes["both_days"], start=20_000)
    assert got.args[0].outcome == "admitted"
    assert w.people.search.field.text() == "dup"  # the scan did not land in the box
    assert w.frame.stack.currentWidget() is w.scan.page
    a = answer(desk)
    assert a.headline == "BIENVENUE"
    assert "Remettre le badge" in w.scan.page.panel.instruction.text()


def test_manual_code_field(desk: Any, qtbot: Any, kb: Any, codes: dict[str, str]) -> None:
    w = desk.window
    w.scan.page.code_field.setFocus()
    with qtbot.waitSignal(w.answer_shown, timeout=2000):
        kb.type_text(codes["both_days"] + "\r", gap_ms=120)
    assert answer(desk).outcome == "admitted"
    assert w.scan.page.code_field.text() == ""


def test_already_in_names_time_and_desk(desk: Any, qtbot: Any, codes: dict[str, str]) -> None:
    w = desk.window
    w.scan.on_scan(codes["both_days"])
    with qtbot.waitSignal(w.answer_shown, timeout=2000):
        w.scan.on_scan(codes["both_days"])
    text = w.scan.page.panel.instruction.text()
    assert answer(desk).headline == "DÉJÀ ENREGISTRÉ·E"
    assert "Déjà enregistré·e à " in text and "— Accueil 2" in text


@pytest.mark.parametrize(
    ("which", "headline", "instruction", "symbol"),
    [
        (
            "day2_only",
            "PAS AUJOURD'HUI",
            "Inscrit·e pour le 9 juillet seulement — voir le responsable",
            "stop",
        ),
        (
            "cancelled",
            "INSCRIPTION ANNULÉE",
            "Inscription annulée — orienter vers l'accueil VIP/responsable",
            "cross",
        ),
        ("waitlisted", "LISTE D'ATTENTE", "liste d'attente", "pause"),
        ("unknown", "CODE INCONNU", "Code inconnu — rechercher par nom", "question"),
        ("unreadable", "CODE ILLISIBLE", "Code illisible", "question"),
    ],
)
def test_each_problem_outcome(
    desk: Any, qtbot: Any, codes: dict[str, str], which: str, headline: str, instruction: str, symbol: str
) -> None:
    text = {"unknown": "AICT26-ZZZZ9999", "unreadable": "%%%"}.get(which) or codes[which]
    w = desk.window
    with qtbot.waitSignal(w.answer_shown, timeout=2000):
        w.scan.on_scan(text)
    a = answer(desk)
    assert a.headline == headline
    assert instruction in w.scan.page.panel.instruction.text()
    assert w.scan.page.panel.icon.symbol == symbol  # never colour alone
    assert a.style.background != "#14632B"


def test_new_scan_replaces_the_answer_and_it_returns_to_ready(
    desk: Any, qtbot: Any, codes: dict[str, str]
) -> None:
    w = desk.window
    w.scan.on_scan(codes["cancelled"])
    w.scan.on_scan(codes["both_days"])
    assert answer(desk).outcome == "admitted"
    w.scan.page.set_ready_delay(1)
    w.scan.page.show_decision(w.scan.page.panel.decision)
    qtbot.waitUntil(lambda: w.scan.page.panel.headline.text() == "PRÊT", timeout=3000)
    assert w.scan.page.panel.name.text() == "Scannez le code du billet"


def test_repaired_scan_works_and_hints(desk: Any, qtbot: Any, kb: Any, codes: dict[str, str]) -> None:
    garbled = garble(codes["both_days"], "us", "fr")
    assert garbled != codes["both_days"]
    w = desk.window
    with qtbot.waitSignal(w.answer_shown, timeout=2000):
        kb.scanner_burst(garbled)
    assert answer(desk).outcome == "admitted"
    assert "régler le scanner" in w.scan.page.panel.hint.text()


def test_badge_prints_once_on_admission(desk: Any, qtbot: Any, codes: dict[str, str]) -> None:
    from checkin.base import paths

    w = desk.window
    w.scan.on_scan(codes["both_days"])
    qtbot.waitUntil(lambda: "imprimé" in w.scan.page.panel.printing.text(), timeout=15000)
    pdfs = list(paths.print_dir().rglob("*.pdf"))
    assert len(pdfs) == 1
    w.scan.on_scan(codes["both_days"])  # already in: no second badge
    assert answer(desk).outcome == "already_in"
    assert w.scan.page.panel.printing.text() == ""


def test_search_with_accents_and_homonyms_keyboard_driven(desk: Any, qtbot: Any, kb: Any) -> None:
    w = desk.window
    w.people.show_search()
    kb.type_text("elodie ngo", gap_ms=150)
    qtbot.waitUntil(lambda: w.people.search.shown_text == "elodie ngo", timeout=3000)
    assert w.people.search.model.rowCount() >= 1
    assert w.people.search.model.attendee(0).first_name == "Élodie"
    w.people.search.field.clear()
    qtbot.waitUntil(lambda: w.people.search.shown_text == "", timeout=3000)
    kb.type_text("DUPONT jean", gap_ms=150, start=50_000)
    qtbot.waitUntil(lambda: w.people.search.shown_text == "DUPONT jean", timeout=3000)
    model = w.people.search.model
    rows = [model.data(model.index(i)) for i in range(model.rowCount())]
    dupont = [r for r in rows if r.startswith("Jean Dupont")]
    assert len(dupont) >= 2
    assert len(set(dupont)) == len(dupont)  # every homonym told apart by its second line
    assert any("Mairie de Lyon" in r for r in dupont) and any("Région Bretagne" in r for r in dupont)
    # Down moves the selection from the search box, Enter opens the card, Esc goes back.
    QApplication.sendEvent(
        w.people.search.field,
        kb.key_event("\r", 0).__class__(
            kb.key_event("\r", 0).type(), Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier, ""
        ),
    )
    assert w.people.search.list.currentIndex().row() == 1
    chosen = model.data(model.index(1), AttendeeRole)
    kb.type_text("\r", gap_ms=300, start=90_000)
    assert w.frame.stack.currentWidget() is w.people.card
    assert chosen.full_name in w.people.card.body.text()
    w.people.show_search()
    esc = kb.key_event("\r", 0).__class__(
        kb.key_event("\r", 0).type(), Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier, ""
    )
    QApplication.sendEvent(w.people.search.field, esc)
    assert w.frame.stack.currentWidget() is w.scan.page


def test_results_model_passes_the_model_tester(desk: Any, qtmodeltester: ModelTester) -> None:
    model = AttendeeListModel(desk.session.event)
    model.set_results(desk.session.find("jean"))
    assert model.rowCount() > 0
    assert model.data(model.index(0), CodeRole)
    qtmodeltester.check(model, force_py=True)


def test_card_shows_workshops_meetings_and_history(desk: Any, qtbot: Any, db_file: Any) -> None:
    con = dbfiles.connect(db_file)
    code = con.execute(
        "SELECT code_a FROM meeting m JOIN attendee a ON a.code = m.code_a"
        " WHERE a.status = 'confirmed' AND m.day = '2026-07-09' LIMIT 1"
    ).fetchone()[0]
    con.close()
    w = desk.window
    desk.session.day = "2026-07-09"
    w.people.card.set_day("2026-07-09")
    w.scan.on_scan(code)
    person = answer(desk)
    found = [p for p in desk.session.find(person.name) if p.code == code]
    w.people.open_card(found[0])
    body = w.people.card.body.text()
    assert "Rendez-vous B2B du 9 juillet" in body
    assert "Arrivée" in body and "Accueil 2" in body
    assert w.people.card.buttons["undo"].isHidden()  # volunteer: no lead actions


def test_english_instruction_names_the_day_in_english(desk: Any, qtbot: Any, codes: dict[str, str]) -> None:
    w = desk.window
    w.set_language("en")
    w.scan.on_scan(codes["day2_only"])
    assert w.scan.page.panel.headline.text() == "NOT TODAY"
    assert w.scan.page.panel.instruction.text() == "→ Registered for 9 July only — see the desk lead"


def test_each_outcome_has_its_sound_and_mute_silences(
    desk: Any, codes: dict[str, str], tmp_path: Any
) -> None:
    import wave

    from checkin.ui.scan.sounds import TUNES, folder, generate

    w = desk.window
    w.scan.on_scan(codes["both_days"])
    w.scan.on_scan(codes["both_days"])
    w.scan.on_scan(codes["cancelled"])
    w.scan.on_scan("AICT26-ZZZZ9999")
    assert w.scan.sounds.played == ["ok", "warning", "stop", "error"]
    w.toggle_sound()
    assert w.scan.sounds.muted and desk.window.settings.muted
    assert w.nav.buttons["sound"].text() == "Son coupé (F8)"
    # The committed WAVs are what the generator writes.
    fresh = generate(tmp_path)
    for path in fresh:
        committed = folder() / path.name
        assert committed.read_bytes() == path.read_bytes()
        with wave.open(str(committed)) as wav:
            assert wav.getnframes() > 1000
    assert {p.stem for p in fresh} == set(TUNES)


def test_status_bar_shows_day_desk_arrivals_and_printer(desk: Any, qtbot: Any, codes: dict[str, str]) -> None:
    w = desk.window
    w.status.today = lambda: date(2026, 7, 8)  # the first day, whatever the machine's date
    w.retranslate()
    assert w.status.day.text() == "Jour : 8 juillet"
    assert w.status.desk.text() == "Poste : Accueil 2"
    assert w.printers.label.text() == "Imprimante files : prête"
    with qtbot.waitSignal(w.status.counts_updated, timeout=5000) as got:
        w.scan.on_scan(codes["both_days"])
    arrived, expected = got.args
    assert arrived == 1 and expected > 200
    assert w.status.counts.text() == f"Arrivées : 1 / {expected}"


def test_empty_database_says_what_to_do(qapp: Any, tmp_path: Any) -> None:
    from checkin.ui.app import build_desk

    d = build_desk(tmp_path / "empty.sqlite", day="2026-07-08", with_printing=False, show_crash_dialog=False)
    try:
        assert "Importer un export…" in d.window.banner.label.text()
        d.window.scan.on_scan("AICT26-7K3M9Q2X")
        assert d.window.scan.page.panel.answer.headline == "CODE INCONNU"
    finally:
        d.close()
