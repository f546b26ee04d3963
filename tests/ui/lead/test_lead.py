"""The lead's side: PIN, idle relock, reprint with a reason, undo, admit anyway, walk-in,
fixing a name; language switch; printer failure and crash report without blocking."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from checkin.base.errors import KnownError
from checkin.base.pin import check_pin, hash_pin
from checkin.ui.people.dialogs import EditDialog, NoteDialog, ReasonDialog, WalkinDialog
from checkin.ui.qt import QApplication, QLineEdit
from tests import dbfiles


def unlock(desk: Any, qtbot: Any, pin: str = "2468") -> None:
    w = desk.window
    w.lead.toggle()
    dialog = w.lead.pin_dialog
    qtbot.waitExposed(dialog)
    dialog.pin.setText(pin)
    with qtbot.waitSignal(w.lead.lock.changed, timeout=2000):
        dialog.try_accept()


def facts_of(db: Path, kind: str) -> list[tuple[str, str, str, str]]:
    con = dbfiles.connect(db)
    try:
        return con.execute(
            "SELECT desk, role, reason, attendee_uid FROM fact WHERE kind = ? ORDER BY seq", (kind,)
        ).fetchall()
    finally:
        con.close()


def test_pin_is_stored_slowly_hashed() -> None:
    stored = hash_pin("2468")
    assert stored.startswith("scrypt$") and "2468" not in stored
    assert check_pin("2468", stored) and not check_pin("2469", stored)
    assert hash_pin("2468") != stored  # salted


def test_wrong_pin_keeps_the_volunteer_role(desk: Any, qtbot: Any) -> None:
    w = desk.window
    w.lead.toggle()
    w.lead.pin_dialog.pin.setText("0000")
    w.lead.pin_dialog.try_accept()
    assert w.lead.pin_dialog.error.text() == "Code PIN incorrect."
    assert w.lead.lock.role == "volunteer"
    assert not w.nav.buttons["walkin"].isEnabled()


def test_unlock_then_idle_relock(desk: Any, qtbot: Any) -> None:
    w = desk.window
    w.lead.lock.set_idle_seconds(1)
    unlock(desk, qtbot)
    assert w.lead.lock.role == "lead" and desk.session.role == "lead"
    assert w.nav.buttons["walkin"].isEnabled()
    assert "responsable" in w.status.desk.text()
    with qtbot.waitSignal(w.lead.lock.changed, timeout=4000) as got:
        pass
    assert got.args == [False]
    assert desk.session.role == "volunteer"


def test_reprint_with_reason_is_recorded(desk: Any, qtbot: Any, codes: dict[str, str], db_file: Path) -> None:
    from checkin.base import paths

    w = desk.window
    w.scan.on_scan(codes["both_days"])
    qtbot.waitUntil(lambda: "imprimé" in w.scan.page.panel.printing.text(), timeout=15000)
    unlock(desk, qtbot)
    person = w.scan.page.panel.decision.attendee
    w.people.open_card(person)
    assert w.people.card.buttons["reprint"].isVisibleTo(w)
    w.people.card.buttons["reprint"].click()
    dialog = w.frame.dialog
    assert isinstance(dialog, ReasonDialog)
    dialog.reason.setCurrentIndex(dialog.reason.findData("lost"))
    with qtbot.waitSignal(
        desk.printing.job_changed, timeout=15000, check_params_cb=lambda j: j.reprint and j.state == "done"
    ):
        dialog.try_accept()
    prints = facts_of(db_file, "print")
    assert len(prints) == 2
    assert prints[1][:3] == ("Accueil 2", "lead", "lost")
    assert len(list(paths.print_dir().rglob("*.pdf"))) == 2


def test_undo_a_checkin(desk: Any, qtbot: Any, codes: dict[str, str], db_file: Path) -> None:
    w = desk.window
    w.scan.on_scan(codes["second_both"])
    person = w.scan.page.panel.decision.attendee
    unlock(desk, qtbot)
    w.people.open_card(person)
    assert "Arrivé·e aujourd'hui" in w.people.card.body.text()
    w.people.card.buttons["undo"].click()
    dialog = w.frame.dialog
    assert isinstance(dialog, NoteDialog)
    dialog.try_accept()
    assert dialog.error.text() == "Indiquez un motif."  # a reason is required
    dialog.note.setText("mauvaise personne")
    dialog.try_accept()
    assert facts_of(db_file, "undo")[0][:3] == ("Accueil 2", "lead", "mauvaise personne")
    assert "Pas encore arrivé·e aujourd'hui" in w.people.card.body.text()
    w.scan.on_scan(codes["second_both"])  # can be admitted again
    assert w.scan.page.panel.answer.outcome == "admitted"


def test_admit_someone_registered_for_the_other_day(
    desk: Any, qtbot: Any, codes: dict[str, str], db_file: Path
) -> None:
    w = desk.window
    w.scan.on_scan(codes["day2_only"])
    person = w.scan.page.panel.decision.attendee
    w.people.open_card(person)
    assert w.people.card.buttons["admit"].isHidden()  # not for volunteers
    unlock(desk, qtbot)
    assert not w.people.card.buttons["admit"].isHidden()
    w.people.card.buttons["admit"].click()
    w.frame.dialog.note.setText("accord de la direction")
    w.frame.dialog.try_accept()
    checkins = facts_of(db_file, "checkin")
    assert checkins[-1][:3] == ("Accueil 2", "lead", "accord de la direction")
    assert "Arrivé·e aujourd'hui" in w.people.card.body.text()


def test_fix_a_name(desk: Any, qtbot: Any, codes: dict[str, str]) -> None:
    w = desk.window
    unlock(desk, qtbot)
    w.scan.on_scan(codes["both_days"])
    person = w.scan.page.panel.decision.attendee
    w.people.open_card(person)
    w.people.card.buttons["edit"].click()
    dialog = w.frame.dialog
    assert isinstance(dialog, EditDialog)
    dialog.fields["last_name"].setText("Nouveau-Nom")
    dialog.try_accept()
    assert "Nouveau-Nom" in w.people.card.body.text()
    assert any(p.uid == person.uid for p in desk.session.find("nouveau-nom"))


def test_walkin_creates_prints_and_admits(desk: Any, qtbot: Any, db_file: Path) -> None:
    w = desk.window
    w.people.open_walkin()
    assert "responsable" in w.banner.text  # volunteers cannot
    unlock(desk, qtbot)
    w.people.open_walkin()
    dialog = w.frame.dialog
    assert isinstance(dialog, WalkinDialog)
    dialog.first_name.setText("Zoë")
    dialog.last_name.setText("ÇELIK")
    dialog.organisation.setText("Ville d'Izmir")
    with qtbot.waitSignal(w.answer_shown, timeout=3000):
        dialog.try_accept()
    a = w.scan.page.panel.answer
    assert a.outcome == "admitted" and a.name == "Zoë Çelik" and a.organisation == "Ville d'Izmir"
    assert facts_of(db_file, "walkin")[-1][:2] == ("Accueil 2", "lead")
    qtbot.waitUntil(lambda: "imprimé" in w.scan.page.panel.printing.text(), timeout=15000)


def test_language_switch_retranslates_what_is_visible(desk: Any, qtbot: Any, codes: dict[str, str]) -> None:
    w = desk.window
    w.status.today = lambda: date(2026, 7, 8)  # the first day, whatever the machine's date
    w.scan.on_scan(codes["cancelled"])
    w.toggle_language()
    assert w.nav.buttons["search"].text() == "Search (F2)"
    assert w.scan.page.panel.headline.text() == "REGISTRATION CANCELLED"
    assert w.status.day.text() == "Day: 8 July"
    w.toggle_language()
    assert w.scan.page.panel.headline.text() == "INSCRIPTION ANNULÉE"


def test_every_ui_string_has_an_english_entry() -> None:
    import ast

    root = Path(__file__).resolve().parents[3]
    catalog = json.loads((root / "checkin/resources/i18n/en/ui.json").read_text(encoding="utf-8"))
    missing = []
    for path in sorted((root / "checkin/ui").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                text = node.args[0].value
                if text not in catalog:
                    from checkin.base.i18n import catalog as all_catalogs

                    if text not in all_catalogs("en"):
                        missing.append(f"{path.name}: {text}")
    assert missing == []


class BrokenPrinter:
    def submit(self, data: bytes, *, job_id: str, title: str, media: str) -> str:
        raise KnownError("Imprimante hors ligne")

    def already_done(self, job_id: str) -> bool:
        return False


def test_print_failure_is_shown_without_blocking(desk: Any, qtbot: Any, codes: dict[str, str]) -> None:
    queue = desk.printing.queue
    for name in list(queue.printers):
        queue.printers[name] = BrokenPrinter()
    queue.max_attempts = 1
    w = desk.window
    w.scan.on_scan(codes["both_days"])
    qtbot.waitUntil(lambda: "échec" in w.scan.page.panel.printing.text(), timeout=15000)
    assert "hors ligne" in w.banner.text
    assert "en erreur" in w.printers.label.text()
    assert "hors ligne" in w.status.error.text()
    assert QApplication.activeModalWidget() is None  # a banner, not a dialog
    w.scan.on_scan(codes["second_both"])  # the desk keeps scanning
    assert w.scan.page.panel.answer.outcome == "admitted"


def test_a_bug_is_logged_and_reported_and_the_desk_survives(
    desk: Any, qtbot: Any, codes: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    w = desk.window

    def boom(text: str) -> Any:
        raise ZeroDivisionError("bug in a slot")

    monkeypatch.setattr(desk.session, "scan", boom)
    with pytest.raises(ZeroDivisionError):
        w.scan.on_scan("AICT26-AAAAAAAA")
    # As Qt would, hand the exception to sys.excepthook.
    import sys

    try:
        boom("")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    assert "ZeroDivisionError: bug in a slot" in desk.crash.reports[-1]
    monkeypatch.undo()
    w.scan.on_scan(codes["both_days"])
    assert w.scan.page.panel.answer.outcome == "admitted"


def test_an_exception_in_any_thread_reaches_the_crash_handler(
    desk: Any, qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug nobody caught in a background thread (a print worker, a helper) is logged and
    shown as any other bug, on the GUI thread; the desk goes on."""
    import threading

    def worker() -> None:
        raise ZeroDivisionError("bug in a thread")

    thread = threading.Thread(target=worker, name="print-helper")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: any("bug in a thread" in r for r in desk.crash.reports), timeout=2000)
    assert "ZeroDivisionError: bug in a thread" in desk.crash.reports[-1]
    assert any("uncaught exception in thread print-helper" in r.getMessage() for r in caplog.records)


