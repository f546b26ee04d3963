"""The wheel, installed in a clean virtual environment outside the checkout, does a desk's
work in French and in English: version, import of the sample, scan, a badge PDF with its
fonts embedded, a slip to a file, a report, the window's screenshots (offscreen)."""

from __future__ import annotations

import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from checkin.printing.escpos.parse import parse

from .conftest import ROOT, Installed, clean_env

pytestmark = pytest.mark.slow
CODE = "AICT26-YPAGKWKQ"  # Aurore Laroche, both days


def test_the_sdist_and_the_wheel_ship_every_resource(installed: Installed) -> None:
    shipped = sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "checkin" / "resources").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert len(shipped) > 40
    with zipfile.ZipFile(installed.wheel) as wheel:
        in_wheel = set(wheel.namelist())
        entry_points = wheel.read(next(n for n in in_wheel if n.endswith("entry_points.txt"))).decode()
    with tarfile.open(installed.sdist) as sdist:
        in_sdist = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert [p for p in shipped if p not in in_wheel] == []
    assert [p for p in shipped if p not in in_sdist] == []
    assert "checkin = checkin.__main__:main" in entry_points
    assert "[gui_scripts]\ncheckin-desk = checkin.__main__:gui_main" in entry_points


def run(installed: Installed, home: Path, *args: str, lang: str = "fr") -> str:
    result = subprocess.run(
        [str(installed.exe("checkin")), *args],
        env=clean_env(home, CHECKIN_LANG=lang),
        cwd=home.parent,  # outside the checkout
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{args}: {result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stdout


def test_a_desks_work_from_the_installed_wheel(
    installed: Installed, home: Path, tmp_path: Path, sample_dir: Path
) -> None:
    where = subprocess.run(
        [
            str(installed.exe("python")),
            "-c",
            "import checkin, checkin.base.paths as p; print(checkin.__file__); print(p.resources_dir())",
        ],
        env=clean_env(home),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert all(line.startswith(str(installed.venv)) for line in where), where  # not the checkout
    assert installed.exe("checkin-desk").exists()

    assert run(installed, home, "--version").strip() == "checkin 0.1.0"
    db = str(tmp_path / "desk.sqlite")
    assert "578 lignes lues : 578 ajoutées" in run(
        installed, home, "import", str(sample_dir / "inscriptions.csv"), "--db", db
    )
    fr = run(installed, home, "scan", CODE, "--db", db, "--day", "2026-07-08")
    assert fr.splitlines()[:2] == ["ADMITTED  Aurore Laroche", "Remettre le badge"], fr
    en = run(installed, home, "scan", CODE, "--db", db, "--day", "2026-07-08", lang="en")
    assert en.splitlines()[0] == "ALREADY_IN  Aurore Laroche" and "Already checked in at" in en, en
    assert "578 rows read: 578 added" in run(
        installed,
        home,
        "import",
        str(sample_dir / "inscriptions.csv"),
        "--db",
        str(tmp_path / "en.sqlite"),
        lang="en",
    )

    pdf = tmp_path / "badge.pdf"
    run(installed, home, "badge", CODE, "--db", db, "-o", str(pdf))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row.split("  ", 1)[1] for row in rows), fonts  # every font embedded
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Aurore" in text and "LAROCHE" in text and "ÉLU" in text

    slip = tmp_path / "slip.bin"
    run(installed, home, "ticket", CODE, "--db", db, "--printer", f"file:{slip}", "--day", "2026-07-08")
    lines = [line.strip() for line in parse(slip.read_bytes(), "TM-T20II").lines]
    assert "Rencontres de l'AICT 2026" in lines and "Aurore Laroche" in lines

    for lang, title in (("fr", "Présence"), ("en", "Attendance")):
        report = tmp_path / f"attendance-{lang}.pdf"
        run(installed, home, "report", "attendance", "--db", db, "-o", str(report), lang=lang)
        text = subprocess.run(
            ["pdftotext", str(report), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert title in text, text[:300]

    # The event file shipped in the wheel checks clean, in English too.
    said = run(installed, home, "event", "check", str(Path(where[1]) / "events" / "aict2026.toml"), lang="en")
    assert "no problem" in said


def test_the_windows_screenshots_from_the_installed_wheel(
    installed: Installed, home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "shots"
    listed = run(installed, home, "screenshots", str(out))
    names = {Path(line).name for line in listed.split()}
    assert any("admitted" in n for n in names) and any("english" in n for n in names), names
    for png in out.glob("*.png"):
        with Image.open(png) as image:
            assert image.size == (1366, 768)
            assert len(image.getcolors(1 << 20) or []) > 20, png.name  # drawn, not blank
