"""Batch badges on sheets, selection and sorting, and the commands around them."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from sample import SAMPLE_DIR

from checkin.base.errors import KnownError
from checkin.base.text import sort_key
from checkin.cli import badges as commands
from checkin.event import model as event_mod
from checkin.printing import config
from checkin.printing.backends import CupsBackend, FileBackend
from checkin.printing.sheets import render_sheets
from checkin.replica import attendees
from checkin.replica.db import open_replica

SAMPLE = SAMPLE_DIR / "inscriptions.csv"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from checkin.importer import import_file

    monkeypatch.setenv("CHECKIN_HOME", str(tmp_path / "home"))
    path = tmp_path / "desk.sqlite"
    replica = open_replica(path)
    import_file(replica, event_mod.load(), SAMPLE)
    replica.close()
    return path


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    commands.add_commands(parser.add_subparsers())
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


def pdf_pages(pdf: Path) -> tuple[int, tuple[float, float]]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
    assert size
    return pages, (float(size.group(1)) * 25.4 / 72, float(size.group(2)) * 25.4 / 72)


def codes_on_page(pdf: Path, page: int, tmp_path: Path) -> set[str]:
    prefix = tmp_path / f"sheet{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    with Image.open(f"{prefix}.png") as image:
        return {r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)}


@pytest.mark.parametrize(("sheet", "per_page"), [("a4-4xa6", 4), ("a4-8xa7", 8), ("a4-10xcr80-labels", 10)])
def test_sheets_impose_badges_on_a4_with_readable_codes(
    db: Path, tmp_path: Path, sheet: str, per_page: int
) -> None:
    replica = open_replica(db)
    with replica.read() as conn:
        people = sorted(attendees.all_live(conn), key=lambda a: a.code)[: per_page + 1]
    replica.close()
    pdf = tmp_path / f"{sheet}.pdf"
    log = render_sheets(people, event_mod.load(), pdf, sheet=sheet)
    assert log.badges == per_page + 1 and log.pages == 2
    pages, (width, height) = pdf_pages(pdf)
    assert pages == 2 and (round(width), round(height)) == (210, 297)
    assert codes_on_page(pdf, 1, tmp_path) == {p.code for p in people[:per_page]}
    assert codes_on_page(pdf, 2, tmp_path) == {people[-1].code}
    assert all(d.box.contains(*d.rect) for d in log.drawn)


def test_a_layout_too_big_for_the_cells_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KnownError):
        render_sheets([], event_mod.load(), tmp_path / "x.pdf", sheet="a4-8xa7", layout="a6")


def test_badges_command_selects_sorts_and_marks_preprinted(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "elus.pdf"
    assert (
        cli(
            "badges",
            "--db",
            str(db),
            "--select",
            "category=Élu",
            "--sort",
            "surname",
            "--sheet",
            "none",
            "-o",
            str(out),
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    replica = open_replica(db)
    ev = event_mod.load()
    with replica.read() as conn:
        elus = [
            a
            for a in attendees.all_live(conn)
            if a.status == "confirmed" and ev.category(a.category).key == "elu"
        ]
        marked = conn.exec_driver_sql("SELECT attendee_uid FROM fact WHERE kind = 'preprint'").scalars().all()
    replica.close()
    assert summary["badges"] == len(elus) > 0
    assert sorted(marked) == sorted(a.uid for a in elus)
    # one page per badge here, in French alphabetical order of surnames (accents ignored)
    expected = sorted(
        elus,
        key=lambda a: (sort_key(a.last_name or a.native_name), sort_key(a.first_name)),
    )
    for page in (1, 2, len(expected)):
        assert codes_on_page(out, page, tmp_path) == {expected[page - 1].code}


def test_badges_command_by_codes_and_day(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replica = open_replica(db)
    with replica.read() as conn:
        people = sorted(attendees.all_live(conn), key=lambda a: a.code)[:3]
    replica.close()
    out = tmp_path / "codes.pdf"
    codes = ",".join(p.code for p in people)
    assert (
        cli(
            "badges",
            "--db",
            str(db),
            "--select",
            f"codes={codes}",
            "--no-mark",
            "-o",
            str(out),
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["badges"] == 3
    assert codes_on_page(out, 1, tmp_path) == {p.code for p in people}
    assert (
        cli(
            "badges",
            "--db",
            str(db),
            "--select",
            "day=2026-07-09",
            "--no-mark",
            "-o",
            str(tmp_path / "d.pdf"),
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["badges"] > 0
    with pytest.raises(KnownError):
        cli(
            "badges",
            "--db",
            str(db),
            "--select",
            "codes=NOPE-0000",
            "-o",
            str(tmp_path / "n.pdf"),
        )
    with pytest.raises(KnownError):
        cli(
            "badges",
            "--db",
            str(db),
            "--select",
            "colour=blue",
            "-o",
            str(tmp_path / "n.pdf"),
        )


def test_badge_command_writes_one_badge(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replica = open_replica(db)
    with replica.read() as conn:
        person = min(attendees.all_live(conn), key=lambda a: a.code)
    replica.close()
    out = tmp_path / "one.pdf"
    assert cli("badge", person.code, "--db", str(db), "--layout", "cr80", "-o", str(out)) == 0
    pages, (width, height) = pdf_pages(out)
    assert pages == 1 and (round(width, 1), round(height, 1)) == (85.6, 54.0)
    assert codes_on_page(out, 1, tmp_path) == {person.code}
    with pytest.raises(KnownError):
        cli("badge", "AICT26-NOTACODE", "--db", str(db), "-o", str(out))


def test_printers_come_from_the_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHECKIN_HOME", str(tmp_path / "home"))
    from checkin.base import paths

    paths.settings_path().write_text(
        '[printers.accueil]\nbackend = "cups"\ntarget = "Brother_QL"\nlayout = "ql62"\n'
        '[printers.dossier]\nbackend = "file"\ntarget = "' + str(tmp_path / "out") + '"\n',
        encoding="utf-8",
    )
    printers = config.load()
    assert set(printers) == {"files", "accueil", "dossier"}
    assert isinstance(config.build(printers["accueil"]), CupsBackend)
    assert config.build(printers["accueil"]).queue == "Brother_QL"  # type: ignore[attr-defined]
    assert isinstance(config.build(printers["files"]), FileBackend)
    assert cli("printers") == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["configured"]["accueil"]["layout"] == "ql62"
    # a test page on the folder printer
    assert cli("print-test", "dossier") == 0
    handle = json.loads(capsys.readouterr().out)["handle"]
    assert Path(handle).exists() and pdf_pages(Path(handle))[0] == 1
    paths.settings_path().write_text('[printers.x]\nbackend = "fax"\n', encoding="utf-8")
    with pytest.raises(KnownError):
        config.load()
