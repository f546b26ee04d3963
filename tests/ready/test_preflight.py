"""Pre-flight: each check green or red for the right reason, with its fix; the test pages
read back with real tools; the CUPS queue judged from the real CUPS's IPP attributes."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from checkin import cli
from checkin.base import paths
from checkin.base.settings import DeskSettings
from checkin.event.model import EventConfig
from checkin.preflight import checks as preflight
from checkin.printing.cups import ipp_attributes
from checkin.replica import backup
from checkin.replica.db import Replica, open_replica
from checkin.sync.exchange import exchange
from checkin.sync.hub import open_hub

try:
    from test_cups import CUPSD, QUEUE, cups  # noqa: F401  (the private cupsd fixture)
except ImportError:  # pragma: no cover
    CUPSD = None

DAY1 = "2026-07-08"
MORNING = datetime(2026, 7, 8, 6, 45, tzinfo=UTC)  # 08:45 in Paris


def _by_key(checks: list[preflight.Check]) -> dict[str, preflight.Check]:
    return {c.key: c for c in checks}


def test_a_ready_desk_is_green_and_each_problem_says_what_to_do(
    sample_db: Replica, event: EventConfig, tmp_path: Path
) -> None:
    db = Path(str(sample_db.path))
    settings = DeskSettings(file=str(paths.settings_path()))
    checks = _by_key(preflight.run(sample_db, event, settings, DAY1, db_path=db))
    # Today (the machine's date) is not an event day: said, with what to do.
    assert checks["scanner"].ok is False and "scanner" in checks["scanner"].fix
    assert checks["badge_test"].ok is False and "page de test" in checks["badge_test"].fix
    assert checks["hub"].ok is None  # no hub: the desk works alone, not an error
    assert checks["thermal"].ok is None
    assert checks["replica"].ok is True and "8 juillet" in checks["replica"].found
    assert checks["disk"].ok is True and checks["sound"].ok is True and checks["backup"].ok is True

    # The morning itself, once everything is done.
    hub_url = str(tmp_path / "hub.sqlite")
    hub = open_hub(hub_url, create=True)
    try:
        exchange(sample_db, hub, desk="Accueil 1")
    finally:
        hub.close()
    settings.hub_url = hub_url
    settings.scanner_checked = datetime.now(UTC).isoformat(timespec="seconds")
    settings.scanner_layout, settings.desk_layout, settings.scanner_terminator = "us", "fr", "enter"
    token = preflight.new_token("badge")
    assert preflight.take_scan(f"]Q1{token}") == "badge"  # an AIM prefix does not matter
    now = datetime.now(UTC)
    checks = _by_key(preflight.run(sample_db, event, settings, DAY1, db_path=db, now=now))
    assert checks["scanner"].ok is True and "us" in checks["scanner"].found
    assert checks["badge_test"].ok is True
    assert checks["hub"].ok is True, checks["hub"]
    assert "0 ici, 0 au hub" in checks["hub"].found and "écart d'horloge" in checks["hub"].found
    assert "aucune encore" in checks["backup"].found and "sur le disque du poste" in checks["backup"].found

    # A backup on a stick: the check names the latest one, and the disk warning goes.
    stick = tmp_path / "stick"
    made = backup.backup(db, stick, desk_id=sample_db.desk_id)
    settings.backup_dir = str(stick)
    checks = _by_key(preflight.run(sample_db, event, settings, DAY1, db_path=db, now=now))
    assert checks["backup"].ok is True and made.path.name in checks["backup"].found
    assert checks["backup"].fix == "" and "sur le disque du poste" not in checks["backup"].found

    # A stale test page, a muted desk, a backup folder that cannot be written, no audio.
    assert preflight.take_scan(preflight.TOKEN_PREFIX + "BADGE-00000000") == "stale"
    settings.muted = True
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.backup_dir = str(blocker / "backups")
    checks = _by_key(preflight.run(sample_db, event, settings, DAY1, db_path=db, audio=lambda: False))
    assert checks["sound"].ok is False and "F8" in checks["sound"].fix
    assert checks["backup"].ok is False and "clé USB" in checks["backup"].fix
    settings.muted = False
    assert preflight.check_sound(settings, lambda: False).ok is False

    # The day: the eve is said, the day itself is green.
    assert preflight.check_day(event, DAY1, datetime(2026, 7, 7).date()).ok is False
    assert preflight.check_day(event, DAY1, datetime(2026, 7, 8).date()).ok is True


def test_stale_registrations_and_a_hub_gone_are_red(
    sample_db: Replica, event: EventConfig, tmp_path: Path
) -> None:
    later = datetime.now(UTC).replace(year=datetime.now(UTC).year + 1)
    check = preflight.check_replica(sample_db, event, DAY1, later)
    assert check.ok is False and "importez le dernier export" in check.fix
    gone = preflight.check_hub(sample_db, str(tmp_path / "nowhere" / "hub.sqlite"), DAY1, datetime.now(UTC))
    assert gone.ok is False and "réseau" in gone.fix
    empty = open_replica(tmp_path / "empty.sqlite")
    try:
        assert preflight.check_replica(empty, event, DAY1, datetime.now(UTC)).ok is False
    finally:
        empty.close()


def test_the_badge_test_page_is_the_stock_size_and_its_code_reads_back(tmp_path: Path) -> None:
    token = preflight.new_token("badge")
    for layout, size in (("a6", (105.0, 148.0)), ("ql62", None), ("cr80", None)):
        data, media = preflight.badge_test_page(layout, token)
        pdf = tmp_path / f"{layout}.pdf"
        pdf.write_bytes(data)
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        w, h = (float(x) * 25.4 / 72 for x in info.split("Page size:")[1].split("pts")[0].split(" x "))
        expected = size or preflight._size_mm(media)
        assert expected is not None and abs(w - expected[0]) < 0.5 and abs(h - expected[1]) < 0.5, (
            layout,
            w,
            h,
        )
        subprocess.run(
            ["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / layout)], check=True
        )
        with Image.open(tmp_path / f"{layout}.png") as image:
            assert [r.text for r in zxingcpp.read_barcodes(image)] == [token]
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "a6.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "105 × 148 mm" in text


def test_the_thermal_slip_carries_the_events_accents_a_qr_and_a_cut(sample_db: Replica) -> None:
    from checkin.printing.escpos.parse import parse

    token = preflight.new_token("thermal")
    accents = preflight.event_accents(sample_db)
    assert {"é", "è", "ç"} <= set(accents)
    data = preflight.thermal_test_slip(
        "tcp://127.0.0.1:9100?profile=TM-T88V&codepage=CP858", sample_db, token
    )
    parsed = parse(data, "TM-T88V")
    printable = [ch for ch in accents if ch.encode("cp858", errors="ignore")]
    others = [ch for ch in accents if ch not in printable]
    # Letters of the code page as text (what a clone prints blank shows as a gap), the
    # others as an image of what they should look like; then the QR code and the cut.
    assert printable and all(ch in parsed.text for ch in printable)
    assert not others or parsed.images
    assert parsed.qr == [token] and parsed.cuts == 1


def test_preflight_command_line(sample_db: Replica, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(sample_db.path)
    code = cli.main(["preflight", "--db", db, "--json"])
    checks = json.loads(capsys.readouterr().out)
    assert code == 1  # some checks are red on a fresh desk
    keys = [c["key"] for c in checks]
    assert keys[:3] == ["day", "scanner", "badge_test"] and "backup" in keys and "sound" in keys
    assert all(c["fix"] for c in checks if c["ok"] is False)
    assert cli.main(["preflight", "--db", db]) == 1
    out = capsys.readouterr().out
    assert "✘ Scanner" in out and "→ " in out and "✔ Espace disque" in out
    assert cli.main(["preflight", "--db", db, "--scanned", "AICT26-7K3M9Q2X"]) == 1
    assert "réimprimez" in capsys.readouterr().err


@pytest.mark.skipif(CUPSD is None, reason="cupsd is not installed")
def test_the_cups_queue_is_judged_from_the_real_cups(cups: str) -> None:
    env = dict(os.environ, CUPS_SERVER=cups)

    def admin(*options: str) -> None:
        subprocess.run(["lpadmin", "-p", QUEUE, *options], check=True, capture_output=True, env=env)

    # cups-pdf's default is A4: wrong for A6 badge stock.
    check = preflight.check_cups_queue(QUEUE, cups, "A6", (105.0, 148.0))
    assert check.ok is False and "iso_a4_210x297mm" in check.found and "media-default=A6" in check.fix
    assert ipp_attributes(QUEUE, cups)["media-default"] == "iso_a4_210x297mm"
    try:
        admin("-o", "media-default=iso_a6_105x148mm")
        assert preflight.check_cups_queue(QUEUE, cups, "A6", (105.0, 148.0)).ok is True
        admin("-o", "fit-to-page-default=true")
        check = preflight.check_cups_queue(QUEUE, cups, "A6", (105.0, 148.0))
        assert check.ok is False and "fit-to-page" in check.found
    finally:
        admin("-o", "fit-to-page-default=false")
        admin("-o", "media-default=iso_a4_210x297mm")
    missing = preflight.check_cups_queue("no-such-queue", cups, "A6", (105.0, 148.0))
    assert missing.ok is False


def test_the_thermal_printers_status_is_asked_for_real() -> None:
    from test_ticket_connect import FakePrinter

    ok = FakePrinter({1: 0x12, 2: 0x12, 4: 0x12})  # online, cover shut, paper
    try:
        check = preflight.check_thermal(ok.uri, {}, datetime.now().date())
        assert check.ok is False and "prête (papier, capot : OK)" in check.found  # not yet scanned back
        token = preflight.new_token("thermal")
        assert preflight.take_scan(token) == "thermal"
    finally:
        ok.close()
    ok = FakePrinter({1: 0x12, 2: 0x12, 4: 0x12})
    try:
        assert preflight.check_thermal(ok.uri, preflight.load_state(), datetime.now().date()).ok is True
    finally:
        ok.close()
    cover = FakePrinter({1: 0x12, 2: 0x16, 4: 0x12})  # cover open
    try:
        check = preflight.check_thermal(cover.uri, {}, datetime.now().date())
        assert check.ok is False and "capot" in check.found and "Fermez le capot" in check.fix
    finally:
        cover.close()