def test_crash_dialog_offers_a_copyable_report(qapp: Any, qtbot: Any) -> None:
    from checkin.ui.crash import CrashHandler

    handler = CrashHandler(None, show_dialog=True)
    try:
        raise RuntimeError("unexpected")
    except RuntimeError as exc:
        handler(type(exc), exc, exc.__traceback__)
    dialog = handler.dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert "RuntimeError: unexpected" in dialog.text.toPlainText()
    dialog.copy_report()
    assert "RuntimeError: unexpected" in QApplication.clipboard().text()
    assert not any(isinstance(x, QLineEdit) for x in [dialog])


def test_staff_view_counts_arrivals(desk: Any, qtbot: Any, codes: dict[str, str]) -> None:
    w = desk.window
    w.show_staff()
    assert w.frame.stack.currentWidget() is not w.staff.page  # lead only (names of no-shows)
    w.scan.on_scan(codes["both_days"])
    w.scan.on_scan(codes["second_both"])
    unlock(desk, qtbot)
    with qtbot.waitSignal(w.staff_shown, timeout=5000) as got:
        w.show_staff()
    figures = got.args[0]
    arrived, expected = desk.session.counts()
    assert (figures.arrived, figures.expected) == (arrived, expected) == (2, expected)
    assert sum(n for _q, n in figures.per_quarter) == 2
    assert sum(a for _c, a, _n in figures.per_category) == 2
    assert len(figures.no_shows) == expected - 2
    assert "2 arrivé·e·s sur" in w.staff.page.total.text()
    w.lead.lock.lock()
    assert w.frame.stack.currentWidget() is w.scan.page


