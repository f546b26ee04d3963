"""The scanner check without a window: the test page's codes, the verdict on a scan, the
command reading one scan from standard input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from checkin.arrivals import scanner_check
from checkin.base import codes
from checkin.base.settings import DeskSettings

PATTERN = "AICT26-[0-9A-Z]{8}"
CLI = [sys.executable, "-c", "import sys; from checkin.cli import main; sys.exit(main())"]


@pytest.mark.parametrize(
    ("scanner", "desk"), [("us", "fr"), ("de", "fr"), ("us", "de"), ("be", "de"), ("fr", "us")]
)
@pytest.mark.parametrize("name", ["code", "link", "qr"])
def test_the_layout_pair_is_named_from_any_test_code(scanner: str, desk: str, name: str) -> None:
    received = codes.garble(scanner_check.payloads(PATTERN)[name], scanner, desk) + "\n"
    result = scanner_check.analyse(received, code_pattern=PATTERN)
    assert result.recognised
    assert (result.scanner_layout, result.desk_layout) == (scanner, desk)
    assert result.terminator == "enter"
    assert any(codes.LAYOUT_NAMES[desk] in line for line in result.advice)


def test_prefix_caps_lock_terminator_and_speed_in_words() -> None:
    payload = scanner_check.payloads(PATTERN)["code"]
    # A US scanner on AZERTY with its AIM prefix (typed through the same mix-up), Caps Lock on.
    received = codes.garble("]C0" + payload, "us", "fr").swapcase() + "\t"
    result = scanner_check.analyse(received, code_pattern=PATTERN, gaps_ms=[12, 11, 13, 70])
    assert result.recognised and result.caps_inverted
    assert result.prefix == "]C0"
    assert result.terminator == "tab"
    assert (result.gap_median_ms, result.gap_max_ms) == (12.5, 70)
    text = scanner_check.report(result)
    assert "Verr. Maj" in text and "Tabulation" in text and "délai entre caractères" in text


def test_a_well_set_scanner_needs_nothing() -> None:
    received = scanner_check.payloads(PATTERN)["qr"] + "\r\n"
    result = scanner_check.analyse(received, code_pattern=PATTERN, desk_layout="fr", gaps_ms=[3, 4, 3])
    assert result.recognised and result.same_layout and result.ok
    assert result.terminator == "cr-lf"
    assert "Rien à changer" in scanner_check.report(result)


def test_a_ticket_is_not_the_test_page() -> None:
    result = scanner_check.analyse("AICT26-7K3M9Q2X\n", code_pattern=PATTERN)
    assert not result.recognised
    assert "page de test" in scanner_check.report(result)


def test_the_desk_layout_is_read_off_the_key_numbers() -> None:
    # X11: keycode 24 is the first letter of the top row; it typed "a": AZERTY.
    keys = [(24, "a", False), (25, "z", False), (10, "&", False), (15, "-", False)]
    assert scanner_check.desk_layout_from_keys(keys, "xcb") == "fr"
    assert (
        scanner_check.desk_layout_from_keys(
            [(0x10, "q", False), (0x15, "z", False), (0x0C, "ß", False)], "windows"
        )
        == "de"
    )
    assert scanner_check.desk_layout_from_keys(keys, "cocoa") == ""


def test_the_pair_is_remembered_and_tried_first() -> None:
    settings = DeskSettings.load()
    result = scanner_check.analyse(
        codes.garble(scanner_check.payloads(PATTERN)["code"], "us", "fr") + "\n",
        code_pattern=PATTERN,
        gaps_ms=[60, 70, 65],
    )
    scanner_check.remember(settings, result)
    settings.save()
    again = DeskSettings.load()
    assert (again.scanner_layout, again.desk_layout, again.scanner_terminator) == ("us", "fr", "enter")
    assert again.scanner_max_gap_ms == 125  # raised for a slow scanner (70 ms × 1.5 + 20)
    assert scanner_check.remembered_layouts(again) == ("us", "fr")
    assert codes.preferred_pairs(("us", "fr"))[0] == ("us", "fr")


def test_the_command_reads_one_scan_from_standard_input(tmp_path: Path) -> None:
    received = codes.garble(scanner_check.payloads(PATTERN)["link"], "us", "fr") + "\r\n"
    out = subprocess.run(
        [*CLI, "scanner-check", "--json", "--remember"],
        input=received.encode(),
        capture_output=True,
        check=True,
        timeout=120,
    )
    data = json.loads(out.stdout)
    assert (data["scanner_layout"], data["desk_layout"], data["terminator"]) == ("us", "fr", "cr-lf")
    assert DeskSettings.load().scanner_layout == "us"
    words = subprocess.run(
        [*CLI, "scanner-check"],
        input=received.encode(),
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout.decode()
    assert "QWERTY (US)" in words and "AZERTY (France)" in words


def test_the_test_page_prints_codes_a_reader_decodes(tmp_path: Path) -> None:
    import zxingcpp
    from PIL import Image

    page = tmp_path / "page.pdf"
    subprocess.run([*CLI, "scanner-check", "--page", str(page)], check=True, timeout=120)
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(page), str(tmp_path / "page")], check=True)
    with Image.open(next(tmp_path.glob("page*.png"))) as image:
        found = {(r.format.name, r.text) for r in zxingcpp.read_barcodes(image)}
    tests = scanner_check.payloads(PATTERN)
    assert ("QRCode", tests["qr"]) in found
    assert ("Code128", tests["code"]) in found and ("Code128", tests["link"]) in found
    text = subprocess.run(["pdftotext", str(page), "-"], capture_output=True, check=True, text=True).stdout
    assert "Vérification du scanner" in text
