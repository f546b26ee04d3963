"""The scan decision, outcome by outcome, on a real replica of the sample export."""

from __future__ import annotations

import json
import threading

from checkin.arrivals import scan
from checkin.base import codes
from checkin.event.model import EventConfig
from checkin.replica import facts
from checkin.replica.db import Replica

DAY1, DAY2 = "2026-07-08", "2026-07-09"


def facts_of(replica: Replica, kind: str) -> int:
    with replica.read() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM fact WHERE kind = ?", (kind,)).scalar_one())


def test_admitted_then_already_in_with_time_and_desk(sample_db: Replica, event: EventConfig) -> None:
    first = scan.decide(sample_db, event, "AICT26-YPAGKWKQ", day=DAY1, desk="Accueil 1")
    assert first.outcome == "admitted"
    assert first.attendee is not None and first.attendee.full_name == "Aurore Laroche"
    assert first.checkin is not None and first.checkin.desk == "Accueil 1"
    assert scan.instruction(first, event) == "Remettre le badge"
    second = scan.decide(sample_db, event, "AICT26-YPAGKWKQ", day=DAY1, desk="Accueil 2")
    assert second.outcome == "already_in"
    assert second.first_checkin is not None and second.first_checkin.id == first.checkin.id
    hhmm = event.local(first.checkin.at).strftime("%H:%M")
    assert scan.instruction(second, event) == f"Déjà enregistré·e à {hhmm} — Accueil 1"
    assert facts_of(sample_db, "checkin") == 1
    # The next day is a new day.
    assert scan.decide(sample_db, event, "AICT26-YPAGKWKQ", day=DAY2, desk="Accueil 1").outcome == "admitted"


def test_the_admission_is_on_disk_before_the_answer(sample_db: Replica, event: EventConfig) -> None:
    from checkin.replica.db import open_replica

    decision = scan.decide(sample_db, event, "AICT26-YPAGKWKQ", day=DAY1, desk="A")
    other = open_replica(sample_db.path)  # another connection, as after a crash
    try:
        with other.read() as conn:
            row = conn.exec_driver_sql("SELECT id FROM fact WHERE kind = 'checkin'").scalar_one()
        assert decision.checkin is not None and row == decision.checkin.id
    finally:
        other.close()


def test_not_registered_today(sample_db: Replica, event: EventConfig) -> None:
    # Michèle Guillaume is registered for 8 July only.
    d = scan.decide(sample_db, event, "AICT26-HVFV7NZB", day=DAY2, desk="A")
    assert d.outcome == "not_today"
    assert scan.instruction(d, event) == "Inscrit·e pour le 8 juillet seulement — voir le responsable"
    assert facts_of(sample_db, "checkin") == 0


def test_cancelled_and_waitlisted(sample_db: Replica, event: EventConfig) -> None:
    cancelled = scan.decide(sample_db, event, "AICT26-KW5KNH99", day=DAY1, desk="A")
    assert cancelled.outcome == "cancelled"
    assert "annulée" in scan.instruction(cancelled, event)
    with sample_db.read() as conn:
        code = conn.exec_driver_sql(
            "SELECT code FROM attendee WHERE status = 'waitlisted' LIMIT 1"
        ).scalar_one()
    waiting = scan.decide(sample_db, event, code, day=DAY1, desk="A")
    assert waiting.outcome == "waitlisted"
    assert facts_of(sample_db, "checkin") == 0


def test_superseded_code_leads_to_the_live_registration(sample_db: Replica, event: EventConfig) -> None:
    # Adèle Grenier's cancelled duplicate: scanning it admits her live registration.
    d = scan.decide(sample_db, event, "AICT26-RADVZWSP", day=DAY1, desk="A")
    assert d.outcome == "superseded"
    assert d.attendee is not None and d.attendee.code == "AICT26-E6E2M9S2"
    assert d.live is not None and d.live.outcome == "admitted"
    assert d.ok
    # Scanning the live code now says she is in.
    assert scan.decide(sample_db, event, "AICT26-E6E2M9S2", day=DAY1, desk="B").outcome == "already_in"
    # And the old code again: superseded, already in.
    again = scan.decide(sample_db, event, "AICT26-RADVZWSP", day=DAY1, desk="B")
    assert again.outcome == "superseded" and again.live is not None and again.live.outcome == "already_in"


def test_unknown_and_unreadable(sample_db: Replica, event: EventConfig) -> None:
    unknown = scan.decide(sample_db, event, "AICT26-ZZZZZZZZ", day=DAY1, desk="A")
    assert (unknown.outcome, unknown.code, unknown.attendee) == ("unknown", "AICT26-ZZZZZZZZ", None)
    assert scan.instruction(unknown, event) == "Code inconnu — rechercher par nom"
    assert scan.decide(sample_db, event, "\r\n", day=DAY1, desk="A").outcome == "unreadable"


def test_a_repaired_scan_admits_and_says_so(sample_db: Replica, event: EventConfig) -> None:
    garbled = codes.garble("https://aict.example/billet/AICT26-YPAGKWKQ", "us", "fr")
    d = scan.decide(sample_db, event, garbled, day=DAY1, desk="A")
    assert (d.outcome, d.code, d.repaired) == ("admitted", "AICT26-YPAGKWKQ", "us→fr")
    payload = json.loads(json.dumps(d.to_json(), ensure_ascii=False))
    assert payload["repaired"] == "us→fr"


def test_undo_makes_the_next_scan_admit_again(sample_db: Replica, event: EventConfig) -> None:
    first = scan.decide(sample_db, event, "AICT26-YPAGKWKQ", day=DAY1, desk="A")
    assert first.checkin is not None
    facts.record_undo(sample_db, first.checkin.id, desk="A", role="lead", reason="wrong person")
    again = scan.decide(sample_db, event, "AICT26-YPAGKWKQ", day=DAY1, desk="A")
    assert again.outcome == "admitted"
    assert facts_of(sample_db, "checkin") == 2 and facts_of(sample_db, "undo") == 1


def test_two_desks_scanning_at_once_admit_once(sample_db: Replica, event: EventConfig) -> None:
    outcomes: list[str] = []

    def desk(name: str) -> None:
        outcomes.append(scan.decide(sample_db, event, "AICT26-YPAGKWKQ", day=DAY1, desk=name).outcome)

    threads = [threading.Thread(target=desk, args=(f"D{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["admitted"] + ["already_in"] * 5


def test_a_walk_in_gets_a_code_that_scans(sample_db: Replica, event: EventConfig) -> None:
    person = facts.create_walkin(
        sample_db,
        event,
        {"first_name": "zoé", "last_name": "DE LA TOUR", "organisation": "Mairie", "category": "Presse"},
        day=DAY1,
        desk="A",
    )
    assert event.code_regex.fullmatch(person.code)
    assert (person.first_name, person.last_name, person.category) == ("Zoé", "de La Tour", "Presse")
    assert scan.decide(sample_db, event, person.code, day=DAY1, desk="A").outcome == "admitted"
