"""The desk's commands: registered without Qt, and the screenshots rendered and readable."""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image


def test_commands_register_without_importing_qt() -> None:
    code = (
        "import argparse, sys\n"
        "from checkin.cli.desk import add_commands\n"
        "p = argparse.ArgumentParser(); add_commands(p.add_subparsers(dest='cmd'))\n"
        "a = p.parse_args(['desk', '--db', 'x.sqlite', '--desk', 'Accueil 3', '--day', '2026-07-09'])\n"
        "assert (a.db, a.desk, a.day) == ('x.sqlite', 'Accueil 3', '2026-07-09')\n"
        "assert p.parse_args(['screenshots', 'out']).outdir == 'out'\n"
        "assert p.parse_args(['demo']).func.__name__ == 'run_demo'\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt imported'\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_choose_day(qapp: object) -> None:
    from datetime import date

    import pytest

    from checkin.base.errors import KnownError
    from checkin.event import model as event_mod
    from checkin.ui.app import choose_day

    ev = event_mod.load()
    assert choose_day(ev, None, today=date(2026, 7, 9)) == "2026-07-09"
    assert choose_day(ev, None, today=date(2026, 3, 1)) == "2026-07-08"
    assert choose_day(ev, "2026-07-09", today=date(2026, 7, 8)) == "2026-07-09"
    # The lead's choice made earlier today holds over today's date; --day over both.
    assert choose_day(ev, None, today=date(2026, 7, 8), saved="2026-07-09") == "2026-07-09"
    assert choose_day(ev, "2026-07-08", saved="2026-07-09") == "2026-07-08"
    assert choose_day(ev, None, today=date(2026, 7, 9), saved="2031-01-01") == "2026-07-09"
    with pytest.raises(KnownError, match="n'est pas un jour"):
        choose_day(ev, "2026-07-10")


def test_screenshots_render_every_state(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """On a machine without a keyring or a passphrase (a build server, a fresh laptop), on
    the real clock: the screenshots' people are invented, so nothing is asked (encryption is
    on by default) and nothing is purged by the event's retention date."""
    from checkin.base import keys
    from checkin.cli.desk import run_screenshots

    monkeypatch.delenv("CHECKIN_PASSPHRASE", raising=False)
    monkeypatch.delenv("CHECKIN_TODAY")  # on the real clock: the shipped event is past its retention date
    monkeypatch.setattr(keys, "_keyring", lambda: None)
    monkeypatch.setattr(keys, "_asker", [lambda: pytest.fail("the passphrase was asked")])
    out = tmp_path / "shots"
    with caplog.at_level(logging.INFO, logger="checkin.sync.retention"):
        assert run_screenshots(argparse.Namespace(outdir=str(out))) == 0
    purged = [r.getMessage() for r in caplog.records if "replica purged" in r.getMessage()]
    assert purged == []  # every window of the run showed the invented people, none a purged desk
    names = sorted(p.name for p in out.glob("*.png"))
    for state in (
        "ready",
        "admitted",
        "already-in",
        "not-today",
        "cancelled",
        "waitlisted",
        "unknown",
        "repaired",
        "search-homonyms",
        "card-lead",
        "pin-lock",
        "walkin-form",
        "printer-error",
        "scanner-check",
        "english-admitted",
        "delegation-offer",
        "delegation",
        "door-in",
        "door-full",
        "door-forced",
        "door-exit",
        "door-no-session",
        "occupancy",
        "staff-rooms",
    ):
        assert any(state in n for n in names), state
    for path in out.glob("*.png"):
        with Image.open(path) as image:
            assert image.size == (1366, 768)
            assert len(image.getcolors(1 << 20) or []) > 20  # not a blank frame

    # The answer's colour differs between outcomes (and so does the symbol).
    def pixel(name: str) -> tuple[int, ...]:
        path = next(out.glob(f"*-{name}.png"))
        with Image.open(path) as image:
            return tuple(image.convert("RGB").getpixel((700, 450)))

    assert pixel("admitted") != pixel("cancelled") != pixel("unknown")

    # The printer error is on screen: the banner above the answer (the ready screen has
    # none there), and the answer is the admission whose badge failed, not "ready".
    def at(name: str, xy: tuple[int, int]) -> tuple[int, ...]:
        with Image.open(next(out.glob(f"*-{name}.png"))) as image:
            return tuple(image.convert("RGB").getpixel(xy))

    # (The banner sits under the header: the event's name, then the buttons.)
    assert at("printer-error", (900, 102)) == (255, 243, 205) != at("ready", (900, 102))
    assert at("printer-error", (700, 450)) == pixel("admitted") != pixel("ready")

    # The door's answers differ in colour too (read beside the words, at the panel's edge).
    door = [at(name, (100, 600)) for name in ("door-in", "door-full", "door-exit", "door-no-session")]
    assert len(set(door)) == 4, door
