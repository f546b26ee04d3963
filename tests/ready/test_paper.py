"""Arrivals ticked on paper and typed in afterwards: facts like any other, said to be from paper."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from checkin.arrivals import paper, scan
from checkin.base.errors import KnownError
from checkin.event.model import EventConfig
from checkin.replica import attendees
from checkin.replica.db import open_replica
from checkin.reports import write_report
from checkin.sync.exchange import exchange
from checkin.sync.hub import open_hub
from checkin.sync.hubimport import import_into_hub

DAY1 = "2026-07-08"


def _hub(tmp_path: Path, event: EventConfig, sample_dir: Path) -> str:
    url = str(tmp_path / "hub.sqlite")
    hub = open_hub(url, create=True)
    try:
        import_into_hub(hub, event, sample_dir / "inscriptions.csv")
    finally:
        hub.close()
    return url


def _sync(replica, url: str, name: str) -> None:  # type: ignore[no-untyped-def]
    hub = open_hub(url)
    try:
        exchange(replica, hub, desk=name)
    finally:
        hub.close()


def test_paper_arrivals_travel_and_are_reported_as_such(
    tmp_path: Path, event: EventConfig, sample_dir: Path
) -> None:
    url = _hub(tmp_path, event, sample_dir)
    lead_desk = open_replica(tmp_path / "lead.sqlite")
    other_desk = open_replica(tmp_path / "other.sqlite")
    _sync(lead_desk, url, "Accueil 1")
    _sync(other_desk, url, "Accueil 3")
    with lead_desk.read() as conn:
        everyone = [a for a in attendees.all_live(conn) if a.status == "confirmed" and DAY1 in a.days]
    ticked = everyone[:3]

    entries = [
        paper.record(lead_desk, event, p.uid, day=DAY1, at=t, paper_desk="Accueil 2", entered_by="Accueil 1")
        for p, t in zip(ticked, ("8h42", "08:47", "9.05"), strict=True)
    ]
    assert [e.outcome for e in entries] == ["recorded"] * 3
    assert "08:42" in entries[0].sentence(event) and "Accueil 2" in entries[0].sentence(event)
    # Typed twice (the same sheet on two desks, or twice here): nothing added, the first is said.
    again = paper.record(
        lead_desk, event, ticked[0].uid, day=DAY1, at="10:00", paper_desk="Accueil 4", entered_by="x"
    )
    assert again.outcome == "already_in" and "08:42" in again.sentence(event)

    # The scan decision counts it: the person scanned later is "already in at 08:47, Accueil 2".
    decision = scan.decide(lead_desk, event, ticked[1].code, day=DAY1, desk="Accueil 1")
    assert decision.outcome == "already_in"
    assert "08:47 — Accueil 2" in scan.instruction(decision, event)

    # Exchanged like any other fact: the other desk knows them, marked as from paper.
    _sync(lead_desk, url, "Accueil 1")
    _sync(other_desk, url, "Accueil 3")
    with other_desk.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT attendee_uid, desk, reason, json_extract(data, '$.paper'), json_extract(data, '$.entered_by'), at"
            " FROM fact WHERE kind = 'checkin' ORDER BY at"
        ).all()
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [
        (p.uid, "Accueil 2", "paper", 1, "Accueil 1") for p in ticked
    ]
    assert rows[0][5].startswith(f"{DAY1}T06:42")  # 08:42 in Paris in July is 06:42 UTC
    decision = scan.decide(other_desk, event, ticked[2].code, day=DAY1, desk="Accueil 3")
    assert decision.outcome == "already_in" and "09:05" in scan.instruction(decision, event)

    # Reports: counted as present, and said to come from paper (from the hub and the desk).
    pdf = write_report("attendance", output=tmp_path / "presence.pdf", hub=url, day=DAY1)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "3 présents sur" in text and "dont 3 saisies après coup depuis la liste papier" in text
    xlsx = write_report("emargement", output=tmp_path / "emargement.xlsx", db=str(other_desk.path), day=DAY1)
    sheet = load_workbook(xlsx).active
    marked = [
        (row[0].value, row[1].value, row[4].value) for row in sheet.iter_rows(min_row=2) if row[4].value
    ]
    assert marked and all(at.endswith("(papier)") for _n, _f, at in marked)
    assert (ticked[0].last_name or ticked[0].native_name, ticked[0].first_name, "08:42 (papier)") in marked
    lead_desk.close()
    other_desk.close()


def test_wrong_paper_entries_are_refused_in_words(tmp_path: Path, event: EventConfig, sample_db) -> None:  # type: ignore[no-untyped-def]
    with sample_db.read() as conn:
        people = attendees.all_live(conn)
    confirmed = next(p for p in people if p.status == "confirmed")
    cancelled = next(p for p in people if p.status == "cancelled")
    cases = [
        (cancelled.uid, DAY1, "08:40", "Accueil 2", "annulée"),
        (confirmed.uid, DAY1, "25:99", "Accueil 2", "Heure invalide"),
        (confirmed.uid, DAY1, "08:40", "  ", "poste écrit sur la feuille"),
        (confirmed.uid, "2026-07-10", "08:40", "Accueil 2", "ne fait pas partie"),
        (confirmed.uid, "2099-07-08", "08:40", "Accueil 2", "ne fait pas partie"),
    ]
    for uid, day, at, desk, words in cases:
        with pytest.raises(KnownError, match=words):
            paper.record(sample_db, event, uid, day=day, at=at, paper_desk=desk, entered_by="Accueil 1")
    with sample_db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM fact").scalar_one() == 0
