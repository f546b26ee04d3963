"""Backups while the desk runs, and a damaged replica: found when the desk opens, said in
a sentence, repaired from the latest backup (or rebuilt from the hub) at the lead's choice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from replica_faults import damage_page

from checkin.base.errors import DamagedReplica
from checkin.replica import backup
from tests import dbfiles

DAY1 = "2026-07-08"


def test_backups_while_the_desk_runs_and_at_its_close(
    desk: Any, qtbot: Any, codes: dict[str, str], tmp_path: Path
) -> None:
    w = desk.window
    w.settings.backup_dir = str(tmp_path / "usb")
    assert w.status.backup.text() == "Sauvegarde : pas encore"
    w.scan.on_scan(codes["both_days"])
    with qtbot.waitSignal(desk.backups.changed, timeout=20_000):
        desk.backups.start("auto")
    made = backup.listing(tmp_path / "usb")
    assert [b.kind for b in made] == ["auto"]
    assert w.status.backup.text().startswith("Sauvegarde : ") and "disque" not in w.status.backup.text()
    con = dbfiles.connect(made[0].path)
    assert con.execute("SELECT count(*) FROM fact WHERE kind = 'checkin'").fetchone()[0] == 1
    con.close()
    # The stick is pulled out: said once in the banner, not at every attempt.
    (tmp_path / "gone").write_text("a file where the folder was")
    w.settings.backup_dir = str(tmp_path / "gone" / "usb")
    shown: list[str] = []
    desk.backups.failed.connect(shown.append)
    for _ in range(2):
        with qtbot.waitSignal(desk.backups.changed, timeout=20_000):
            desk.backups.start("auto")
    assert (
        len(shown) == 1
        and "Sauvegarde impossible" in w.banner.text
        and "le poste continue" in w.banner.text.lower()
    )
    assert w.status.backup.text() == "Sauvegarde : en échec"
    w.settings.backup_dir = str(tmp_path / "usb")
    desk.close()
    assert [b.kind for b in backup.listing(tmp_path / "usb")] == ["auto", "day"]


def test_a_damaged_replica_is_found_at_start_and_restored(
    qapp: Any, qtbot: Any, db_file: Path, codes: dict[str, str], tmp_path: Path
) -> None:
    from checkin.base.settings import DeskSettings
    from checkin.replica import facts
    from checkin.replica.attendees import by_code
    from checkin.replica.db import open_replica
    from checkin.ui import app
    from checkin.ui.staff.recovery import RecoveryDialog

    settings = DeskSettings.load()
    settings.backup_dir = str(tmp_path / "usb")
    settings.hub_url = str(tmp_path / "hub.sqlite")
    settings.save()
    replica = open_replica(db_file)
    with replica.read() as conn:
        person = by_code(conn, codes["both_days"])
        later = by_code(conn, codes["second_both"])
    assert person is not None and later is not None
    facts.record_checkin(replica, person, day=DAY1, desk="Accueil 1")
    replica.close()
    backup.backup(db_file, tmp_path / "usb", desk_id="abcdef0123", keep=5)
    replica = open_replica(db_file)
    facts.record_checkin(replica, later, day=DAY1, desk="Accueil 1")  # after the backup
    replica.close()
    damage_page(db_file)
    with pytest.raises(DamagedReplica) as err:
        app.build_desk(db_file, day=DAY1, with_printing=False, show_crash_dialog=False)
    dialog = RecoveryDialog(db_file, err.value.problem, tmp_path / "usb", settings.hub_url)
    qtbot.addWidget(dialog)
    text = dialog.text.text()
    assert "est abîmée" in text and "restaurer la dernière sauvegarde" in text
    assert "reconstruire le poste depuis le hub" in text
    assert dialog.restore_button.isEnabled() and dialog.rebuild_button.isEnabled()
    dialog.restore_button.click()
    assert dialog.choice == "restore"
    said = app.recover_now(db_file, dialog.choice)
    assert "Poste remis en état" in said and "1 faits repris" in said
    desk = app.build_desk(db_file, day=DAY1, with_printing=False, show_crash_dialog=False)
    try:
        w = desk.window
        w.scan.on_scan(codes["both_days"])
        assert w.scan.page.panel.answer.outcome == "already_in"
        w.scan.on_scan(codes["second_both"])
        assert w.scan.page.panel.answer.outcome == "already_in"  # the fact after the backup too
    finally:
        desk.close()


def test_damage_found_while_the_desk_runs_offers_the_repair(
    desk: Any, qtbot: Any, codes: dict[str, str]
) -> None:
    from checkin.replica.db import damaged
    from checkin.ui.staff.recovery import RecoveryDialog

    w = desk.window

    def broken(text: str) -> Any:
        raise damaged(desk.replica.path, "database disk image is malformed")

    desk.session.scan = broken
    w.scan.on_scan(codes["both_days"])
    assert "est abîmée" in w.banner.text
    dialog = w.recovery.dialog
    assert isinstance(dialog, RecoveryDialog) and dialog.isVisible()
    assert not dialog.restore_button.isEnabled()  # no backup yet: not offered
    w.scan.on_scan(codes["both_days"])
    assert w.recovery.dialog is dialog  # offered once
    dialog.quit_button.click()
    assert w.recovery.choice == ""
