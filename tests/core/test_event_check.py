"""Event set-up without editing code: ``checkin event new`` writes a commented copy,
``checkin event check`` reports every mistake with its line and the fix, and an event's
logo reaches badges and slips."""

from __future__ import annotations

import ast
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from checkin.base import paths
from checkin.event import model as event_module

LOGO_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120">
  <rect x="4" y="4" width="112" height="112" rx="18" fill="#7B241C"/>
  <circle cx="60" cy="60" r="34" fill="none" stroke="#FFFFFF" stroke-width="10"/>
  <path d="M26 60 H94 M60 26 V94" stroke="#FFFFFF" stroke-width="8"/>
  <rect x="130" y="30" width="100" height="60" fill="#1B2631"/>
</svg>
"""


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHECKIN_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "checkin.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def line_of(text: str, needle: str, after: str = "") -> int:
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def test_the_schema_holds_every_key_the_loader_reads() -> None:
    """``event check`` knows a key exactly when ``event.load`` reads it."""
    read: set[str] = set()
    source = inspect.getsource(event_module._build) + inspect.getsource(event_module.parse_ticket_rules)
    source += inspect.getsource(event_module.parse_rooms)  # [[rooms]], [[session_access]]
    source += inspect.getsource(event_module.handover_rules.parse)  # [[handover]]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "get" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                read.add(first.value)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            if isinstance(node.slice.value, str):
                read.add(node.slice.value)
    declared = set(event_module.SCHEMA) | {k for keys in event_module.SCHEMA.values() for k in keys or ()}
    assert read - declared == set(), "keys read by event._build but unknown to event check"
    assert declared - read - {"logo"} <= set(event_module.SCHEMA), "keys declared but never read"


def test_the_shipped_event_is_clean(home: Path) -> None:
    result = run("event", "check", str(paths.default_event_path()), home=home)
    assert result.returncode == 0, result.stdout
    assert "aucun problème" in result.stdout and "10 catégories" in result.stdout


def test_new_writes_a_commented_copy_that_loads_and_checks(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "forum 2027.toml"
    result = run("event", "new", "--from", "aict2026", "-o", str(out), home=home)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Événement préparé avec « checkin event new --from aict2026 »")
    assert "checkin event check forum 2027.toml" in text and "logo.svg" in text
    ev = event_module.load(out)
    assert ev.id == "forum-2027"  # never the source's id: attendees' identities derive from it
    assert [d.iso for d in ev.days] == ["2026-07-08", "2026-07-09"]
    assert run("event", "check", str(out), home=home).returncode == 0
    again = run("event", "new", "--from", "aict2026", "-o", str(out), home=home)
    assert again.returncode == 1 and "existe déjà" in again.stderr
    unknown = run("event", "new", "--from", "aict2099", "-o", str(tmp_path / "x.toml"), home=home)
    assert unknown.returncode == 1 and "aict2026" in unknown.stderr


def test_check_reports_every_mistake_with_its_line_and_fix(home: Path, tmp_path: Path) -> None:
    text = paths.default_event_path().read_text(encoding="utf-8")
    for old, new in (
        ('walkin_prefix = "AICT26-"', 'walkin_prefix = "AICT-"'),  # walk-in codes would not scan
        ('phone_region = "FR"', 'phone_region = "FR"\nvenu = "Paris"'),  # typo of venue
        ('date = "2026-07-09"', 'date = "2025-07-09"'),  # wrong year
        ('"jeudi 9", ', '"jeudi 9", "08/07", '),  # 8 July's alias on the other day
        ('aliases = ["Presse", "Press",', 'aliases = ["Presse", "Press", "Staff",'),  # Technicien's alias
        ('colour = "#D4AC0D"\ntext_colour = "#1B2631"', 'colour = "#D4AC0D"\ntext_colour = "#FFFFFF"'),
        ('key = "presse"', 'key = "presse"\ncolour_text = "#FFFFFF"'),
        (
            "[privacy]",
            '[[ticket_types]]\nmatch = "Pass presse"\ncategory = "press"\ndays = ["2026-07-10"]\n\n[privacy]',
        ),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    result = run("event", "check", str(bad), "--json", home=home)
    assert result.returncode == 1
    found = json.loads(result.stdout)

    def one(words: str) -> dict[str, object]:
        hits = [p for p in found if words in str(p["message"])]
        assert len(hits) == 1, (words, found)
        return hits[0]

    p = one("clé inconnue « venu »")
    assert p["line"] == line_of(text, "venu =") and "venue" in str(p["fix"])
    p = one("clé inconnue « colour_text »")
    assert p["line"] == line_of(text, "colour_text =") and "text_colour" in str(p["fix"])
    p = one("2025-07-09 est hors de l'événement")
    assert p["line"] == line_of(text, 'date = "2025-07-09"') and "année" in str(p["fix"])
    p = one("« 08/07 » désigne le 2025-07-08")
    assert p["line"] == line_of(text, '"08/07"', after='date = "2025-07-09"')
    p = one("l'alias « 08/07 » est donné à deux jours")
    assert p["line"] == line_of(text, '"08/07"', after='date = "2025-07-09"')
    p = one("« Thursday » : le 2025-07-09 n'est pas ce jour de la semaine")
    assert p["line"] == line_of(text, '"Thursday"]') and p["fix"] == "c'est un mercredi"
    p = one("« 09/07/2026 » désigne le 2026-07-09, pas le 2025-07-09")
    assert p["line"] == line_of(text, '"09/07/2026"', after='date = "2025-07-09"')
    p = one("« Staff » désigne deux catégories")
    assert p["line"] == line_of(text, '"Staff",', after='key = "presse"')
    p = one("de « Partenaire » ne se lit pas")
    assert p["line"] == line_of(text, 'text_colour = "#FFFFFF"', after='key = "partenaire"')
    assert 'text_colour = "#111111"' in str(p["fix"])
    p = one("les codes créés à l'accueil")
    assert p["line"] == line_of(text, "walkin_prefix =") and 'walkin_prefix = "AICT26-"' in str(p["fix"])

    p = one("catégorie inconnue « press »")
    assert p["line"] == line_of(text, 'category = "press"') and "presse" in str(p["fix"])
    p = one("le 2026-07-10 n'est pas un jour de l'événement")
    assert p["line"] == line_of(text, 'days = ["2026-07-10"]')

    plain = run("event", "check", str(bad), home=home)
    assert plain.returncode == 1
    assert (
        f"{bad}:{line_of(text, 'venu =')}: clé inconnue « venu » dans [event] — voulez-vous dire « venue » ?"
        in plain.stdout
    )
    assert plain.stdout.strip().endswith(f"{len(found)} problème(s) à corriger.")


def test_check_a_file_that_is_not_toml(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text('[event]\nid = "x"\nname = "X\n', encoding="utf-8")
    result = run("event", "check", str(bad), home=home)
    assert result.returncode == 1
    assert result.stdout.startswith(f"{bad}:3: syntaxe TOML")
    assert "Traceback" not in result.stdout + result.stderr


@pytest.fixture
def with_logo(other_event: Path) -> Path:
    (other_event.parent / "logo.svg").write_text(LOGO_SVG, encoding="utf-8")
    return other_event


def test_the_logo_on_badges_and_slips(home: Path, with_logo: Path, tmp_path: Path, sample_dir: Path) -> None:
    from checkin.printing.escpos.parse import parse

    ev = event_module.load(with_logo)
    assert ev.logo == with_logo.parent / "logo.svg"
    db = str(tmp_path / "desk.sqlite")
    assert (
        run(
            "import", str(sample_dir / "inscriptions.csv"), "--db", db, "--event", str(with_logo), home=home
        ).returncode
        == 0
    )
    pdf = tmp_path / "badge.pdf"
    result = run("badge", "AICT26-YPAGKWKQ", "--db", db, "-o", str(pdf), "--event", str(with_logo), home=home)
    assert result.returncode == 0, result.stderr
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf), str(tmp_path / "badge")], check=True
    )
    with Image.open(tmp_path / "badge.png") as image:
        rgb = image.convert("RGB")
        w, h = rgb.size
        # The logo's dark red square in the top-left corner (A6: 6-36 mm across, 5-19 mm down).
        corner = rgb.crop((int(w * 6 / 105), int(h * 5 / 148), int(w * 36 / 105), int(h * 19 / 148)))
        reds = sum(1 for r, g, b in corner.get_flattened_data() if abs(r - 0x7B) < 30 and g < 80 and b < 80)
        assert reds > 200, reds
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Forum FTS 2026" in text  # the name still there, beside the logo

    slip = tmp_path / "slip.bin"
    result = run(
        "ticket",
        "AICT26-YPAGKWKQ",
        "--db",
        db,
        "--printer",
        f"file:{slip}",
        "--event",
        str(with_logo),
        home=home,
    )
    assert result.returncode == 0, result.stderr
    parsed = parse(slip.read_bytes(), "TM-T20II")
    assert parsed.events[0][0] == "image" and parsed.lines[0].strip() == "Forum FTS 2026"
    logo = parsed.images[0].convert("L")
    inked = sum(1 for v in logo.get_flattened_data() if v < 128)
    assert 576 * 0.5 < logo.width <= 576 and inked > 2000  # 60 % of an 80 mm roll, in black dots
    # Without a logo the slip starts with the event's name.
    bare = tmp_path / "bare.bin"
    assert (
        run("ticket", "AICT26-YPAGKWKQ", "--db", db, "--printer", f"file:{bare}", home=home).returncode == 0
    )
    assert parse(bare.read_bytes(), "TM-T20II").events[0][0] == "text"
