"""Reports of the rooms: attendance per session, no-shows per workshop, the sessions on a
certificate — people sent through the real door decision, read back from the files written
(openpyxl for XLSX, pdftotext for PDFs), from a desk and from the hub."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from checkin.arrivals import rooms
from checkin.event.model import EventConfig
from checkin.replica import attendees, movements
from checkin.reports import write_report
from checkin.sync import leases
from checkin.sync.hub import open_hub

from .helpers import DAY2, desk, sync


def _pdftext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.parametrize("new_hub", ["sqlite"], indirect=True)
def test_sessions_attendance_workshop_noshows_and_certificates(
    seeded_hub: Callable[[], str], sync_event: EventConfig, tmp_path: Path
) -> None:
    url = seeded_hub()
    door = desk(tmp_path, "door")
    sync(door, url)
    with door.read() as conn:
        a5 = movements.session(conn, "A5")
        registered = [a for a in attendees.all_live(conn) if a.status == "confirmed" and "A5" in a.workshops]
    assert a5 is not None and "registered" in sync_event.rooms.open_to("A5", a5.kind)
    came = [a for a in registered if DAY2 in a.days and a.last_name][:2]
    stayed_away = [a for a in registered if a not in came]
    assert len(came) == 2 and stayed_away

    def scan(code: str, hhmm: str, exit: bool = False) -> str:
        hub = open_hub(url)  # the door's seat lease comes from the hub
        try:
            d = rooms.decide(
                door, sync_event, code, a5, day=DAY2, hhmm=hhmm, desk="Salon Vaucanson", exit=exit,
                more_seats=lambda s, capacity: leases.rebalance(door, hub, s, capacity),
            )  # fmt: skip
        finally:
            hub.close()
        return d.outcome

    assert [scan(p.code, "11:35") for p in came] == ["admitted", "admitted"]
    assert scan(came[0].code, "11:50", exit=True) == "exit"
    assert scan(came[0].code, "12:10") == "admitted"  # back in: still two people, a peak of 2
    sync(door, url)

    for source in ({"db": str(door.path)}, {"hub": url}):
        book = load_workbook(write_report("attendance", output=tmp_path / "att.xlsx", **source))
        sheet = book[f"Sessions {DAY2}"]
        header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert header == ["Code", "Session", "Salle", "Horaire", "Entrés", "Pic", "Capacité"]
        by_code = {r[0]: r for r in rows}
        assert by_code["A5"][2:] == ["Salon Vaucanson", "11:30–13:00", 2, 2, 80]
        assert by_code["A6"][4:6] == [0, 0]

        book = load_workbook(write_report("noshows", output=tmp_path / "no.xlsx", **source))
        sheet = book[f"Absents ateliers {DAY2}"]
        header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert header[:2] == ["Session", "Nom"]
        absent_a5 = {r[5] for r in rows if r[0] == "A5"}
        assert absent_a5 == {p.code for p in stayed_away}
        assert "PL2" not in {r[0] for r in rows}  # a plenary is open to all: nobody is registered for it

    text = _pdftext(write_report("noshows", output=tmp_path / "no.pdf", hub=url, day=DAY2))
    assert f"A5 — {a5.title}" in text
    assert f"{len(stayed_away)} absents sur {len(registered)} inscrits" in text
    section = text.split(f"A5 — {a5.title}")[1].split("A6 — ")[0]
    assert stayed_away[0].code in section and came[0].code not in section

    text = _pdftext(write_report("attendance", output=tmp_path / "att.pdf", hub=url, day=DAY2))
    line = next(x for x in text.splitlines() if x.strip().startswith("A5 "))
    assert line.split()[-3:] == ["2", "2", "80"], line

    pages = _pdftext(write_report("certificates", output=tmp_path / "cert.pdf", db=str(door.path))).split(
        "\f"
    )
    mine = next(p for p in pages if came[0].last_name in p)
    assert "Sessions suivies" in mine and a5.title.split(" ")[0] in mine
    book = load_workbook(write_report("certificates", output=tmp_path / "cert.xlsx", hub=url))
    header, *rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    sessions = {(r[0], r[1]): r[header.index("Sessions suivies")] for r in rows}
    assert sessions[(came[1].last_name, came[1].first_name)] == f"A5 {a5.title}"
