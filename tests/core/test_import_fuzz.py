"""Arbitrary rows and statuses thrown at the importer: rejected or imported, never a crash."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkin.event.model import EventConfig
from checkin.importer import import_file
from checkin.importer.records import parse_status
from checkin.replica.db import open_replica

HEADERS = [
    "N° inscription",
    "Code billet",
    "Statut",
    "Date d'inscription",
    "Prénom",
    "Nom",
    "Email",
    "Téléphone",
    "Jours",
    "Catégorie badge",
]

cell = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=12), max_size=12))
def test_arbitrary_rows_never_crash(tmp_path: Path, event: EventConfig, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    path = tmp_path / "fuzz.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    db = tmp_path / "fuzz.sqlite"
    replica = open_replica(db)
    try:
        summary = import_file(replica, event, path)
        assert summary.read == summary.created + summary.updated + summary.unchanged + len(summary.rejected)
        again = import_file(replica, event, path)  # idempotent whatever the rows were
        assert again.created == 0 and again.updated == 0
    finally:
        replica.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("Confirmée", "confirmed"),
        ("Confirmed", "confirmed"),
        ("ATTENDING", "confirmed"),
        ("", "confirmed"),
        ("Annulée", "cancelled"),
        ("Cancelled", "cancelled"),
        ("Canceled", "cancelled"),
        ("Refunded", "cancelled"),
        ("En attente", "waitlisted"),
        ("Waitlist", "waitlisted"),
        ("Pending", "waitlisted"),
    ],
)
def test_status_synonyms(value: str, status: str) -> None:
    assert parse_status(value) == status