def test_lead_changes_desk_settings(desk: Any, qtbot: Any, codes: dict[str, str], db_file: Path) -> None:
    from checkin.base.settings import DeskSettings
    from checkin.ui.lead.dialogs import SettingsDialog

    w = desk.window
    w.lead.open_settings()
    assert "responsable" in w.banner.text
    unlock(desk, qtbot)
    w.lead.open_settings()
    dialog = w.frame.dialog
    assert isinstance(dialog, SettingsDialog)
    dialog.desk_name.setText("Accueil VIP")
    dialog.ready_delay.setValue(3)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.try_accept()
    assert w.status.desk.text().startswith("Desk: Accueil VIP")
    assert w.scan.page.ready_timer.interval() == 3000
    saved = DeskSettings.load(Path(w.settings.file))
    assert (saved.desk_name, saved.ready_delay_s, saved.language) == ("Accueil VIP", 3, "en")
    w.scan.on_scan(codes["both_days"])
    assert facts_of(db_file, "checkin")[-1][:2] == ("Accueil VIP", "lead")


def test_lead_chooses_the_event_day(desk: Any, qtbot: Any, codes: dict[str, str], db_file: Path) -> None:
    from checkin.ui.lead.dialogs import SettingsDialog

    w = desk.window
    with qtbot.waitSignal(w.answer_shown, timeout=2000) as got:
        w.scan.on_scan(codes["day2_only"])
    assert got.args[0].outcome == "not_today"
    unlock(desk, qtbot)
    w.lead.open_settings()
    dialog = w.frame.dialog
    assert isinstance(dialog, SettingsDialog)
    assert [dialog.day.itemData(i) for i in range(dialog.day.count())] == ["2026-07-08", "2026-07-09"]
    dialog.day.setCurrentIndex(dialog.day.findData("2026-07-09"))
    dialog.try_accept()
    assert "9 juillet" in w.status.day.text()
    with qtbot.waitSignal(w.answer_shown, timeout=2000) as got:
        w.scan.on_scan(codes["day2_only"])
    assert got.args[0].outcome == "admitted"
    assert facts_of(db_file, "checkin")[-1][:2] == (w.session.desk, "lead")


def test_the_lead_day_and_a_bad_settings_file_survive_a_restart(desk: Any, qtbot: Any, db_file: Path) -> None:
    from checkin.base import paths
    from checkin.ui.app import build_desk
    from checkin.ui.lead.dialogs import SettingsDialog

    w = desk.window
    unlock(desk, qtbot)
    w.lead.open_settings()
    dialog = w.frame.dialog
    assert isinstance(dialog, SettingsDialog)
    dialog.day.setCurrentIndex(dialog.day.findData("2026-07-09"))
    dialog.try_accept()
    desk.close()
    # A hand edit gone wrong elsewhere in the file: that value only falls back.
    path = paths.settings_path()
    path.write_text(path.read_text(encoding="utf-8").replace("ready_delay_s = 8", 'ready_delay_s = "soon"'))
    again = build_desk(db_file, show_crash_dialog=False, with_printing=False)
    try:
        assert again.session.day == "2026-07-09"
        assert "9 juillet" in again.window.status.day.text()
        assert again.window.settings.ready_delay_s == 8
        assert 'nombre entier attendu, "soon" lu' in again.window.frame.last_error
    finally:
        again.close()
