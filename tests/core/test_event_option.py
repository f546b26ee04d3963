"""One event per run: ``--event`` anywhere on the command line, then ``CHECKIN_EVENT``, then
the desk's settings, then the shipped event — and every command obeys it.

The second event (``tests/conftest.py: write_other_event``) reads the same sample export but
has another name, a third day, « Élu » renamed « Élu·e local·e », another badge footer and
dietary needs shown at desks: each test checks the command's own output for one of those.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checkin.base.errors import KnownError
from checkin.event import model as event_module
from tests import dbfiles

RENAMED = "Élu·e local·e"


def run(*args: str, home: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "CHECKIN_HOME": str(home), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "checkin.cli", *args], capture_output=True, text=True, env=full, timeout=120
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def other_db(
    tmp_path_factory: pytest.TempPathFactory, sample_dir: Path, other_event_file: Path
) -> tuple[Path, Path]:
    """The sample export imported under the second event, once for the module."""
    from checkin.importer import import_file
    from checkin.replica.db import open_replica

    folder = tmp_path_factory.mktemp("other")
    event_file = other_event_file
    replica = open_replica(folder / "desk.sqlite")
    try:
        for name in ("inscriptions.csv", "programme.csv", "rendez-vous-b2b.csv"):
            import_file(replica, event_module.load(event_file), sample_dir / name)
    finally:
        replica.close()
    return event_file, folder / "desk.sqlite"


@pytest.fixture
def db(other_db: tuple[Path, Path], tmp_path: Path) -> Path:
    target = tmp_path / "desk.sqlite"
    shutil.copy(other_db[1], target)
    return target


def one(db: Path, sql: str) -> str:
    con = dbfiles.connect(db)
    try:
        row = con.execute(sql).fetchone()
    finally:
        con.close()
    assert row, sql
    return str(row[0])


def day2_only(db: Path) -> str:
    return one(db, "SELECT code FROM attendee WHERE status='confirmed' AND days='2026-07-09' LIMIT 1")


def an_elu(db: Path) -> str:
    return one(db, f"SELECT code FROM attendee WHERE status='confirmed' AND category='{RENAMED}' LIMIT 1")


# -- resolution ------------------------------------------------------------------------


def test_take_option_anywhere() -> None:
    assert event_module.take_option(["--event", "a.toml", "scan", "X"]) == ("a.toml", ["scan", "X"])
    assert event_module.take_option(["scan", "X", "--event=b.toml", "--json"]) == (
        "b.toml",
        ["scan", "X", "--json"],
    )
    assert event_module.take_option(["scan", "--", "--event", "c"]) == (None, ["scan", "--", "--event", "c"])
    with pytest.raises(KnownError, match="--event"):
        event_module.take_option(["scan", "X", "--event"])


def test_resolution_order(other_event: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from checkin.base.settings import DeskSettings

    shipped = event_module.resolve(None)
    assert shipped[1] == "default" and shipped[0].name == "aict2026.toml"
    third = tmp_path / "third.toml"
    shutil.copy(other_event, third)
    chosen = DeskSettings.load()
    chosen.event = str(third)
    chosen.save()
    assert event_module.resolve(None) == (third, "settings")
    monkeypatch.setenv("CHECKIN_EVENT", str(other_event))
    assert event_module.resolve(None) == (other_event, "environment")
    assert event_module.resolve("given.toml") == (Path("given.toml"), "option")


# -- every command ---------------------------------------------------------------------


def test_import_after_the_command(home: Path, tmp_path: Path, other_event: Path, sample_dir: Path) -> None:
    db = tmp_path / "new.sqlite"
    summary = json.loads(
        ok(
            run(
                "import",
                str(sample_dir / "inscriptions.csv"),
                "--db",
                str(db),
                "--json",
                "--event",
                str(other_event),
                home=home,
            )
        )
    )
    assert summary["created"] == 578
    found = json.loads(ok(run("find", "Laroche", "--db", str(db), "--json", home=home)))
    assert found and found[0]["category"] == RENAMED
    assert "2026-07-10" in found[0]["days"]  # « 8 et 9 juillet » means every day, and there are three


def test_scan_before_and_after_the_command(home: Path, db: Path, other_event: Path) -> None:
    code = day2_only(db)
    before = ok(
        run("--event", str(other_event), "scan", code, "--db", str(db), "--day", "2026-07-10", home=home)
    )
    after = ok(run("scan", code, "--db", str(db), "--day", "2026-07-10", f"--event={other_event}", home=home))
    shipped = ok(run("scan", code, "--db", str(db), "--day", "2026-07-10", home=home))
    assert "NOT_TODAY" in before and "jeudi 9" in before, before
    assert before == after
    assert "jeudi 9" not in shipped and "9 juillet" in shipped


def test_environment_then_settings(home: Path, db: Path, other_event: Path) -> None:
    code = day2_only(db)
    scan = ("scan", code, "--db", str(db), "--day", "2026-07-10")
    assert "jeudi 9" in ok(run(*scan, home=home, env={"CHECKIN_EVENT": str(other_event)}))
    assert "jeudi 9" not in ok(run(*scan, home=home))
    said = ok(run("event", "use", str(other_event), home=home))
    assert str(other_event) in said
    assert "jeudi 9" in ok(run(*scan, home=home))
    # --event still wins over the desk's setting.
    shipped = event_module.default().source
    assert shipped is not None
    assert "9 juillet" in ok(run(*scan, "--event", str(shipped), home=home))


def test_badge_and_badges(home: Path, db: Path, other_event: Path, tmp_path: Path) -> None:
    code = an_elu(db)
    pdf = tmp_path / "badge.pdf"
    ok(run("badge", code, "--db", str(db), "-o", str(pdf), "--event", str(other_event), home=home))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Forum FTS 2026" in text and RENAMED.upper() in text, text
    sheet = tmp_path / "sheet.pdf"
    out = ok(
        run(
            "--event",
            str(other_event),
            "badges",
            "--db",
            str(db),
            "--select",
            f"category={RENAMED}",
            "--sheet",
            "none",
            "--no-mark",
            "-o",
            str(sheet),
            home=home,
        )
    )
    elus = int(
        one(
            db,
            f"SELECT count(*) FROM attendee WHERE category='{RENAMED}' AND status NOT IN ('cancelled','waitlisted') AND (live_uid = uid OR live_uid = '')",
        )
    )
    assert json.loads(out)["badges"] == elus > 0
    text = subprocess.run(["pdftotext", str(sheet), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("Forum FTS 2026") == elus


def test_ticket(home: Path, db: Path, other_event: Path, tmp_path: Path) -> None:
    from checkin.printing.escpos.parse import parse

    slip = tmp_path / "slip.bin"
    code = an_elu(db)
    ok(
        run(
            "ticket",
            code,
            "--db",
            str(db),
            "--printer",
            f"file:{slip}",
            "--day",
            "2026-07-10",
            "--event",
            str(other_event),
            home=home,
        )
    )
    lines = parse(slip.read_bytes(), "TM-T20II").lines
    assert "Forum FTS 2026" in [line.strip() for line in lines], lines
    assert any("vendredi 10" in line for line in lines), lines


def test_report_and_purge(home: Path, db: Path, other_event: Path, tmp_path: Path) -> None:
    report = tmp_path / "attendance.csv"
    ok(
        run(
            "report", "attendance", "--db", str(db), "-o", str(report), "--event", str(other_event), home=home
        )
    )
    text = report.read_text(encoding="utf-8-sig")
    assert "Présence 2026-07-10" in text and RENAMED in text
    counts = json.loads(
        ok(
            run(
                "--event",
                str(other_event),
                "purge",
                "--db",
                str(db),
                "--keep-aggregates",
                "--json",
                home=home,
            )
        )
    )
    # The counts kept are the other event's: three days, each with its expected people.
    assert counts["2026-07-10.expected"] > 0 and "2026-07-09.expected" in counts


def test_hub_import_and_sync(home: Path, tmp_path: Path, other_event: Path, sample_dir: Path) -> None:
    hub = tmp_path / "hub.sqlite"
    ok(run("hub", "init", str(hub), home=home))
    ok(
        run(
            "hub",
            "import",
            str(sample_dir / "inscriptions.csv"),
            "--hub",
            str(hub),
            "--event",
            str(other_event),
            home=home,
        )
    )
    assert one(hub, f"SELECT count(*) FROM hub_attendee WHERE category='{RENAMED}'") != "0"
    plain, fts = tmp_path / "plain.sqlite", tmp_path / "fts.sqlite"
    ok(run("sync", "--db", str(plain), "--hub", str(hub), home=home))
    ok(run("sync", "--db", str(fts), "--hub", str(hub), "--event", str(other_event), home=home))
    # The second event shows dietary needs at the desks; the shipped one keeps them off.
    assert one(plain, "SELECT count(*) FROM sensitive_info WHERE dietary != ''") == "0"
    assert int(one(fts, "SELECT count(*) FROM sensitive_info WHERE dietary != ''")) > 0


def test_bench(home: Path, other_event: Path) -> None:
    out = json.loads(ok(run("bench", "--attendees", "200", "--json", "--event", str(other_event), home=home)))
    assert out["event"] == "fts2026" and out["rows_imported"] >= 200


def test_a_missing_event_file_is_one_sentence(home: Path, tmp_path: Path) -> None:
    result = run("scan", "X", "--event", str(tmp_path / "nowhere.toml"), home=home)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("checkin: Fichier d'événement introuvable")
    assert "Traceback" not in result.stderr
