"""Past the event's retention date (last day + ``[privacy] retention_days``) a desk purges
itself, keeping the counts, at the first command that opens its replica; never before."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sample import SAMPLE_DIR

from checkin.base import paths
from checkin.event import model as event_mod
from checkin.replica.db import open_replica
from checkin.sync import retention

ROOT = Path(__file__).resolve().parents[2]
NOTICE = "Date de conservation dépassée"


def checkin(*argv: str, today: str | None, event: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CHECKIN_LANG": "fr"}
    env.pop("CHECKIN_TODAY", None)
    if today:
        env["CHECKIN_TODAY"] = today
    if event is not None:
        env["CHECKIN_EVENT"] = str(event)
    return subprocess.run(
        [sys.executable, "-m", "checkin.cli", *argv], env=env, capture_output=True, text=True, timeout=120
    )


def counts(db: Path) -> tuple[int, int]:
    """Attendee rows, aggregate counts kept."""
    replica = open_replica(db, create=False)
    try:
        with replica.read() as conn:
            people = conn.exec_driver_sql("SELECT count(*) FROM attendee").one()[0]
            kept = conn.exec_driver_sql("SELECT count(*) FROM meta WHERE key LIKE 'aggregate.%'").one()[0]
    finally:
        replica.close()
    return int(people), int(kept)


@pytest.fixture
def imported() -> Path:
    run = checkin("import", str(SAMPLE_DIR / "inscriptions.csv"), today="2026-07-08")
    assert run.returncode == 0, run.stderr
    db = paths.db_path()
    assert counts(db)[0] > 0
    return db


def test_the_retention_date_is_the_last_day_plus_the_days() -> None:
    ev = event_mod.load()
    assert ev.retention_until == date(2026, 10, 7) and ev.retention_days == 90
    assert not retention.due(ev, date(2026, 10, 7)) and retention.due(ev, date(2026, 10, 8))


def test_on_the_date_nothing_is_purged(imported: Path) -> None:
    for argv in (("find", "Martin"), ("scan", "X", "--day", "2026-07-08")):
        run = checkin(*argv, today="2026-10-07")
        assert NOTICE not in run.stderr, run.stderr
    assert counts(imported)[0] > 0


def test_past_the_date_a_command_purges_the_desk_keeping_the_counts(imported: Path) -> None:
    run = checkin("find", "Martin", today="2026-10-08")
    assert run.stderr.count(NOTICE) == 1 and "2026-10-07" in run.stderr, run.stderr
    people, kept = counts(imported)
    assert people == 0 and kept > 0
    again = checkin("find", "Martin", today="2026-10-08")  # already purged: nothing to say
    assert NOTICE not in again.stderr and counts(imported) == (0, kept)


def test_an_event_file_whose_date_is_past_purges_on_todays_clock(imported: Path, tmp_path: Path) -> None:
    text = paths.default_event_path().read_text(encoding="utf-8")
    assert "retention_days = 90" in text
    event_file = tmp_path / "past.toml"
    event_file.write_text(text.replace("retention_days = 90", "retention_days = 1"), encoding="utf-8")
    run = checkin("scan", "X", "--day", "2026-07-08", today=None, event=event_file)  # the real clock
    assert NOTICE in run.stderr and "2026-07-10" in run.stderr, run.stderr
    assert counts(imported)[0] == 0


def test_past_the_date_no_name_or_email_is_left_in_the_data_folder(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real event, used for real: the shipped AICT 2026, whose date (2026-10-07) is past on
    # today's clock. Plain files (encryption off) so the names are there to find before.
    from tests.sync.test_purge_leaves_nothing import found_in, sample_people

    monkeypatch.setenv("CHECKIN_ENCRYPT", "0")
    assert checkin("import", str(SAMPLE_DIR / "inscriptions.csv"), today="2026-07-08").returncode == 0
    assert checkin("backup", today="2026-07-08").returncode == 0
    ev = event_mod.load()
    assert retention.due(ev, ev.today())  # today, on the real clock
    words = sample_people()
    assert found_in(home, words[::40])  # before: the names are on the disk
    run = checkin("find", "Martin", today=None)
    assert run.returncode == 0 and NOTICE in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert found_in(home, words) == {}
    people, kept = counts(paths.db_path())
    assert people == 0 and kept > 0


def test_a_real_import_into_a_replica_of_invented_people_lets_the_date_apply(imported: Path) -> None:
    from checkin.replica import contents

    replica = open_replica(imported)
    try:
        contents.mark_invented(replica, "demo")
        assert contents.invented_by(replica) == "demo"
    finally:
        replica.close()
    assert NOTICE not in checkin("find", "Martin", today="2026-10-08").stderr  # the demo's: kept
    assert counts(imported)[0] > 0
    # Someone tries the demo with their own export: real people now, the mark goes.
    assert checkin("import", str(SAMPLE_DIR / "inscriptions.csv"), today="2026-07-08").returncode == 0
    assert NOTICE in checkin("find", "Martin", today="2026-10-08").stderr
    assert counts(imported)[0] == 0


def test_a_rehearsals_desks_are_never_purged(monkeypatch: pytest.MonkeyPatch) -> None:
    from checkin.rehearsal.workspace import synthetic_world

    ev = event_mod.load()
    ws = synthetic_world(ev, 30)
    try:
        desk = ws.clone_desk(1)
        assert retention.purge_if_due(desk, ev, on=date(2026, 12, 7)) == ""
        assert counts(desk)[0] == 30
    finally:
        ws.remove()


def test_in_the_days_before_the_date_the_desk_says_it_will_purge(imported: Path) -> None:
    run = checkin("find", "Martin", today="2026-10-01")
    assert "seront effacées après le 2026-10-07" in run.stderr and NOTICE not in run.stderr, run.stderr
    assert counts(imported)[0] > 0
    during = checkin("find", "Martin", today="2026-07-09")  # the event itself: nothing said
    assert "effacées" not in during.stderr and counts(imported)[0] > 0
