"""The command line as scripts and staff use it: JSON keys, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHECKIN_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "checkin.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_version(home: Path) -> None:
    result = run("--version", home=home)
    assert result.returncode == 0 and result.stdout.startswith("checkin ")


def test_import_scan_find(home: Path, tmp_path: Path, sample_dir: Path) -> None:
    db = str(tmp_path / "desk.sqlite")
    result = run("import", str(sample_dir / "inscriptions.csv"), "--db", db, "--json", home=home)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {"read", "created", "updated", "unchanged", "cancelled", "rejected", "duplicates"} <= set(summary)
    assert summary["read"] == 578 and summary["created"] == 578

    result = run(
        "scan",
        "https://x.example/billet/AICT26-YPAGKWKQ",
        "--db",
        db,
        "--day",
        "2026-07-08",
        "--desk",
        "Accueil 3",
        "--json",
        home=home,
    )
    answer = json.loads(result.stdout)
    assert (
        answer["outcome"] == "admitted" and answer["code"] == "AICT26-YPAGKWKQ" and answer["repaired"] is None
    )
    person = answer["attendee"]
    for key in (
        "code",
        "registration",
        "first_name",
        "last_name",
        "organisation",
        "category",
        "country",
        "status",
        "days",
    ):
        assert key in person
    assert person["last_name"] == "Laroche"

    again = json.loads(
        run("scan", "AICT26-YPAGKWKQ", "--db", db, "--day", "2026-07-08", "--json", home=home).stdout
    )
    assert again["outcome"] == "already_in" and again["first_checkin"]["desk"] == "Accueil 3"

    found = json.loads(run("find", "elodie", "--db", db, "--json", home=home).stdout)
    assert isinstance(found, list)
    found = json.loads(run("find", "DUPONT", "--db", db, "--limit", "3", "--json", home=home).stdout)
    assert len(found) == 3 and all(p["last_name"] == "Dupont" for p in found)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("import", "/nonexistent/export.csv"), "introuvable"),
        (("scan", "X", "--day", "juillet"), "Date invalide"),
    ],
)
def test_known_errors_are_one_sentence_without_traceback(
    home: Path, tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    result = run(*args, "--db", str(tmp_path / "d.sqlite"), home=home)
    assert result.returncode == 1
    assert words in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_a_pdf_renamed_csv(home: Path, tmp_path: Path) -> None:
    fake = tmp_path / "inscriptions.csv"
    fake.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    result = run("import", str(fake), "--db", str(tmp_path / "d.sqlite"), home=home)
    assert result.returncode == 1 and "PDF" in result.stderr and "Traceback" not in result.stderr


def test_english_messages(home: Path, tmp_path: Path) -> None:
    result = run(
        "--lang", "en", "import", "/nonexistent/export.csv", "--db", str(tmp_path / "d.sqlite"), home=home
    )
    assert "not found" in result.stderr.lower()


def test_the_core_runs_without_qt(home: Path) -> None:
    code = (
        "import sys, checkin.cli, checkin.arrivals.scan, checkin.arrivals.search, checkin.importer, checkin.printing.badge;"
        "checkin.cli.build_parser();"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
