"""Reports from a desk and from the hub, checked with real tools (pdftotext, pdffonts, pdfinfo).

Only the attendance report reads the hub, so only it runs against both hubs.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from checkin.base.text import sort_key
from checkin.event.model import EventConfig
from checkin.replica import attendees, facts, movements
from checkin.replica.db import Replica
from checkin.reports import write_report

from .helpers import DAY1, admit, desk, people, sync


def _tool(*args: str) -> str:
    return subprocess.run(list(args), check=True, capture_output=True, text=True, timeout=60).stdout


@pytest.fixture
def busy_desk(
    seeded_hub: Callable[[], str], tmp_path: Path
) -> tuple[Replica, str, list[attendees.AttendeeView]]:
    url = seeded_hub()
    d1 = desk(tmp_path, "d1")
    sync(d1, url)
    came = people(d1, 40)
    with d1.read() as conn:
        everyone = attendees.all_live(conn)
    # Someone whose name is also written in its own script (Arabic: the certificates'
    # test looks for its font), whatever order the replica holds them in.
    came += [
        a
        for a in everyone
        if any("\u0600" <= ch <= "\u06ff" for ch in a.native_name)
        and DAY1 in a.days
        and a.status == "confirmed"
        and a not in came
    ][:1]
    for person in came:
        admit(d1, person, "Accueil 1")
    sync(d1, url)
    return d1, url, came


@pytest.mark.parametrize("new_hub", ["sqlite"], indirect=True)
def test_sign_in_sheet_is_sorted_as_a_french_reader_expects(
    busy_desk: tuple[Replica, str, list[attendees.AttendeeView]], tmp_path: Path
) -> None:
    d1, _url, _came = busy_desk
    out = write_report("emargement", output=tmp_path / "em.csv", db=str(d1.path), day=DAY1)
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][-1] == "Signature"
    surnames = [r[0] for r in rows[1:]]
    assert surnames == sorted(surnames, key=sort_key)
    # Accents ignored: a surname starting with "É" sits among the E's, not after Z.
    accented = [i for i, s in enumerate(surnames) if s[:1] in "ÉÈ"]
    assert accented and all(sort_key(surnames[i - 1])[:1] <= "e" for i in accented)
    assert out.stat().st_mode & 0o077 == 0
    pdf = write_report("emargement", output=tmp_path / "em.pdf", db=str(d1.path), day=DAY1)
    text = _tool("pdftotext", "-layout", str(pdf), "-")
    assert "Feuille d'émargement" in text and "Signature" in text


def _shaped_width(text: str, size: float) -> tuple[float, float]:
    """(HarfBuzz's shaped advance, the letters' advances one by one) of ``text`` at ``size``."""
    import uharfbuzz as hb

    from checkin.printing import fonts

    [(run, path)] = fonts.runs(text)
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    buf = hb.Buffer()
    buf.add_str(run)
    buf.guess_segment_properties()
    hb.shape(hb.Font(face), buf, {})
    shaped = sum(p.x_advance for p in buf.glyph_positions) / face.upem * size
    glyphs = hb.Font(face)
    plain = sum(glyphs.get_glyph_h_advance(glyphs.get_nominal_glyph(ord(c)) or 0) for c in run)
    return shaped, plain / face.upem * size


@pytest.mark.parametrize("new_hub", ["sqlite"], indirect=True)
def test_devanagari_names_are_shaped_on_the_sign_in_sheet(
    busy_desk: tuple[Replica, str, list[attendees.AttendeeView]], tmp_path: Path
) -> None:
    """आचार्य takes a reph and कुलकर्णी a conjunct: drawn letter by letter, each shows a
    visible virama and comes out wider. pdftotext's word boxes measure what was drawn."""
    import re

    d1, _url, _came = busy_desk
    pdf = write_report("emargement", output=tmp_path / "em.pdf", db=str(d1.path))
    assert "NotoSansDevanagari" in _tool("pdffonts", str(pdf))
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
        _tool("pdftotext", "-bbox", str(pdf), "-"),
    )
    for name in ("आचार्य", "शाह"):  # surnames in the sample, written in Devanagari only
        shaped, plain = _shaped_width(name, 9)
        drawn = [float(x1) - float(x0) for x0, x1, text in words if text[:2] == name[:2]]
        assert drawn, name
        assert all(abs(width - shaped) < 0.3 for width in drawn), (name, drawn, shaped, plain)
    shaped, plain = _shaped_width("आचार्य", 9)
    assert plain - shaped > 2  # the test tells one from the other


