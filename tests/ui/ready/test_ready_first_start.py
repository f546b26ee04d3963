"""What a newcomer meets first: the demo's e-mails to scan, an empty desk, a day that is not
an event day."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import zxingcpp
from PIL import Image

from checkin.arrivals import scan
from checkin.demo import mail as demo_mail
from checkin.event import model as event_mod
from checkin.replica.db import open_replica

DAY1 = "2026-07-08"


def test_demo_emails_give_the_answers_they_promise(db_file: Path, tmp_path: Path) -> None:
    ev = event_mod.load()
    pdf = demo_mail.write_for_demo(db_file, ev, DAY1, tmp_path / "mails.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) == 5
    promised = {
        "ADMIS·E": "admitted",
        "DÉJÀ ENREGISTRÉ·E": "already_in",
        "INSCRIPTION ANNULÉE": "cancelled",
        "PAS INSCRIT·E AUJOURD'HUI": "not_today",
        "CODE ILLISIBLE": "unreadable",
    }
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "mail")], check=True)
    images = sorted(tmp_path.glob("mail-*.png"))
    assert len(images) == 5
    replica = open_replica(db_file)
    try:
        answers = []
        for page, image in zip(pages, images, strict=True):
            [want] = [outcome for words, outcome in promised.items() if f"Réponse attendue : {words}" in page]
            with Image.open(image) as picture:
                found = zxingcpp.read_barcodes(picture)
            assert len(found) == 1, image  # one readable QR code per e-mail
            decision = scan.decide(replica, ev, found[0].text, day=DAY1, desk="Accueil 1")
            answers.append((want, decision.outcome))
        assert [got for _w, got in answers] == [w for w, _g in answers]
        assert [w for w, _g in answers] == list(promised.values())
        # Scanned again, the valid one is "already in" (the first scan admitted).
        with Image.open(images[0]) as picture:
            again = scan.decide(
                replica, ev, zxingcpp.read_barcodes(picture)[0].text, day=DAY1, desk="Accueil 1"
            )
        assert again.outcome == "already_in"
    finally:
        replica.close()
    # Started again, the demo keeps its examples: same people, the arrival not recorded twice.
    second = demo_mail.write_for_demo(db_file, ev, DAY1, tmp_path / "again.pdf")
    again_text = subprocess.run(
        ["pdftotext", str(second), "-"], capture_output=True, text=True, check=True
    ).stdout
    replica = open_replica(db_file)
    try:
        with replica.read() as conn:
            example = conn.exec_driver_sql(
                "SELECT count(*) FROM fact WHERE desk = ?", (demo_mail.EXAMPLE_DESK,)
            ).scalar_one()
    finally:
        replica.close()
    assert example == len(ev.days)
    assert pages[1].split("Bonjour")[1].split(",")[0] in again_text


def test_an_empty_desk_points_to_the_windows_own_import(qapp: Any, qtbot: Any, tmp_path: Path) -> None:
    from checkin.ui.app import build_desk

    desk = build_desk(tmp_path / "empty.sqlite", show_crash_dialog=False, with_printing=False)
    try:
        text = desk.window.banner.label.text()
        assert "Importer un export…" in text and "F9" in text and "F6" in text
        assert "checkin import" not in text
        # The words it names are the buttons' own.
        assert desk.window.staff.tools.import_button.text() == "Importer un export…"
    finally:
        desk.close()


def test_a_day_that_is_not_an_event_day_is_said_on_the_status_bar(desk: Any) -> None:
    w = desk.window
    w.status.today = lambda: date(2026, 7, 7)  # the eve: the desk works on the 8th
    w.retranslate()
    assert "hors événement" in w.status.day.text()
    assert "07/07" in w.status.day.text() and "8 juillet" in w.status.day.text()
    w.status.today = lambda: date(2026, 7, 8)
    w.retranslate()
    assert w.status.day.text() == "Jour : 8 juillet"
