"""Badges checked the way an organiser would: real PDFs, real poppler tools, a real QR reader."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from sample import SAMPLE_DIR

from checkin.base import paths
from checkin.base.errors import KnownError
from checkin.event import model as event_mod
from checkin.printing import fonts, layout
from checkin.printing.badge import BadgeRenderer, attendee_from, fit, shape
from checkin.printing.layout import Box
from checkin.replica import attendees
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import open_replica

SAMPLE = SAMPLE_DIR / "inscriptions.csv"
POINTS_PER_MM = 72 / 25.4
PRESETS = ("a6", "a6-folded", "4x3in", "4x6in", "cr80", "ql62", "label-100x62", "a7")

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> list[AttendeeView]:
    from checkin.importer import import_file

    home = tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    mp.setenv("CHECKIN_HOME", str(home))
    replica = open_replica(home / "badges.sqlite")
    import_file(replica, event_mod.load(), SAMPLE)
    with replica.read() as conn:
        found = attendees.all_live(conn)
    replica.close()
    mp.undo()
    return found


def _script(person: AttendeeView) -> str:
    text = person.native_name + person.first_name + person.last_name
    for ch in text:
        name = unicodedata.name(ch, "")
        for script in ("ARABIC", "DEVANAGARI", "CJK", "ARMENIAN", "CYRILLIC"):
            if name.startswith(script):
                return script
    if re.search("[ăâđêôơưạ-ỹ]", text):
        return "VIETNAMESE"
    if re.search("[ąćęłńśźż]", text, re.IGNORECASE):
        return "POLISH"
    if re.search("[ðþ]", text, re.IGNORECASE):
        return "ICELANDIC"
    if re.search("[ğış]", text, re.IGNORECASE):
        return "TURKISH"
    return ""


@pytest.fixture(scope="module")
def hardest(people: list[AttendeeView]) -> list[AttendeeView]:
    """For each script, the attendee with the longest texts; plus the longest name overall."""
    picked: dict[str, AttendeeView] = {}
    for person in sorted(
        people,
        key=lambda a: -len(a.first_name + a.last_name + a.function + a.organisation),
    ):
        script = _script(person)
        if script and script not in picked:
            picked[script] = person
    picked["LONGEST"] = max(people, key=lambda a: len(a.first_name + a.last_name))
    assert {"ARABIC", "DEVANAGARI", "CJK", "ARMENIAN", "CYRILLIC"} <= set(picked)
    return list(picked.values())


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, check=True, text=True).stdout


def page_size_mm(pdf: Path) -> tuple[float, float]:
    found = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", run("pdfinfo", str(pdf)))
    assert found
    return float(found.group(1)) / POINTS_PER_MM, float(found.group(2)) / POINTS_PER_MM


def qr_codes(pdf: Path, tmp_path: Path, page: int) -> list[str]:
    """The QR codes zxing-cpp reads on one page rendered at 150 dpi."""
    prefix = tmp_path / f"page{page}"
    run(
        "pdftoppm",
        "-r",
        "150",
        "-png",
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        str(pdf),
        str(prefix),
    )
    with Image.open(f"{prefix}.png") as image:
        return sorted(r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode))


def test_hardest_names_embedded_fonts_exact_size_text_and_qr(
    hardest: list[AttendeeView], tmp_path: Path
) -> None:
    pdf = tmp_path / "hard.pdf"
    log = BadgeRenderer(event_mod.load(), "a6").render(hardest, pdf, invariant=True)

    fonts_table = run("pdffonts", str(pdf)).splitlines()[2:]
    assert len(fonts_table) >= 5  # Latin, Arabic, Devanagari, Armenian, CJK at least
    for line in fonts_table:
        name, kind, *_rest = line.split()
        emb, sub = line.split()[-5], line.split()[-4]
        assert re.match(r"[A-Z]{6}\+", name), line  # a subset
        assert kind == "TrueType" and emb == "yes" and sub == "yes", line
    assert not any(base in run("pdffonts", str(pdf)) for base in ("Helvetica", "Times", "Courier"))

    width, height = page_size_mm(pdf)
    assert (round(width, 1), round(height, 1)) == (105.0, 148.0)
    assert b"/PrintScaling /None" in pdf.read_bytes()

    text = run("pdftotext", str(pdf), "-")
    for person in hardest:
        if person.first_name and person.first_name.isascii():
            assert person.first_name in text
        if person.last_name and all(
            unicodedata.name(c, "").startswith(("LATIN", "SPACE", "HYPHEN")) for c in person.last_name
        ):
            assert person.last_name.upper() in text

    for page, person in enumerate(hardest, start=1):
        assert qr_codes(pdf, tmp_path, page) == [person.code]

    assert log.drawn, "the renderer reports what it drew"
    for drawn in log.drawn:
        assert drawn.box.contains(*drawn.rect), drawn


def test_pdf_bytes_are_reproducible(hardest: list[AttendeeView], tmp_path: Path) -> None:
    renderer = BadgeRenderer(event_mod.load(), "a6")
    renderer.render(hardest[:3], tmp_path / "a.pdf", invariant=True)
    renderer.render(hardest[:3], tmp_path / "b.pdf", invariant=True)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_every_sample_name_fits_its_boxes_with_real_glyphs(
    people: list[AttendeeView], caplog: pytest.LogCaptureFixture
) -> None:
    import io

    caplog.set_level(logging.WARNING, logger="checkin.printing.fonts")
    log = BadgeRenderer(event_mod.load(), "a6").render(people, io.BytesIO())
    assert log.badges == len(people)
    outside = [d for d in log.drawn if not d.box.contains(*d.rect)]
    assert outside == []
    assert [r.message for r in caplog.records] == []  # no character without a glyph
    for person in people:
        for value in (
            person.first_name,
            person.last_name,
            person.native_name,
            person.function,
            person.organisation,
        ):
            assert fonts.missing(value) == []


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_has_the_stock_size_and_a_readable_qr(
    name: str, hardest: list[AttendeeView], tmp_path: Path
) -> None:
    lay = layout.load_layout(name)
    pdf = tmp_path / f"{name}.pdf"
    log = BadgeRenderer(event_mod.load(), name).render(hardest[:2], pdf)
    width, height = page_size_mm(pdf)
    assert abs(width - lay.page_w / POINTS_PER_MM) < 0.05 and abs(height - lay.page_h / POINTS_PER_MM) < 0.05
    # a folded A4 carries the badge twice (front and back, the back upside down)
    assert qr_codes(pdf, tmp_path, 1) == [hardest[0].code] * len(lay.faces)
    for drawn in log.drawn:
        assert drawn.box.contains(*drawn.rect), (name, drawn)
        assert 0 <= drawn.rect[0] and drawn.rect[2] <= lay.badge_w + 0.01


def test_fonts_module_picks_a_font_per_string() -> None:
    assert fonts.font_path("Nguyễn Thị Hương").name == "NotoSans-Regular.ttf"
    assert fonts.font_path("وليد صعب", bold=True).name == "NotoSansArabic-Bold.ttf"
    assert fonts.font_path("राहुल").name.startswith("NotoSansDevanagari")
    assert fonts.font_path("张伟").name == "DroidSansFallbackFull.ttf"
    runs = fonts.runs("نور خوري (Nour)")
    assert [p.name for _t, p in runs] == [
        "NotoSansArabic-Regular.ttf",
        "NotoSans-Regular.ttf",
    ]
    assert "".join(t for t, _p in runs) == "نور خوري (Nour)"


def test_missing_glyph_is_logged_and_replaced(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    runs = fonts.runs("Ana \U0001f600")
    assert "".join(t for t, _p in runs) == "Ana ?"
    assert any("U+1F600" in r.getMessage() for r in caplog.records)


def test_complex_scripts_are_shaped() -> None:
    # Devanagari: क + ् + ष forms one conjunct glyph
    conjunct = shape("क्ष")
    assert len(conjunct.pieces) == 1 and len(conjunct.pieces[0].text) == 1
    # Arabic: joined forms differ from the isolated letters, drawn right to left
    arabic = shape("وليد")
    assert str(arabic.pieces[0].text) != "وليد"
    # Mixed: the Latin run sits to the left of the Arabic one in a right-to-left line
    mixed = shape("نور (Nour)")
    assert mixed.pieces[0].font.endswith("NotoSans-Regular")


def test_long_text_shrinks_and_function_wraps() -> None:
    box = Box(0, 0, 93 * POINTS_PER_MM, 12 * POINTS_PER_MM)
    short = fit("Maire", box, 12, False, 2)
    assert short.size == 12 and len(short.lines) == 1
    function = "Adjointe au maire déléguée aux relations internationales, à la coopération décentralisée et aux jumelages"
    wrapped = fit(function, box, 12, False, 2)
    assert len(wrapped.lines) == 2
    for line in wrapped.lines:
        assert line.width * wrapped.size / 1000 <= box.w + 0.01
    huge = fit("W" * 300, box, 40, True)
    assert huge.size < 5 and huge.lines[0].width * huge.size / 1000 <= box.w + 0.01


def test_reprint_carries_a_discreet_duplicate_mark(tmp_path: Path) -> None:
    person = attendee_from(
        {
            "uid": "u1",
            "code": "AICT26-TESTTEST",
            "first_name": "Ana",
            "last_name": "Lima",
        }
    )
    renderer = BadgeRenderer(event_mod.load(), "a6")
    first = renderer.render([person], tmp_path / "first.pdf")
    again = renderer.render([person], tmp_path / "again.pdf", reprints={"u1": 2})
    assert "duplicate_mark" not in {d.field for d in first.drawn}
    mark = next(d for d in again.drawn if d.field == "duplicate_mark")
    assert mark.size <= 8
    assert "Duplicata 2" in run("pdftotext", str(tmp_path / "again.pdf"), "-")


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (
            '[layout]\nwidth_mm = 50\nheight_mm = 50\n[[elements]]\nkind = "text"\nfield = "first_name"\nbox = [0, 0, 60, 10]\n',
            "sort",
        ),
        (
            '[layout]\nwidth_mm = 50\nheight_mm = 50\n[[elements]]\nkind = "text"\nfield = "shoe_size"\nbox = [0, 0, 10, 10]\n',
            "shoe_size",
        ),
        (
            '[layout]\nwidth_mm = 50\nheight_mm = 50\n[[elements]]\nkind = "band"\ncolour = "red"\nbox = [0, 0, 10, 10]\n',
            "#RRGGBB",
        ),
        ('[layout]\nwidth_mm = "A6"\nheight_mm = 50\n', "nombre"),
    ],
)
def test_bad_layouts_are_refused_on_load(body: str, why: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(KnownError, match=re.escape(why)):
        layout.load_layout(str(path))


def test_unknown_layout_is_a_known_error() -> None:
    with pytest.raises(KnownError):
        layout.load_layout("no-such-layout")
    assert paths.resources_dir().joinpath("fonts", "LICENSE-Noto-OFL.txt").exists()


def test_qr_without_zxing_encoder_falls_back_to_qrcode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checkin.printing import badge

    monkeypatch.setattr(badge, "_matrix_zxing", lambda payload, level: None)
    badge.qr_runs.cache_clear()
    person = attendee_from({"uid": "u", "code": "AICT26-FALLBACK", "first_name": "Ana"})
    pdf = tmp_path / "fallback.pdf"
    try:
        BadgeRenderer(event_mod.load(), "a6").render([person], pdf)
    finally:
        badge.qr_runs.cache_clear()
    assert qr_codes(pdf, tmp_path, 1) == ["AICT26-FALLBACK"]
    assert badge.error_correction("AICT26-FALLBACK") == "H"
    assert badge.error_correction("https://example.org/" + "x" * 100) == "M"
