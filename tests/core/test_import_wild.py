"""Exports found in the wild (issue 19): files of the exact shapes other projects committed
— their headers, encodings and quirks; the people invented — that broke where our own
test files never did. The files are in ``tests/data/wild/``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from checkin.arrivals import scan
from checkin.event.model import EventConfig
from checkin.importer import addons, import_file
from checkin.importer.dates import read
from checkin.replica import attendees
from checkin.replica.db import Replica

WILD = Path(__file__).resolve().parents[1] / "data" / "wild"
ROOT = Path(__file__).resolve().parents[2]


def registration(replica: Replica, number: str) -> attendees.AttendeeView:
    with replica.read() as conn:
        uid = conn.exec_driver_sql("SELECT uid FROM attendee WHERE registration = ?", (number,)).scalar_one()
        found = attendees.by_uid(conn, uid)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("text", "month_first", "expected"),
    [
        ("11/29/24 22:28", True, "2024-11-29T22:28"),  # Eventbrite
        ("12/02/24 09:05", True, "2024-12-02T09:05"),
        ("29/11/2024 22:28", True, "2024-11-29T22:28"),  # only a day can be 29
        ("02/12/2024 09:05", False, "2024-12-02T09:05"),  # French
        ("08/07/2026 9h30", False, "2026-07-08T09:30"),
        ("03/01/2025 7:41 PM", True, "2025-03-01T19:41"),
        ("2024-11-29T22:28:00+01:00", False, "2024-11-29T22:28"),  # ISO with an offset
        ("2024-11-29T21:28:00Z", False, "2024-11-29T21:28"),
        ("2024-11-29 22:28:00.123456-08:00", False, "2024-11-29T22:28"),
        ("08.07.2026", False, "2026-07-08T00:00"),
        ("le 8 juillet", False, None),
        ("31/02/2026", False, None),
    ],
)
def test_dates_as_the_platforms_write_them(text: str, month_first: bool, expected: str | None) -> None:
    assert read(text, month_first) == expected


def test_eventbrite_attendee_report_of_2024_with_american_dates(replica: Replica, event: EventConfig) -> None:
    summary = import_file(replica, event, WILD / "eventbrite_attendees_2024.csv")
    assert (summary.platform, summary.created, summary.rejected) == ("eventbrite", 3, [])
    assert summary.unread_dates == 0
    ines = registration(replica, "16012345001")
    assert (ines.registered_at, ines.category, ines.days) == ("2024-11-29T22:28", "Élu", ("2026-07-08",))


def test_a_registration_date_that_cannot_be_read_is_kept_and_said_once(
    tmp_path: Path, replica: Replica, event: EventConfig
) -> None:
    text = (WILD / "eventbrite_attendees_2024.csv").read_text(encoding="utf-8")
    text = text.replace("11/29/24 22:28", "vendredi soir").replace("12/02/24 09:05", "??")
    path = tmp_path / "odd.csv"
    path.write_text(text, encoding="utf-8")
    summary = import_file(replica, event, path)
    assert (summary.created, summary.rejected) == (3, [])
    assert (summary.unread_dates, summary.unread_date) == (2, "vendredi soir")
    assert registration(replica, "16012345001").registered_at == "vendredi soir"
    from checkin.importer.report import lines

    said = [line for line in lines(summary, event) if "illisible" in line]
    assert said == [
        "2 dates d'inscription illisibles, gardées telles quelles (par exemple « vendredi soir ») : "
        "les inscriptions sont importées"
    ]


def test_pretix_check_in_list_of_2018_add_ons_are_entitlements(replica: Replica, event: EventConfig) -> None:
    summary = import_file(replica, event, WILD / "pretix_checkinlist_2018.csv")
    assert (summary.read, summary.created, summary.rejected) == (40, 10, [])
    assert summary.addons == {"Accommodation": 20, "Evening event": 10}
    hugo = registration(replica, "Q7XKD-hugo roux")
    assert addons.of(replica, hugo.uid) == {"Accommodation": 2, "Evening event": 1}
    assert (hugo.category, hugo.code.startswith(event.walkin_prefix)) == ("Participant", True)
    assert registration(replica, "T6V3Z-olivier marchand").status == "pending"  # Paid: No
    # Imported again: nothing changes, the entitlements stay as they are.
    again = import_file(replica, event, WILD / "pretix_checkinlist_2018.csv")
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 10, [])
    assert addons.of(replica, hugo.uid) == {"Accommodation": 2, "Evening event": 1}


def test_an_add_on_gone_from_the_export_is_gone_from_the_person(
    tmp_path: Path, replica: Replica, event: EventConfig
) -> None:
    import_file(replica, event, WILD / "pretix_checkinlist_2018.csv")
    lines = (WILD / "pretix_checkinlist_2018.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not ("Hugo Roux" in line and "Evening" in line)]
    path = tmp_path / "later.csv"
    path.write_text("".join(kept), encoding="utf-8")
    import_file(replica, event, path)
    assert addons.of(replica, registration(replica, "Q7XKD-hugo roux").uid) == {"Accommodation": 2}


def test_billetweb_utf16_tab_export_with_its_header_repeated_at_the_end(
    replica: Replica, event: EventConfig
) -> None:
    summary = import_file(replica, event, WILD / "billetweb_export.csv")
    assert (summary.platform, summary.read, summary.created, summary.rejected) == ("billetweb", 3, 3, [])
    sylvie = registration(replica, "51234001")
    assert (sylvie.code, sylvie.category, sylvie.days) == ("83912045671", "Élu", ("2026-07-08", "2026-07-09"))
    assert registration(replica, "51234003").status == "pending"  # Payé: Non


def test_eventbrite_orders_export_to_text_gets_codes_of_our_own(replica: Replica, event: EventConfig) -> None:
    summary = import_file(replica, event, WILD / "eventbrite_orders.txt")
    assert (summary.platform, summary.created, summary.own_codes, summary.rejected) == (
        "eventbrite",
        3,
        3,
        [],
    )
    marc = registration(replica, "1084360001")
    assert (marc.first_name, marc.email, marc.registered_at) == (
        "Marc",
        "marc@example.org",
        "2024-11-29T22:28",
    )
    assert (marc.category, marc.days) == ("Élu", ("2026-07-09",))
    assert registration(replica, "1084360003").status == "cancelled"
    code = marc.code
    assert scan.decide(replica, event, code, day="2026-07-09", desk="A").outcome == "admitted"
    again = import_file(replica, event, WILD / "eventbrite_orders.txt")
    assert again.unchanged == 3 and registration(replica, "1084360001").code == code


def test_the_dry_run_counts_add_ons_through_the_command_line(home: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "checkin.cli",
            "import",
            str(WILD / "pretix_checkinlist_2018.csv"),
            "--dry-run",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    data = json.loads(done.stdout)
    assert (data["created"], data["rejected"], data["addons"]) == (
        10,
        [],
        {"Accommodation": 20, "Evening event": 10},
    )
