"""Staff workflows in the window: import, exchange with a hub, reports, live sync state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checkin.ui.staff.tools import StaffTools
from tests import dbfiles


def count(db: Path, sql: str) -> int:
    con = dbfiles.connect(db)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def tools(desk: Any) -> StaffTools:
    return desk.window.staff.tools


def test_import_from_the_window_runs_in_the_background(
    desk: Any, qtbot: Any, sample_dir: Path, db_file: Path
) -> None:
    before = count(db_file, "SELECT count(*) FROM attendee")
    with qtbot.waitSignal(tools(desk).finished, timeout=30_000) as got:
        tools(desk).import_file(sample_dir / "inscriptions.csv")
    assert "578 lignes lues" in got.args[0] and "578 ajoutées" in got.args[0]
    assert count(db_file, "SELECT count(*) FROM attendee") == before + 578


def test_a_bad_file_is_a_banner_not_a_crash(desk: Any, qtbot: Any, tmp_path: Path) -> None:
    fake = tmp_path / "inscriptions.csv"
    fake.write_bytes(b"%PDF-1.4\n")
    with qtbot.waitSignal(tools(desk).failed, timeout=10_000):
        tools(desk).import_file(fake)
    qtbot.waitUntil(lambda: "PDF" in desk.window.banner.text, timeout=2000)


def test_sync_now_with_a_file_hub_then_live_state_in_the_status_bar(
    desk: Any, qtbot: Any, tmp_path: Path, codes: dict[str, str]
) -> None:
    w = desk.window
    w.scan.on_scan(codes["both_days"])
    from checkin.sync.hub import open_hub

    hub = tmp_path / "hub.sqlite"
    open_hub(f"sqlite:///{hub}", create=True).close()  # staff ran `checkin hub init`
    tools(desk).hub.setText(str(hub))
    errors: list[BaseException] = []
    tools(desk).failed.connect(errors.append)
    with qtbot.waitSignal(tools(desk).finished, timeout=60_000) as got:
        tools(desk).sync_now()
    assert not errors
    assert "Échange terminé" in got.args[0]
    assert count(hub, "SELECT count(*) FROM hub_fact WHERE kind = 'checkin'") >= 1
    assert w.sync.relay is not None  # a hub is configured now: live mode starts
    qtbot.waitUntil(lambda: "Synchro" in w.sync.label.text(), timeout=20_000)
    w.sync.stop()


def test_report_from_the_window(desk: Any, qtbot: Any, tmp_path: Path, codes: dict[str, str]) -> None:
    desk.window.scan.on_scan(codes["both_days"])
    out = tmp_path / "emargement.csv"
    with qtbot.waitSignal(tools(desk).finished, timeout=60_000) as got:
        tools(desk).write_report("emargement", "csv", out)
    assert str(out) in got.args[0]
    assert out.exists() and out.stat().st_size > 0


def test_unreachable_hub_is_said_plainly(desk: Any, qtbot: Any) -> None:
    tools(desk).hub.setText("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with qtbot.waitSignal(tools(desk).failed, timeout=30_000):
        tools(desk).sync_now()
    qtbot.waitUntil(lambda: desk.window.banner.text != "", timeout=2000)
    assert "Traceback" not in desk.window.banner.text


# -- the hub import and the purge (lead only, confirmed in a dialog) -------------------------


def sample_code(sample_dir: Path) -> str:
    """The ticket code of the export's first registration (confirmed, both days)."""
    import csv

    with (sample_dir / "inscriptions.csv").open(encoding="utf-8-sig", newline="") as fh:
        row = next(csv.DictReader(fh, delimiter=";"))
    assert row["Statut"] == "Confirmée"
    return row["Code billet"]


def empty_hub(tmp_path: Path) -> Path:
    from checkin.sync.hub import open_hub

    hub = tmp_path / "hub.sqlite"
    open_hub(str(hub), create=True).close()  # staff ran `checkin hub init`
    return hub


def day_on_a_hub(desk: Any, qtbot: Any, tmp_path: Path, codes: dict[str, str]) -> Path:
    """Someone admitted, then the day's work sent to a new file hub from the staff view."""
    w, t = desk.window, tools(desk)
    hub = empty_hub(tmp_path)
    t.hub.setText(str(hub))
    w.scan.on_scan(codes["both_days"])
    with qtbot.waitSignal(t.finished, timeout=60_000):
        t.sync_now()
    return hub


def click(dialog: Any, which: str) -> None:
    from checkin.ui.qt import QDialogButtonBox

    button = QDialogButtonBox.StandardButton.Ok if which == "ok" else QDialogButtonBox.StandardButton.Cancel
    dialog.buttons.button(button).click()


