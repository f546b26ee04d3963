"""The desk's warm-up: a badge rendered to nowhere and the CUPS queues asked, without a
display, leaving no file behind, and never raising."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from checkin.event.model import EventConfig
from checkin.printing import warmup
from checkin.printing.config import PrinterConfig


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def test_the_warm_up_renders_a_badge_in_memory_and_leaves_no_file(
    tmp_path: Path, home: Path, event: EventConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.chdir(tmp_path)
    asked: list[str] = []
    monkeypatch.setattr(warmup.cups, "check_enabled", lambda queue, **kw: asked.append(queue))
    before = _files(tmp_path)
    printers = [
        PrinterConfig("files", "file", str(home / "print"), "a6"),
        PrinterConfig("Brother", "cups", "QL820", "ql62"),
        PrinterConfig("Tickets", "escpos", "tcp://127.0.0.1:9", "ticket"),
    ]
    timings = warmup.warm(event, printers)
    assert set(timings) == {"badge:a6", "badge:ql62", "cups:QL820"}
    assert asked == ["QL820"]
    assert _files(tmp_path) == before  # no PDF, no print folder, nothing
    assert not (home / "print").exists() or not os.listdir(home / "print")


def test_a_warm_up_that_fails_logs_and_never_raises(
    event: EventConfig, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def stopped(queue: str, **kw: object) -> None:
        raise RuntimeError("lpstat went away")

    monkeypatch.setattr(warmup.cups, "check_enabled", stopped)
    # Heard at the module's own logger, whatever an earlier test did to logging in this
    # process (logs.setup stops "checkin" from propagating to the root, where caplog
    # listens; a logging configuration may have disabled the loggers that existed then).
    monkeypatch.setattr(warmup.log, "disabled", False)
    monkeypatch.setattr(warmup.log, "level", logging.WARNING)
    warmup.log.addHandler(caplog.handler)
    try:
        timings = warmup.warm(event, [PrinterConfig("X", "cups", "X", "no-such-layout")])
    finally:
        warmup.log.removeHandler(caplog.handler)
    assert timings == {}
    assert "warm-up of badge:no-such-layout failed" in caplog.text
    assert "warm-up of cups:X failed" in caplog.text


def test_the_warm_up_loads_no_shared_library_after_preload(event: EventConfig) -> None:
    """What ``warm`` dlopens off the GUI thread could deadlock with the GUI thread loading a
    Qt library: ``preload`` (on the GUI thread) must leave it nothing to load."""
    import sys

    import checkin.printing.badge  # noqa: F401  (what the desk has loaded when it opens)

    warmup.preload()

    def libraries() -> set[str]:
        return {
            n
            for n, m in list(sys.modules.items())
            if str(getattr(m, "__file__", "")).endswith((".so", ".pyd"))
        }

    before = libraries()
    warmup.warm(event, [])
    assert libraries() - before == set()
