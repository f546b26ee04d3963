"""``checkin ticket`` and ``checkin bench-tickets`` as a desk runs them, and their messages."""

from __future__ import annotations

import argparse
import ast
import json
import socket
from pathlib import Path

import pytest
from sample import SAMPLE_DIR

from checkin.base.errors import KnownError
from checkin.cli import tickets as commands
from checkin.printing.escpos.parse import parse
from checkin.replica.db import Replica

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def db(sample_db: Replica) -> Path:
    assert sample_db.path is not None
    return sample_db.path


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="checkin")
    commands.add_commands(parser.add_subparsers(required=True))
    args = parser.parse_args(list(argv))
    return int(args.func(args))


def test_ticket_prints_the_welcome_slip_with_the_persons_b2b_meetings(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first_b2b = (
        (SAMPLE_DIR / "rendez-vous-b2b.csv").read_text(encoding="utf-8-sig").splitlines()[1].split(";")
    )
    code = first_b2b[3]
    out = tmp_path / "slip.bin"
    assert run("ticket", code, "--db", str(db), "--printer", f"file:{out}", "--day", "2026-07-09") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["kind"] == "welcome" and report["bytes"] == out.stat().st_size
    slip = parse(out.read_bytes(), "TM-T20II")
    assert slip.qr == [code]
    slot, table = first_b2b[1], first_b2b[2]
    assert any(
        line in slip.lines
        for line in (f"{slot} Rendez-vous B2B, table {table}", f"{slot} B2B meeting, table {table}")
    )
    assert any(line.strip().startswith(("avec ", "with ")) for line in slip.lines)


def test_ticket_closing_needs_no_code_and_other_kinds_do(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "closing.bin"
    assert (
        run(
            "ticket",
            "--kind",
            "closing",
            "--db",
            str(db),
            "--printer",
            f"file:{out}",
            "--desk",
            "Accueil 1",
            "--day",
            "2026-07-08",
            "--width",
            "58",
        )
        == 0
    )
    slip = parse(out.read_bytes(), "TM-T20II")
    assert "Aucune entrée ce jour." in slip.text
    with pytest.raises(KnownError, match="code billet"):
        run("ticket", "--db", str(db), "--printer", f"file:{out}")
    with pytest.raises(KnownError, match="Code inconnu"):
        run("ticket", "AICT26-NOPE0000", "--db", str(db), "--printer", f"file:{out}")


def test_ticket_on_a_printer_that_is_off_exits_with_one_sentence(db: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(KnownError) as info:
        run("ticket", "AICT26-UD7TBP7G", "--db", str(db), "--printer", f"tcp://127.0.0.1:{port}")
    message = str(info.value)
    assert "\n" not in message and f"127.0.0.1:{port}" in message


def test_bench_tickets_reports_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("bench-tickets", "-n", "3") == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["welcome_ms_median"] > 0 and figures["welcome_raster_name_ms_median"] > 0
    assert figures["raster_lines"] >= 1


def test_every_message_has_an_english_translation() -> None:
    catalog = json.loads(
        (ROOT / "checkin" / "resources" / "i18n" / "en" / "tickets.json").read_text(encoding="utf-8")
    )
    missing = []
    for path in (ROOT / "checkin" / "printing" / "escpos").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            position = {"_": 0, "tr": 1}.get(node.func.id)
            if position is None or len(node.args) <= position:
                continue
            literal = node.args[position]
            if isinstance(literal, ast.Constant) and literal.value not in catalog:
                missing.append(f"{path.name}: {literal.value}")
    assert not missing
