"""A scanner in serial (COM) mode, played through a pseudo-terminal."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from checkin.ui.scan.serial_scanner import split_lines

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses a Linux pty")


def test_split_lines_keeps_the_unfinished_rest() -> None:
    assert split_lines(b"AICT26-AAAA\r\nAICT26-BB") == (["AICT26-AAAA"], b"AICT26-BB")
    assert split_lines(b"QICT\xe9-1\n") == (["QICTé-1"], b"")  # Latin-1 scanner
    assert split_lines(b"\r\n\r\n") == ([], b"")


def test_serial_scan_reaches_the_desk(qapp: Any, qtbot: Any, db_file: Path, codes: dict[str, str]) -> None:
    from checkin.base.settings import DeskSettings
    from checkin.ui.app import build_desk

    master, slave = os.openpty()
    try:
        settings = DeskSettings.load()
        settings.serial_port = os.ttyname(slave)
        d = build_desk(
            db_file, day="2026-07-08", settings=settings, with_printing=False, show_crash_dialog=False
        )
        try:
            assert d.window.banner.label.text() == ""
            with qtbot.waitSignal(d.window.answer_shown, timeout=3000) as got:
                os.write(master, codes["both_days"].encode() + b"\r\n")
            assert got.args[0].outcome == "admitted"
        finally:
            d.close()
    finally:
        os.close(master)
        os.close(slave)


def test_missing_serial_port_is_a_banner(qapp: Any, db_file: Path) -> None:
    from checkin.base.settings import DeskSettings
    from checkin.ui.app import build_desk

    settings = DeskSettings.load()
    settings.serial_port = "/dev/does-not-exist"
    d = build_desk(db_file, day="2026-07-08", settings=settings, with_printing=False, show_crash_dialog=False)
    try:
        assert "Scanner série /dev/does-not-exist inaccessible" in d.window.banner.label.text()
    finally:
        d.close()
