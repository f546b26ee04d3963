"""The kiosk as it runs at the venue: ``checkin kiosk`` a real process on an X server of its
own (Xvfb, Qt's xcb platform), a scanner burst typed as X key positions with ``xdotool``
(key codes, Shift pressed before each capital, then Enter), the badge written by the file
printer and read back with pdftotext, the kiosk's answer read from its replica.

A scanner sends key positions: a US-set scanner on a French (AZERTY) desk types
``QICTé-…`` for ``AICT26-…``, and the kiosk must still find the person (the core's layout
repair). Both cases run: a US desk and a US scanner, an AZERTY desk and a US scanner.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import xkeys  # tests/ui is on sys.path (rootdir conftest)

from checkin.base import paths
from tests import dbfiles

ROOT = Path(__file__).resolve().parents[3]
DAY1 = "2026-07-08"
DESK = "Borne X"

_missing = next(
    (f"{tool} is not installed" for tool in ("Xvfb", "xdotool", "setxkbmap") if not shutil.which(tool)), ""
)
_missing = _missing or xkeys.available()
pytestmark = [
    pytest.mark.slow,
    # In CI everything must be there (``.ci/run`` installs it): fail, never skip.
    pytest.mark.skipif(bool(_missing) and not os.environ.get("CI"), reason=_missing),
]


@pytest.fixture
def server() -> Iterator[xkeys.XServer]:
    x = xkeys.XServer()
    try:
        yield x
    finally:
        x.stop()


def xdotool(server: xkeys.XServer, *args: str, timeout: float = 30) -> str:
    done = subprocess.run(
        ["xdotool", *args], env=server.env(), capture_output=True, text=True, timeout=timeout, check=True
    )
    return done.stdout


def burst(text: str, scanner: str) -> list[str]:
    """xdotool's commands for a scanner set to ``scanner`` typing ``text`` then Enter: the
    key codes of that layout (numbers: xdotool sends them as they are, whatever the X
    server's layout), Shift held around a capital, 3 ms between keys."""
    keymap = xkeys.keymap(scanner)
    shift = str(xkeys.SHIFT_KEYCODE)
    out: list[str] = []
    for char in text:
        key = keymap.key(char)
        assert not key.altgr, char  # a ticket code needs no AltGr on a US scanner
        hit = ["key", "--delay", "3", str(key.keycode)]
        out += ["keydown", shift, *hit, "keyup", shift] if key.shift else hit
    return [*out, "key", "--delay", "3", str(xkeys.TERMINATOR_KEYCODES["enter"])]


class KioskProcess:
    """``checkin kiosk`` on the test's X server, until :meth:`stop`."""

    def __init__(self, server: xkeys.XServer, db: Path, log: Path) -> None:
        self.server = server
        env = {**server.env(), "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
        self.log_path = log
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "checkin.cli", "kiosk", "--db", str(db), "--desk", DESK, "--day", DAY1],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            found = xdotool(
                server, "search", "--sync", "--onlyvisible", "--pid", str(self.proc.pid), timeout=60
            )
        except subprocess.TimeoutExpired:
            self.stop()
            raise AssertionError(f"the kiosk's window never showed: {log.read_text()[-2000:]}") from None
        self.window = found.split()[-1]
        xdotool(server, "windowfocus", "--sync", self.window)
        time.sleep(0.5)  # the window mapped and focused: let Qt take its first events

    def scan(self, text: str, scanner: str) -> None:
        assert self.proc.poll() is None, self.log_text()
        xdotool(self.server, *burst(text, scanner))

    def log_text(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)
        self.log.close()


def _badges() -> dict[Path, str]:
    """Every badge the file printer wrote, with its text."""
    out = {}
    for pdf in sorted(paths.print_dir().rglob("*.pdf")):
        out[pdf] = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60
        ).stdout
    return out


def _wait_badge(name: str, before: int, timeout: float = 45) -> dict[Path, str]:
    deadline = time.monotonic() + timeout
    badges = _badges()
    while time.monotonic() < deadline and not (
        len(badges) > before and any(name in t.casefold() for t in badges.values())
    ):
        time.sleep(0.25)
        badges = _badges()
    return badges


def _facts(db: Path, code: str) -> list[tuple[str, str]]:
    con = dbfiles.connect(db)
    try:
        return [
            (str(kind), str(desk))
            for kind, desk in con.execute(
                "SELECT f.kind, f.desk FROM fact f JOIN attendee a ON a.uid = f.attendee_uid "
                "WHERE a.code = ? ORDER BY f.seq",
                (code,),
            )
        ]
    finally:
        con.close()


def _person(db: Path, code: str) -> str:
    con = dbfiles.connect(db)
    try:
        (last,) = con.execute("SELECT last_name FROM attendee WHERE code = ?", (code,)).fetchone()
    finally:
        con.close()
    return str(last).casefold()  # the badge prints it in capitals


@pytest.mark.parametrize("desk_layout", ["us", "fr"])
def test_a_scanner_burst_at_the_kiosk_prints_the_badge(
    server: xkeys.XServer, db_file: Path, codes: dict[str, str], tmp_path: Path, desk_layout: str
) -> None:
    code = codes["both_days"]
    last = _person(db_file, code)
    assert last, code  # "AICT26-…": a US scanner on AZERTY types "QICTé-…"
    server.set_layout(desk_layout)  # before the kiosk starts: its keymap is the desk's
    kiosk = KioskProcess(server, db_file, tmp_path / "kiosk.log")
    try:
        kiosk.scan(code, "us")
        badges = _wait_badge(last, 0)
        printed = [p for p, t in badges.items() if last in t.casefold()]
        assert len(printed) == 1, (badges, kiosk.log_text())
        deadline = time.monotonic() + 20  # the print fact follows the PDF
        while ("print", DESK) not in _facts(db_file, code) and time.monotonic() < deadline:
            time.sleep(0.25)
        facts = _facts(db_file, code)
        assert ("checkin", DESK) in facts and ("print", DESK) in facts, (facts, kiosk.log_text())
        # Scanned again: the kiosk says it was already printed; no second entry, no second badge.
        kiosk.scan(code, "us")
        time.sleep(3)
        assert kiosk.proc.poll() is None, kiosk.log_text()
        assert [p for p, t in _badges().items() if last in t.casefold()] == printed
        assert [f for f in _facts(db_file, code) if f[0] in ("checkin", "print")] == [
            f for f in facts if f[0] in ("checkin", "print")
        ]
    finally:
        kiosk.stop()
    assert "Traceback" not in kiosk.log_text()
