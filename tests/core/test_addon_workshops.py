"""Workshop registrations from the platform's add-on products (issue 20): a pretix check-in
list whose add-on positions name a programme session — by its code (``A3``), its code and
a title (``A1 – …``) or its title — registers the person for that session, so a door of a
session open to ``registered`` admits them; other add-ons (``A30 Déjeuner``, the evening
event) register nobody. The file is ``tests/data/wild/pretix_checkinlist_workshops.csv``."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkin.arrivals import rooms
from checkin.event.model import EventConfig
from checkin.importer import addons, import_file
from checkin.replica.db import Replica
from checkin.replica.programme import names_session

DATA = Path(__file__).resolve().parents[1] / "data"
DAY1 = "2026-07-08"


def _person(replica: Replica, last_name: str) -> tuple[str, str]:
    with replica.read() as conn:
        uid, code = conn.exec_driver_sql(
            "SELECT uid, code FROM attendee WHERE last_name = ?", (last_name,)
        ).one()
    return str(uid), str(code)


@pytest.mark.parametrize(
    ("product", "named"),
    [
        ("A3", True),
        ("a3", True),
        ("A3 – Jeunesse", True),
        ("A3: atelier", True),
        ("Jeunesse, volontariat et mobilite internationale", True),  # accent-blind
        ("A30 Déjeuner", False),
        ("Atelier A3", False),
        ("", False),
    ],
)
def test_which_product_names_a_session(product: str, named: bool) -> None:
    assert names_session(product, "A3", "Jeunesse, volontariat et mobilité internationale") is named


def test_add_on_products_register_for_the_sessions_they_name(
    replica: Replica, event: EventConfig, sample_dir: Path
) -> None:
    import_file(replica, event, sample_dir / "programme.csv")
    summary = import_file(replica, event, DATA / "wild" / "pretix_checkinlist_workshops.csv")
    assert (summary.created, summary.rejected) == (4, [])
    lea, marc, ines, paul = (_person(replica, n) for n in ("Fontaine", "Olivier", "Barbier", "Garnier"))
    assert addons.of(replica, ines[0]) == {"A1 – Diplomatie des territoires": 1, "Evening event": 1}

    def door(room: str, code: str) -> str:
        target = rooms.serving(replica, room, DAY1, "11:40")
        assert target is not None
        d = rooms.decide(replica, event, code, target, day=DAY1, hhmm="11:40", desk="Porte")
        return d.outcome

    # A3 (Salon Lavoisier, open to those registered): by code, by title; A1 by code and title.
    assert door("Salon Lavoisier", lea[1]) == "admitted"
    assert door("Salon Lavoisier", marc[1]) == "admitted"
    assert door("Salon Lavoisier", ines[1]) == "not_in_session"
    assert door("Salon Vaucanson", ines[1]) == "admitted"
    # An evening event and "A30 Déjeuner" register for no workshop.
    assert door("Salon Lavoisier", paul[1]) == "not_in_session"
    assert door("Salon Vaucanson", paul[1]) == "not_in_session"


def test_add_on_registrants_in_the_workshop_noshows(
    replica: Replica, event: EventConfig, sample_dir: Path, tmp_path: Path
) -> None:
    """The no-shows per workshop read the same registrations as the door: a person whose
    add-on names A3 and who never came in is absent from A3; one who came in is not."""
    from openpyxl import load_workbook

    from checkin.reports import write_report

    import_file(replica, event, sample_dir / "programme.csv")
    import_file(replica, event, DATA / "wild" / "pretix_checkinlist_workshops.csv")
    lea, marc = (_person(replica, n) for n in ("Fontaine", "Olivier"))
    target = rooms.serving(replica, "Salon Lavoisier", DAY1, "11:40")
    assert target is not None and target.code == "A3"
    came = rooms.decide(replica, event, marc[1], target, day=DAY1, hhmm="11:40", desk="Porte")
    assert came.outcome == "admitted"
    path = replica.path
    replica.close()
    book = load_workbook(write_report("noshows", output=tmp_path / "no.xlsx", db=str(path), day=DAY1))
    rows = [list(r) for r in book[f"Absents ateliers {DAY1}"].iter_rows(values_only=True)][1:]
    a3 = {c for r in rows if r[0] == "A3" for c in r if isinstance(c, str)}
    assert lea[1] in a3 and marc[1] not in a3