@pytest.mark.parametrize("new_hub", ["sqlite"], indirect=True)
def test_certificates_give_the_year_and_the_name_in_its_script(
    busy_desk: tuple[Replica, str, list[attendees.AttendeeView]], tmp_path: Path
) -> None:
    d1, _url, came = busy_desk
    pdf = write_report("certificates", output=tmp_path / "att.pdf", db=str(d1.path))
    text = _tool("pdftotext", str(pdf), "-")
    assert text.count("le 8 juillet 2026") == len(came)
    native = next(p for p in came if p.native_name)
    assert any(native.full_name in page for page in text.split("\f"))


def test_a_word_mixing_scripts_is_drawn_run_by_run(sample_db: Replica, tmp_path: Path) -> None:
    """A surname such as Li/李 is one word in two fonts. Each run is shaped with its own font,
    as on badges: shaping the word with the font of its first letter draws boxes (Ram/राम)
    or fails outright (Li/李)."""
    import re
    from dataclasses import replace

    from checkin.printing.shaping import shape
    from checkin.reports import load, pdf

    data = load(db=str(sample_db.path))
    someone = data.expected(DAY1)[0]
    data.people = [
        replace(someone, uid="mixed-1", last_name="Li/李", organisation="Municipalité de Wuhan（武汉）"),
        replace(someone, uid="mixed-2", last_name="Ram/राम", organisation="Ville de Pune/पुणे"),
    ]
    out = tmp_path / "em.pdf"
    pdf.emargement(out, data, [DAY1])
    text = _tool("pdftotext", "-layout", str(out), "-")
    for expected in ("Li/李", "Ram/राम", "Municipalité de Wuhan（武汉）", "Ville de Pune/पुणे"):
        assert expected in text, expected
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
        _tool("pdftotext", "-bbox", str(out), "-"),
    )
    [drawn] = [float(x1) - float(x0) for x0, x1, word in words if word == "Ram/राम"]
    assert abs(drawn - shape("Ram/राम").width * 9 / 1000) < 0.3


@pytest.mark.parametrize("new_hub", ["sqlite"], indirect=True)
def test_certificates_in_english_give_the_year(
    busy_desk: tuple[Replica, str, list[attendees.AttendeeView]], tmp_path: Path
) -> None:
    from checkin.base import i18n

    d1, _url, came = busy_desk
    try:
        i18n.set_language("en")
        pdf = write_report("certificates", output=tmp_path / "att.pdf", db=str(d1.path))
    finally:
        i18n.set_language("fr")
    text = _tool("pdftotext", str(pdf), "-")
    assert text.count("Certificate of attendance") == len(came)
    assert text.count("on 8 July 2026") == len(came)