def test_hub_import_dry_run_then_confirm_then_the_desk_sees_it(
    desk: Any, qtbot: Any, tmp_path: Path, sample_dir: Path, db_file: Path
) -> None:
    from checkin.ui.staff.dialogs import HubImportDialog

    w, t = desk.window, tools(desk)
    hub = empty_hub(tmp_path)
    w.lead.lock.unlock("2468")
    t.hub.setText(str(hub))
    with qtbot.waitSignal(t.confirm_shown, timeout=60_000) as shown:
        t.import_into_hub(sample_dir / "inscriptions.csv")
    dialog = shown.args[0]
    assert isinstance(dialog, HubImportDialog) and dialog.isVisible()
    text = dialog.summary.text()
    assert "578 lignes lues : 578 nouvelles, 0 modifiées, 24 annulées" in text and "0 refusées" in text
    assert str(hub) in text and "inscriptions.csv" in text
    assert count(hub, "SELECT count(*) FROM hub_attendee") == 0  # the dry run wrote nothing
    code = sample_code(sample_dir)
    assert count(db_file, f"SELECT count(*) FROM attendee WHERE code = '{code}'") == 0

    with qtbot.waitSignal(t.finished, timeout=60_000) as done:
        click(dialog, "ok")
    assert done.args[0].startswith("Import dans le hub : 578 lignes lues")
    assert count(hub, "SELECT count(*) FROM hub_attendee") == 578

    with qtbot.waitSignal(t.finished, timeout=60_000):
        t.sync_now()
    assert count(db_file, f"SELECT count(*) FROM attendee WHERE code = '{code}'") == 1
    w.sync.stop()
    w.scan.on_scan(code)
    assert w.scan.page.panel.answer.outcome == "admitted"


def test_a_refused_hub_import_writes_nothing(desk: Any, qtbot: Any, tmp_path: Path, sample_dir: Path) -> None:
    t = tools(desk)
    hub = empty_hub(tmp_path)
    desk.window.lead.lock.unlock("2468")
    t.hub.setText(str(hub))
    with qtbot.waitSignal(t.confirm_shown, timeout=60_000) as shown:
        t.import_into_hub(sample_dir / "inscriptions.csv")
    with qtbot.assertNotEmitted(t.finished, wait=300), qtbot.assertNotEmitted(t.failed):
        click(shown.args[0], "cancel")
    assert t.result.text() == "Import annulé : rien n'a été écrit dans le hub."
    assert not t.busy
    assert count(hub, "SELECT count(*) FROM hub_attendee") == 0
    assert count(hub, "SELECT count(*) FROM hub_ticket_code") == 0


