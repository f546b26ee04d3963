"""A scan behind long work: a sentence in the banner within a second, never a frozen window;
the scan works again once the work is done."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

_HOLD = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.readline()
con.execute("ROLLBACK")
"""


def test_scan_behind_a_long_transaction_says_so_and_admits_after(
    desk: Any, qtbot: Any, kb: Any, codes: dict[str, str]
) -> None:
    w = desk.window
    holding, release = threading.Event(), threading.Event()

    def long_work() -> None:  # a background task holding the write lock (an old-style import)
        with desk.replica.write():
            holding.set()
            release.wait(20)

    worker = threading.Thread(target=long_work)
    worker.start()
    try:
        assert holding.wait(5)
        started = time.monotonic()
        kb.scanner_burst(codes["both_days"], start=20_000)
        waited = time.monotonic() - started
        assert "occupé par un travail en cours" in w.banner.text
        assert "recommencez" in w.banner.text
        assert w.scan_page.panel.decision is None  # nothing claims an admission
        assert waited < 3
    finally:
        release.set()
        worker.join()
    with qtbot.waitSignal(w.answer_shown, timeout=2000) as got:
        kb.scanner_burst(codes["both_days"], start=40_000)
    assert got.args[0].outcome == "admitted"


def test_scan_while_another_program_writes_the_file(
    desk: Any, qtbot: Any, kb: Any, codes: dict[str, str], db_file: Path
) -> None:
    w = desk.window
    other = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(db_file)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "held"
        kb.scanner_burst(codes["both_days"], start=20_000)
        assert "occupée par un autre programme" in w.banner.text and str(db_file) in w.banner.text
    finally:
        assert other.stdin is not None and other.stdout is not None
        other.stdin.write("\n")
        other.stdin.close()
        other.wait(10)
        other.stdout.close()
    with qtbot.waitSignal(w.answer_shown, timeout=2000) as got:
        kb.scanner_burst(codes["both_days"], start=40_000)
    assert got.args[0].outcome == "admitted"
