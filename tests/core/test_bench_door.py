"""``checkin bench-door``, small: the door's benchmark runs through the real decision and
says what each scan answered (its figures are read by people, never asserted here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_door_runs_and_reports_the_doors_answers(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "bench-door", "--attendees", "600", "--sessions", "40",
         "--scans", "200", "--movements", "500", "--json"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), "CHECKIN_HOME": str(tmp_path / "home")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["sessions"] == 40 and result["scans"] == 200
    assert sum(result["outcomes"].values()) == 200
    # The door's own answers all occur: entries, second scans, exits, workshops refused.
    assert {"admitted", "already_in", "exit", "not_in_session"} <= set(result["outcomes"])
    assert 0 < result["door_p50_ms"] <= result["door_p99_ms"] <= result["door_max_ms"]