def test_hub_import_problems_are_said_plainly(
    desk: Any, qtbot: Any, tmp_path: Path, sample_dir: Path
) -> None:
    w, t = desk.window, tools(desk)
    w.lead.lock.unlock("2468")
    t.hub.setText("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with qtbot.waitSignal(t.failed, timeout=30_000):
        t.import_into_hub(sample_dir / "inscriptions.csv")
    qtbot.waitUntil(lambda: "ne répond pas" in w.banner.text, timeout=2000)
    assert "Traceback" not in w.banner.text and t.dialog is None and not t.busy

    hub = empty_hub(tmp_path)
    t.hub.setText(str(hub))
    fake = tmp_path / "inscriptions.csv"
    fake.write_bytes(b"%PDF-1.4\n")
    with qtbot.waitSignal(t.failed, timeout=30_000):
        t.import_into_hub(fake)
    qtbot.waitUntil(lambda: "PDF" in w.banner.text, timeout=2000)
    assert t.dialog is None
    assert count(hub, "SELECT count(*) FROM hub_attendee") == 0


def test_only_the_lead_imports_into_the_hub_or_purges(
    desk: Any, qtbot: Any, tmp_path: Path, sample_dir: Path, db_file: Path
) -> None:
    w, t = desk.window, tools(desk)
    t.hub.setText(str(empty_hub(tmp_path)))
    t.import_into_hub(sample_dir / "inscriptions.csv")
    t.request_purge()
    assert t.dialog is None and not t.busy
    assert "responsable" in t.result.text()
    # The lead lock closes while the confirmation is open: the confirmation does nothing.
    w.lead.lock.unlock("2468")
    with qtbot.waitSignal(t.confirm_shown, timeout=10_000) as shown:
        t.request_purge()
    w.lead.lock.lock()
    click(shown.args[0], "ok")
    assert "responsable" in t.result.text() and not t.busy
    assert count(db_file, "SELECT count(*) FROM attendee") > 0


def test_a_refused_purge_deletes_nothing(desk: Any, qtbot: Any, db_file: Path) -> None:
    from checkin.ui.staff.dialogs import PurgeDialog

    t = tools(desk)
    people = count(db_file, "SELECT count(*) FROM attendee")
    desk.window.lead.lock.unlock("2468")
    with qtbot.waitSignal(t.confirm_shown, timeout=10_000) as shown:
        t.request_purge()
    dialog = shown.args[0]
    assert isinstance(dialog, PurgeDialog)
    # It names what will go: this file, its registrations; the counts are kept by default.
    assert str(db_file) in dialog.details.text()
    assert f"{people} inscription(s)" in dialog.details.text()
    assert dialog.keep_aggregates.isChecked() and not dialog.hub_too.isEnabled()
    cancel = dialog.buttons.button(dialog.buttons.StandardButton.Cancel)
    assert cancel.isDefault()  # Enter does not delete
    with qtbot.assertNotEmitted(t.finished, wait=300):
        click(dialog, "cancel")
    assert t.result.text() == "Rien n'a été effacé."
    assert count(db_file, "SELECT count(*) FROM attendee") == people


def test_purge_from_the_window_keeps_counts_and_the_desk_still_works(
    desk: Any, qtbot: Any, tmp_path: Path, codes: dict[str, str], db_file: Path
) -> None:
    w, t = desk.window, tools(desk)
    w.scan.on_scan(codes["both_days"])
    name = w.scan.page.panel.decision.attendee.last_name
    con = dbfiles.connect(db_file)  # the replica is encrypted: its bytes never held the name
    try:
        assert con.execute("SELECT count(*) FROM attendee WHERE last_name = ?", (name,)).fetchone()[0] > 0
    finally:
        con.close()
    w.people.show_search()
    w.people.search.field.setText("dupont")
    qtbot.waitUntil(lambda: w.people.search.model.rowCount() >= 2, timeout=5000)
    w.lead.lock.unlock("2468")
    w.settings.hub_url = str(empty_hub(tmp_path))  # a hub configured, but only this desk is purged
    t.hub.setText(w.settings.hub_url)
    w.show_staff()
    with qtbot.waitSignal(t.confirm_shown, timeout=10_000) as shown:
        t.request_purge()
    dialog = shown.args[0]
    assert "ce poste s'en détache" in dialog.details.text()
    with qtbot.waitSignal(t.finished, timeout=60_000) as done:
        click(dialog, "ok")
    assert done.args[0].startswith("Données personnelles effacées sur ce poste")
    for table in ("attendee", "fact", "ticket_code", "sensitive_info", "print_job", "meeting"):
        assert count(db_file, f"SELECT count(*) FROM {table}") == 0, table
    assert count(db_file, "SELECT count(*) FROM meta WHERE key LIKE 'aggregate.%'") > 0
    assert count(db_file, "SELECT value FROM meta WHERE key = 'aggregate.2026-07-08.present'") == 1
    for suffix in ("", "-wal"):
        data = Path(f"{db_file}{suffix}")
        if data.exists():  # vacuumed (and, on a plain desk, not left in free pages either)
            assert name.encode() not in data.read_bytes(), suffix
    # The desk left its hub, which would send every name back at the next exchange.
    assert w.settings.hub_url == "" and t.hub.text() == "" and w.sync.relay is None

    # The window shows an empty desk and goes on working.
    assert w.scan.page.panel.decision is None and w.people.card.data is None
    assert w.people.search.model.rowCount() == 0
    qtbot.waitUntil(lambda: (w.status.arrived, w.status.expected) == (0, 0), timeout=5000)
    with qtbot.waitSignal(w.staff_shown, timeout=10_000) as staff:
        w.staff.refresh()
    assert staff.args[0].expected == 0 and staff.args[0].no_shows == []
    w.scan.on_scan(codes["both_days"])
    assert w.scan.page.panel.answer.outcome == "unknown"
    with qtbot.waitSignal(w.results_shown, timeout=5000) as found:
        w.people.run_search("dupont")
    assert found.args == [0]
    assert w.frame.last_error == ""


def test_purge_with_the_hub(
    desk: Any, qtbot: Any, tmp_path: Path, codes: dict[str, str], db_file: Path
) -> None:
    w, t = desk.window, tools(desk)
    hub = day_on_a_hub(desk, qtbot, tmp_path, codes)
    w.sync.stop()
    assert count(hub, "SELECT count(*) FROM hub_attendee") > 0
    w.lead.lock.unlock("2468")
    with qtbot.waitSignal(t.confirm_shown, timeout=10_000) as shown:
        t.request_purge()
    dialog = shown.args[0]
    dialog.hub_too.setChecked(True)
    assert f"Sur le hub ({hub})" in dialog.details.text()
    with qtbot.waitSignal(t.finished, timeout=60_000) as done:
        click(dialog, "ok")
    assert "et sur le hub" in done.args[0]
    assert count(hub, "SELECT count(*) FROM hub_attendee") == 0
    assert count(hub, "SELECT count(*) FROM hub_fact") == 0
    assert count(hub, "SELECT count FROM hub_aggregate WHERE name = 'facts.checkin'") == 1
    assert count(db_file, "SELECT count(*) FROM attendee") == 0
    assert count(db_file, "SELECT count(*) FROM meta WHERE key LIKE 'aggregate.%'") > 0
    # Still attached to the (purged) hub: live sync goes on, and brings nothing back.
    assert w.settings.hub_url and w.sync.relay is not None
    qtbot.waitUntil(lambda: "En ligne" in w.sync.label.text(), timeout=20_000)
    w.sync.stop()
    assert count(db_file, "SELECT count(*) FROM attendee") == 0


def test_purge_when_the_hub_does_not_answer_deletes_nothing(desk: Any, qtbot: Any, db_file: Path) -> None:
    w, t = desk.window, tools(desk)
    people = count(db_file, "SELECT count(*) FROM attendee")
    t.hub.setText("postgresql+psycopg://nobody@127.0.0.1:1/none")
    w.lead.lock.unlock("2468")
    with qtbot.waitSignal(t.confirm_shown, timeout=10_000) as shown:
        t.request_purge()
    shown.args[0].hub_too.setChecked(True)
    with qtbot.waitSignal(t.failed, timeout=30_000):
        click(shown.args[0], "ok")
    qtbot.waitUntil(lambda: "ne répond pas" in w.banner.text, timeout=2000)
    assert "Traceback" not in w.banner.text
    assert count(db_file, "SELECT count(*) FROM attendee") == people


def test_a_hub_purged_elsewhere_empties_this_window_at_its_next_live_exchange(
    desk: Any, qtbot: Any, tmp_path: Path, codes: dict[str, str], db_file: Path
) -> None:
    from checkin.sync.purge import purge_hub

    w = desk.window
    hub = day_on_a_hub(desk, qtbot, tmp_path, codes)
    assert w.sync.relay is not None
    w.people.show_search()
    w.people.search.field.setText("dupont")
    qtbot.waitUntil(lambda: w.people.search.model.rowCount() >= 2, timeout=5000)
    purge_hub(str(hub), keep_aggregates=True)  # staff, on their own laptop, after the event
    with qtbot.waitSignal(w.sync.relay.purged, timeout=30_000):
        w.sync.relay.live.poke()
    qtbot.waitUntil(lambda: w.people.search.model.rowCount() == 0, timeout=5000)
    qtbot.waitUntil(lambda: (w.status.arrived, w.status.expected) == (0, 0), timeout=5000)
    w.sync.stop()
    assert count(db_file, "SELECT count(*) FROM attendee") == 0
    assert count(db_file, "SELECT value FROM meta WHERE key = 'aggregate.2026-07-08.present'") == 1
    w.scan.on_scan(codes["both_days"])
    assert w.scan.page.panel.answer.outcome == "unknown"


def test_a_purge_waits_for_live_sync_to_end_and_stopping_never_blocks(
    desk: Any, qtbot: Any, tmp_path: Path, codes: dict[str, str], db_file: Path, monkeypatch: Any
) -> None:
    """Live sync is mid-exchange (a long pull) when the lead purges: the window stays free
    (stopping does not wait), and the purge starts only once that exchange has ended — it
    could otherwise bring names back after the purge."""
    import threading
    import time

    from checkin.sync import live as live_module

    w, t = desk.window, tools(desk)
    day_on_a_hub(desk, qtbot, tmp_path, codes)
    assert w.sync.relay is not None
    inside, release = threading.Event(), threading.Event()
    real = live_module.exchange

    def slow(*args: Any, **kw: Any) -> Any:
        inside.set()
        release.wait(30)
        return real(*args, **kw)

    monkeypatch.setattr(live_module, "exchange", slow)
    w.sync.relay.live.poke()
    assert inside.wait(20)
    people = count(db_file, "SELECT count(*) FROM attendee")
    w.lead.lock.unlock("2468")
    with qtbot.waitSignal(t.confirm_shown, timeout=10_000) as shown:
        t.request_purge()
    started = time.monotonic()
    click(shown.args[0], "ok")  # purge_started: live sync asked to stop
    assert time.monotonic() - started < 1.0 and w.sync.relay is None
    qtbot.wait(500)
    assert t.busy and count(db_file, "SELECT count(*) FROM attendee") == people  # waiting
    with qtbot.waitSignal(t.finished, timeout=60_000):
        release.set()
    assert count(db_file, "SELECT count(*) FROM attendee") == 0


def test_a_bug_in_live_sync_is_reported_once_and_shown_as_an_error(
    desk: Any, qtbot: Any, tmp_path: Path, codes: dict[str, str], monkeypatch: Any
) -> None:
    from checkin.sync import live as live_module

    w = desk.window
    day_on_a_hub(desk, qtbot, tmp_path, codes)
    assert w.sync.relay is not None

    def broken(*args: Any, **kw: Any) -> Any:
        raise ValueError("bad row")

    monkeypatch.setattr(live_module, "exchange", broken)
    for _ in range(3):
        with qtbot.waitSignal(w.sync.relay.changed, timeout=20_000):
            w.sync.relay.live.poke()
    qtbot.waitUntil(lambda: "en erreur (ValueError)" in w.sync.label.text(), timeout=5000)
    assert "Seul depuis" not in w.sync.label.text()
    assert sum("ValueError: bad row" in r for r in desk.crash.reports) == 1
    assert "LiveSyncBug" in desk.crash.reports[-1] and "Traceback" in desk.crash.reports[-1]
    w.sync.stop()


def test_closing_the_desk_during_an_import_stops_it_instead_of_waiting(
    desk: Any, qtbot: Any, tmp_path: Path, db_file: Path
) -> None:
    """A large import runs in a process of its own; the desk closed meanwhile stops it at
    once (Python would wait for its end) and no process is left behind."""
    import time

    from checkin.demo.synthetic import write_export
    from checkin.replica import apart

    big = write_export(tmp_path / "inscriptions.csv", 60_000, desk.session.event)
    before = count(db_file, "SELECT count(*) FROM attendee")
    tools(desk).import_file(big)
    qtbot.waitUntil(lambda: bool(apart._running), timeout=30_000)
    (child,) = apart._running
    started = time.monotonic()
    desk.close()
    took = time.monotonic() - started
    assert not child.is_alive() and not apart._running
    assert took < 8  # a 60,000-row import takes longer than this here; the test's bound
    assert count(db_file, "SELECT count(*) FROM attendee") < before + 60_000


@pytest.fixture
def empty_desk(qapp: Any, qtbot: Any, tmp_path: Path, ui_home: Path) -> Iterator[Any]:
    """A desk window shown on a replica with no registration."""
    from checkin.replica.db import open_replica
    from checkin.ui.app import build_desk

    empty = tmp_path / "empty.sqlite"
    open_replica(empty).close()
    desk = build_desk(empty, day="2026-07-08", show_crash_dialog=False, with_printing=False)
    desk.window.show()
    qtbot.waitExposed(desk.window)
    yield desk
    desk.close()


def test_the_first_import_clears_the_empty_desk_notice_and_shows_its_figures(
    empty_desk: Any, qtbot: Any, sample_dir: Path
) -> None:
    """A desk opened with no registration says how to import; once the first import has
    run, that notice is gone from the banner and the status bar, and the staff view's
    figures are the new ones at once (not "0 sur 0" until their next 30 s round)."""
    w = empty_desk.window
    assert "Aucune inscription sur ce poste" in w.banner.text
    assert "Aucune inscription sur ce poste" in w.status.error.text()
    with qtbot.waitSignal(tools(empty_desk).finished, timeout=30_000):
        tools(empty_desk).import_file(sample_dir / "inscriptions.csv")
    qtbot.waitUntil(lambda: w.banner.text == "" and w.status.error.text() == "", timeout=5000)
    qtbot.waitUntil(lambda: w.staff.page.figures.expected > 0, timeout=5000)
    assert "sur 0 attendu" not in w.staff.page.total.text()


def test_another_problem_in_the_banner_stays_after_an_import(
    empty_desk: Any, qtbot: Any, sample_dir: Path
) -> None:
    w = empty_desk.window
    w.frame.show_error("Imprimante « Badges » éteinte")
    with qtbot.waitSignal(tools(empty_desk).finished, timeout=30_000):
        tools(empty_desk).import_file(sample_dir / "inscriptions.csv")
    qtbot.waitUntil(lambda: w.empty_notice == "", timeout=5000)
    assert "Imprimante « Badges » éteinte" in w.banner.text
    assert "Imprimante « Badges » éteinte" in w.status.error.text()
