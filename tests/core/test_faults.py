"""``checkin bench-faults``, small: each part of the campaign runs and counts nothing bad.
(The benchmark runs the full counts: 200 kills, 10,000 cases per parser.)"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from checkin.devtools.faults import fuzz, hub, kills, printer


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKIN_HOME", str(tmp_path / "home"))


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="the kill campaign forks")
def test_kill_9_during_admissions_with_printing_on(tmp_path: Path) -> None:
    result = kills.run(tmp_path, kills=10, attendees=300, seed=3)
    assert result["drained"] and result["answered_admissions"] > 0, result
    assert result["answered_admissions_lost"] == 0 and result["admitted_twice"] == 0
    assert result["badges_printed_twice"] == 0 and result["badges_lost"] == 0


def test_every_parser_answers_or_refuses_with_a_sentence(tmp_path: Path) -> None:
    result = fuzz.run(tmp_path, cases=60, seed=11)
    assert set(result) >= {"scan", "export_csv", "export_xlsx", "event_file", "badge_layout", "desk_settings"}
    for name, counts in result.items():
        assert counts["cases"] == 60 and counts["bugs"] == 0, (name, counts["first_bugs"])


def test_a_hub_vanishing_mid_exchange(tmp_path: Path) -> None:
    result = hub.run(tmp_path, trials=4, attendees=120, seed=5)
    assert result["vanished_mid_exchange"] >= 1, result
    assert result["said_in_a_sentence"] == result["trials"] - (
        result["trials"] - result["vanished_mid_exchange"]
    )
    assert result["other_errors"] == 0 and result["facts_lost_at_the_desk"] == 0
    assert result["converged_after_return"] == result["trials"]


def test_a_printer_that_hangs(tmp_path: Path) -> None:
    result = printer.run(tmp_path, trials=1, timeout=1.0)
    assert result["failed_with_a_sentence_in_time"] == result["others_printed_meanwhile"] == 1, result
    assert result["late_job_closed_not_resent"] == 1 and result["sent_twice"] == 0


def test_what_the_fuzzer_found_stays_fixed(tmp_path: Path) -> None:
    """A workbook whose compressed sheet is damaged, a programme or B2B grid with no row,
    a printer list that is not UTF-8: each a sentence or an answer, never a traceback."""
    import zipfile

    from openpyxl import Workbook

    from checkin.base.errors import KnownError
    from checkin.event import model as event_module
    from checkin.importer import import_file
    from checkin.printing import config
    from checkin.replica.db import open_replica

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["N° inscription", "Code billet", "Prénom", "Nom"])
    for n in range(200):
        sheet.append([f"INS-{n}", f"AICT26-{n:08d}", "Ana", f"Lima {n}" * 20])
    good = tmp_path / "good.xlsx"
    book.save(good)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data)
    raw = bytearray(damaged.read_bytes())
    info = next(i for i in zipfile.ZipFile(damaged).infolist() if i.filename.endswith("sheet1.xml"))
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    raw[start + 200 : start + 260] = b"\x00" * 60  # the compressed stream, mid-way
    damaged.write_bytes(bytes(raw))
    replica = open_replica(None)
    ev = event_module.load()
    with pytest.raises(KnownError, match="illisible"):
        import_file(replica, ev, damaged, dry_run=True, saved_choices=False)
    for header in ("Code;Titre;Type;Jour;Début;Fin;Salle\n", "Jour;Créneau;Table;Code A;Code B\n"):
        empty = tmp_path / "empty.csv"
        empty.write_text(header, encoding="utf-8")
        try:
            import_file(replica, ev, empty, dry_run=True, saved_choices=False)
        except KnownError:
            pass
    latin = tmp_path / "settings.toml"
    latin.write_bytes('[printers.accueil]\ntarget = "Bur\xe9au"\n'.encode("latin-1"))
    with pytest.raises(KnownError):
        config.load(latin)
