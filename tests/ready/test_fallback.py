"""The paper fallback list, read back from the PDF with poppler's tools as a person would."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from checkin import cli
from checkin.replica.attendance import load
from checkin.replica.db import Replica
from checkin.reports.fallback import OTHER, letter_of


def _tool(*args: str) -> str:
    return subprocess.run(list(args), check=True, capture_output=True, text=True, timeout=60).stdout


def test_fallback_list_from_the_command_line(sample_db: Replica, event, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "secours.pdf"
    db = str(sample_db.path)
    assert cli.main(["report", "fallback", "--db", db, "-o", str(out)]) == 0
    with sample_db.read() as conn:
        data = load(conn, event, hub=False)
    confirmed = [p for p in data.people if p.status == "confirmed"]
    others = [p for p in data.people if p.status != "confirmed"]
    assert confirmed and others

    pages = _tool("pdftotext", "-layout", str(out), "-").split("\f")
    text = "\n".join(pages)
    # Every expected person is there with their code; cancelled and wait-listed are not.
    for person in confirmed:
        assert person.code in text, person
    for person in others:
        assert person.code not in text, person

    # A–Z part: each page's header carries the letter of every name on it, in order.
    letters = sorted({letter_of(p) for p in confirmed} - {OTHER})
    seen: list[str] = []
    for page in pages:
        head = page.strip().splitlines()[0].strip() if page.strip() else ""
        if re.fullmatch(r"[A-Z#]", head):
            if not seen or seen[-1] != head:
                seen.append(head)
    assert seen[: len(letters)] == letters
    for person in confirmed[:50]:  # a name's code is on a page headed by its letter
        page = next(p for p in pages if person.code in p)
        assert page.strip().splitlines()[0].strip() == letter_of(person)

    # Per delegation: each delegation heading, with its members.
    delegations = {p.delegation for p in confirmed if p.delegation}
    assert delegations
    part = text[text.index("Par délégation") :]
    for name in delegations:
        assert name in part

    # Names in their own scripts are text (searchable, not boxes), fonts embedded.
    # (Arabic and Devanagari are shaped — joined forms, reordered vowel signs — and
    # pdftotext does not give them back as typed: they are checked through their fonts.)
    native = [
        p.native_name
        for p in confirmed
        if p.native_name and any(0x530 <= ord(c) < 0x590 or ord(c) > 0x2E80 for c in p.native_name)
    ]
    assert len(native) >= 5
    assert [w for n in native for w in n.split() if w not in text] == []
    fonts = _tool("pdffonts", str(out))
    # (ReportLab's page preamble names Helvetica without drawing with it.)
    rows = [line for line in fonts.splitlines()[2:] if not line.startswith("Helvetica ")]
    assert rows and all(line.split()[-5] == "yes" for line in rows)  # "emb" column
    assert "NotoSansArabic" in fonts and "NotoSansArmenian" in fonts and "Devanagari" in fonts

    # Big type: surnames stand at least 12 pt tall on the page (body text of reports is 9).
    assert _tallest_surname(out) >= 12


def _tallest_surname(pdf: Path) -> float:
    xml = _tool("pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-")
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>', xml
    )
    heights = [
        float(y2) - float(y1) for _x1, y1, _x2, y2, w in words if w.isupper() and len(w) > 2 and w != "AICT"
    ]
    return max(heights)


def test_fallback_is_pdf_only(sample_db: Replica, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli.main(["report", "fallback", "--db", str(sample_db.path), "-o", str(tmp_path / "x.csv")]) == 1
    assert "PDF" in capsys.readouterr().err
