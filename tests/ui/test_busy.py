"""A scan behind long work: a sentence in the banner within a second, never a frozen window;
the scan works again once the work is done."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from replica_faults import OtherProgram


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
        assert w.scan.page.panel.decision is None  # nothing claims an admission
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
    with OtherProgram(db_file):
        kb.scanner_burst(codes["both_days"], start=20_000)
        assert "occupée par un autre programme" in w.banner.text and str(db_file) in w.banner.text
    with qtbot.waitSignal(w.answer_shown, timeout=2000) as got:
        kb.scanner_burst(codes["both_days"], start=40_000)
    assert got.args[0].outcome == "admitted"