@pytest.mark.parametrize("new_hub", ["sqlite"], indirect=True)
def test_formula_cells_cannot_run_in_csv_or_xlsx(
    busy_desk: tuple[Replica, str, list[attendees.AttendeeView]], tmp_path: Path
) -> None:
    d1, _url, _came = busy_desk
    csv_file = write_report("noshows", output=tmp_path / "absents.csv", db=str(d1.path))
    cells = [
        c
        for row in csv.reader(csv_file.read_text(encoding="utf-8-sig").splitlines(), delimiter=";")
        for c in row
    ]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c[:1] in ("=", "+", "-", "@") for c in cells)
    xlsx = write_report("noshows", output=tmp_path / "absents.xlsx", db=str(d1.path))
    book = load_workbook(xlsx)
    values = [
        c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert any(c.value.startswith("'=HYPERLINK") for c in values)
    assert all(c.data_type == "s" and not c.value.startswith("=") for c in values)


def test_attendance_counts_and_chart(
    busy_desk: tuple[Replica, str, list[attendees.AttendeeView]], tmp_path: Path
) -> None:
    d1, url, came = busy_desk
    for source in ({"db": str(d1.path)}, {"hub": url}):
        table = write_report("attendance", output=tmp_path / "att.csv", day=DAY1, **source)
        rows = list(csv.reader(table.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
        by_category = [r for r in rows[1:] if r and r[0] == "Catégorie"]  # (the sessions follow)
        assert sum(int(r[3]) for r in by_category) == len(came)
        quarters = [r for r in rows[1:] if r and r[0] == "Quart d'heure"]
        assert sum(int(r[3]) for r in quarters) == len(came)
    pdf = write_report("attendance", output=tmp_path / "att.pdf", hub=url, day=DAY1)
    text = _tool("pdftotext", str(pdf), "-")
    assert "Arrivées par quart d'heure" in text
    assert f"{len(came)} présents sur" in text


@pytest.mark.parametrize("new_hub", ["sqlite"], indirect=True)
def test_one_certificate_page_per_attendee_present_in_their_script(
    busy_desk: tuple[Replica, str, list[attendees.AttendeeView]], tmp_path: Path
) -> None:
    d1, _url, came = busy_desk
    pdf = write_report("certificates", output=tmp_path / "att.pdf", db=str(d1.path))
    pages = int(
        next(
            line.split()[-1] for line in _tool("pdfinfo", str(pdf)).splitlines() if line.startswith("Pages:")
        )
    )
    assert pages == len(came)
    text = _tool("pdftotext", str(pdf), "-")
    assert text.count("Attestation de présence") == len(came)
    fonts = _tool("pdffonts", str(pdf))
    assert "NotoSansArabic" in fonts or "DroidSansFallback" in fonts


@pytest.mark.parametrize("new_hub", ["sqlite"], indirect=True)
def test_report_command_refuses_a_day_outside_the_event(
    busy_desk: tuple[Replica, str, list[attendees.AttendeeView]], tmp_path: Path
) -> None:
    d1, _url, _came = busy_desk
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "checkin.cli",
            "report",
            "noshows",
            "--db",
            str(d1.path),
            "--day",
            "2026-07-10",
            "-o",
            str(tmp_path / "x.pdf"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1 and "2026-07-10" in run.stderr and "Traceback" not in run.stderr


def test_certificate_dates_name_the_month_and_year_once(sync_event: EventConfig) -> None:
    from checkin.base import i18n
    from checkin.reports.pdf import dates_sentence

    assert dates_sentence(sync_event, ["2026-07-09"]) == "le 9 juillet 2026"
    assert dates_sentence(sync_event, ["2026-07-08", "2026-07-09"]) == "les 8 et 9 juillet 2026"
    i18n.set_language("en")
    try:
        assert dates_sentence(sync_event, ["2026-07-08", "2026-07-09"]) == "on 8 and 9 July 2026"
    finally:
        i18n.set_language("fr")


def _over_counts(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    return [r for r in rows if r and r[0] == "Salle au-delà de sa capacité"]


@pytest.mark.parametrize("new_hub", ["sqlite"], indirect=True)
def test_conflicts_report_lists_a_room_over_its_capacity(
    seeded_hub: Callable[[], str], sync_event: EventConfig, tmp_path: Path
) -> None:
    """Two doors offline beyond their seat leases (entries written as facts): together
    they held one more than the room; the report names the session, the room, the
    capacity and the highest count; with a room big enough, nothing."""
    url = seeded_hub()
    doors = [desk(tmp_path, "north"), desk(tmp_path, "south")]
    for d in doors:
        sync(d, url)
    with doors[0].read() as conn:
        session = movements.sessions(conn, DAY1)[0]
    came = people(doors[0], 5)
    # north: three in, one of them out again (3 at most); then south: two in (4)
    for d, mine in ((doors[0], came[:3]), (doors[1], came[3:])):
        sync(d, url)  # south's clock past north's movements
        with d.write() as conn:
            for p in mine:
                facts.add(
                    conn, d, "enter", attendee_uid=p.uid, day=DAY1, value=session.code, field=session.room
                )
            if d is doors[0]:
                facts.add(conn, d, "exit", attendee_uid=came[0].uid, day=DAY1, value=session.code)
        sync(d, url)
    sync(doors[0], url)
    room = sync_event.rooms.room(session.room)
    assert room is not None

    def event_with(capacity: int) -> EventConfig:
        rooms = tuple(replace(r, capacity=capacity) if r == room else r for r in sync_event.rooms.rooms)
        return replace(sync_event, rooms=replace(sync_event.rooms, rooms=rooms))

    for source in ({"hub": url}, {"db": str(doors[0].path)}):
        out = write_report("conflicts", output=tmp_path / "c.csv", event=event_with(3), **source)
        (row,) = _over_counts(out)
        assert row[1] == session.title and row[2] == session.code and row[3] == DAY1
        assert f"Salle {room.name} " in row[4] and "4 personnes pour 3 places" in row[4]
        out = write_report("conflicts", output=tmp_path / "c.csv", event=event_with(4), **source)
        assert _over_counts(out) == []
