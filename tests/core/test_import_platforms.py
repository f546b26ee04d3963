"""Exports as the ticketing platforms write them: recognised, read, and given the right
category, days and status, without a mapping file.

The files come from ``tests/platform_exports.py``, which writes them as each platform does
(pretix's own headers in each language, its CSV dialects and apostrophe guard, its XLSX).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from checkin.arrivals import scan
from checkin.event.model import EventConfig
from checkin.importer import import_file
from checkin.replica import attendees, facts
from checkin.replica.db import Replica, open_replica

from .platform_exports import (
    PRETIX,
    Ticket,
    billetweb,
    eventbrite,
    eventbrite_fr,
    helloasso,
    pretix_checkin_list,
    pretix_order_data,
    weezevent,
)

DAY1, DAY2 = "2026-07-08", "2026-07-09"
BOTH = (DAY1, DAY2)

TICKETS = [
    Ticket("A1B2C", "Aurore", "LAROCHE", "aurore@ville-concarneau.fr", "Elected official", "8 July only",
           secret="k3vq7xrw2pmz8ntd4hcy9sfa6gbe5ujl", company="Ville de Concarneau", phone="+33 6 12 34 56 78"),
    Ticket("A1B2C", "Jean", "Dupont", "jean@ville-concarneau.fr", "Élu·e", "Pass 2 jours", position=2,
           secret="p8dn4wqx6vzr2mkc7hty3bsf9gae5jul", company="=Cités Unies France",
           comment="Arrive late\nVegetarian; table 4", checked_in=True),
    Ticket("D4E5F", "Mei", "Chen", "mei@press.example", "Presse", "9 juillet", secret="z7mq2kvr9xdn4wpc8hty6bsf3gae5jul"),
    Ticket("G7H8J", "Kofi", "Mensah", "kofi@example.org", "Participant", status="n",
           secret="m4kx8qvr2zdn7wpc3hty9bsf6gae5jul"),
    Ticket("K9L0M", "Ana", "Souza", "ana@example.org", "Pass Découverte", secret="r2zx7mvq4kdn9wpc6hty3bsf8gae5jul"),
]  # fmt: skip
# The order data adds what the check-in list leaves out: cancelled, expired, add-ons.
MORE = [
    Ticket("N1P2Q", "Lucas", "Martin", "lucas@example.org", "Elected official", "9 July only", status="c",
           secret="w9zx2mvq4kdn7rpc6hty3bsf8gae5jul"),
    Ticket("R3S4T", "Zoé", "Petit", "zoe@example.org", "Participant", status="e", secret="x4zw2mvq9kdn7rpc6hty3bsf8gae5jul"),
    Ticket("A1B2C", "Aurore", "LAROCHE", "aurore@ville-concarneau.fr", "Déjeuner du 8 juillet", position=3,
           secret="y6zw2mvq9kdn7rpc4hty3bsf8gae5jul", price=Decimal("25.00"), addon_to=1),
]  # fmt: skip


def person(replica: Replica, code: str) -> attendees.AttendeeView:
    with replica.read() as conn:
        found = attendees.by_code(conn, code)  # pretix secrets kept as written
    assert found is not None, code
    return found


def check_people(replica: Replica, *, pending_in_file: bool = True) -> None:
    aurore = person(replica, TICKETS[0].secret)
    assert (aurore.first_name, aurore.last_name, aurore.category, aurore.days) == (
        "Aurore",
        "Laroche",
        "Élu",
        (DAY1,),
    )
    assert aurore.status == "confirmed" and aurore.organisation == "Ville de Concarneau"
    assert aurore.phone == "+33 6 12 34 56 78"  # pretix's apostrophe guard removed
    jean = person(replica, TICKETS[1].secret)
    assert (jean.category, jean.days, jean.status) == ("Élu", BOTH, "confirmed")
    assert jean.organisation == "=Cités Unies France"
    assert jean.platform_checkin.startswith("pretix") and jean.platform_checkin != "pretix : "
    assert aurore.platform_checkin == ""
    mei = person(replica, TICKETS[2].secret)
    assert (mei.category, mei.days, mei.status) == ("Presse", (DAY2,), "confirmed")
    if pending_in_file:
        kofi = person(replica, TICKETS[3].secret)
        assert (kofi.category, kofi.days, kofi.status) == ("Participant", BOTH, "pending")
    ana = person(replica, TICKETS[4].secret)
    assert (ana.category, ana.days) == ("Participant", BOTH)


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
@pytest.mark.parametrize("fmt", ["default", "csv-excel", "semicolon", "xlsx"])
def test_pretix_check_in_list_in_every_format(
    tmp_path: Path, replica: Replica, event: EventConfig, lang: str, fmt: str
) -> None:
    path = pretix_checkin_list(
        tmp_path / f"aict_checkin.{'xlsx' if fmt == 'xlsx' else 'csv'}", lang, TICKETS, fmt
    )
    summary = import_file(replica, event, path)
    assert summary.platform == "pretix" and f"({lang})" in summary.layout
    assert (summary.created, summary.rejected) == (5, [])
    check_people(replica)
    assert summary.columns["code"] == PRETIX[lang]["checkin_list"][10]
    assert summary.statuses == {"confirmed": 4, "pending": 1}
    assert summary.platform_checkins == 1
    # What fell to a default is listed: the unknown ticket type, the tickets naming no day.
    defaults = {(d["ticket_type"], tuple(d["defaults"])) for d in summary.defaults}
    assert ("Pass Découverte", ("category", "days")) in defaults
    assert ("Participant", ("days",)) in defaults
    assert not any(d["ticket_type"].startswith("Elected official") for d in summary.defaults)
    assert summary.table["Élu"] == {DAY1: 2, DAY2: 1}
    assert summary.table["Presse"] == {DAY1: 0, DAY2: 1}


@pytest.mark.parametrize("lang", ["en", "fr", "de", "es"])
@pytest.mark.parametrize("fmt", ["semicolon", "xlsx"])
def test_pretix_order_data_positions(
    tmp_path: Path, replica: Replica, event: EventConfig, lang: str, fmt: str
) -> None:
    path = pretix_order_data(
        tmp_path / f"aict_orders.{'xlsx' if fmt == 'xlsx' else 'csv'}", lang, TICKETS + MORE, fmt
    )
    summary = import_file(replica, event, path)
    assert summary.platform == "pretix" and summary.layout.startswith("pretix — données de commande")
    assert summary.rejected == []
    assert [s["row"] for s in summary.skipped] == [9]  # the lunch add-on is not a person
    assert summary.created == 7
    check_people(replica)
    assert person(replica, MORE[0].secret).status == "cancelled"
    assert person(replica, MORE[1].secret).status == "cancelled"  # expired
    aurore = person(replica, TICKETS[0].secret)
    assert aurore.registration == "A1B2C-1" and person(replica, TICKETS[1].secret).registration == "A1B2C-2"
    assert aurore.email == "aurore@ville-concarneau.fr"  # the attendee's, not the order's
    if fmt == "xlsx":
        assert summary.file["sheet"] != "Orders"


def test_a_check_in_list_without_secrets_imports_with_codes_of_our_own(
    tmp_path: Path, replica: Replica, event: EventConfig
) -> None:
    path = pretix_checkin_list(tmp_path / "no_secrets.csv", "fr", TICKETS, "semicolon", secrets=False)
    summary = import_file(replica, event, path)
    assert (summary.created, summary.own_codes, summary.rejected) == (5, 5, [])
    with replica.read() as conn:
        own = dict(conn.exec_driver_sql("SELECT registration, code FROM attendee").all())
    assert all(event.code_regex.fullmatch(c) for c in own.values())
    # The desk finds them by name, and their badge code scans.
    from checkin.arrivals import search

    found = search.find(replica, "laroche", 5)
    assert [a.last_name for a in found] == ["Laroche"]
    decision = scan.decide(replica, event, found[0].code, day=DAY1, desk="Accueil 1")
    assert decision.outcome == "admitted"
    # Stable: the same export imported again (here or on another desk) gives the same codes.
    assert import_file(replica, event, path).unchanged == 5
    other = open_replica(tmp_path / "other.sqlite")
    import_file(other, event, path)
    with other.read() as conn:
        assert dict(conn.exec_driver_sql("SELECT registration, code FROM attendee").all()) == own


def test_single_day_tickets_are_refused_on_the_other_day(
    tmp_path: Path, replica: Replica, event: EventConfig
) -> None:
    import_file(replica, event, pretix_checkin_list(tmp_path / "list.csv", "en", TICKETS, "csv-excel"))
    code = TICKETS[0].secret  # Elected official – 8 July only
    refused = scan.decide(replica, event, code, day=DAY2, desk="Accueil 1")
    assert refused.outcome == "not_today"
    assert "8 juillet seulement" in scan.instruction(refused, event)
    assert scan.decide(replica, event, code, day=DAY1, desk="Accueil 1").outcome == "admitted"
    press = TICKETS[2].secret  # Presse – 9 juillet
    assert scan.decide(replica, event, press, day=DAY1, desk="Accueil 1").outcome == "not_today"


def test_single_day_refusal_through_the_command_line(tmp_path: Path, home: Path) -> None:
    path = pretix_checkin_list(tmp_path / "liste.csv", "fr", TICKETS, "semicolon")
    db = tmp_path / "desk.sqlite"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "checkin.cli", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={
                "CHECKIN_HOME": str(home),
                "PATH": "/usr/bin:/bin",
                "CHECKIN_PASSPHRASE": os.environ["CHECKIN_PASSPHRASE"],
                "CHECKIN_TODAY": os.environ["CHECKIN_TODAY"],  # the event's days, not past its retention
            },
        )

    imported = run("import", str(path), "--db", str(db))
    assert imported.returncode == 0, imported.stderr
    other_day = run("scan", TICKETS[0].secret, "--db", str(db), "--day", DAY2, "--json")
    assert json.loads(other_day.stdout)["outcome"] == "not_today"
    pending = run("scan", TICKETS[3].secret, "--db", str(db), "--day", DAY1)
    assert pending.stdout.splitlines() == [
        "PAYMENT_PENDING  Kofi Mensah",
        "Paiement en attente — voir le responsable",
    ]


def test_a_pending_payment_is_not_admitted_silently_and_the_lead_may_admit(
    tmp_path: Path, replica: Replica, event: EventConfig
) -> None:
    import_file(replica, event, pretix_checkin_list(tmp_path / "list.csv", "de", TICKETS, "semicolon"))
    decision = scan.decide(replica, event, TICKETS[3].secret, day=DAY1, desk="Accueil 1")
    assert decision.outcome == "payment_pending" and not decision.ok
    assert scan.instruction(decision, event) == "Paiement en attente — voir le responsable"
    with replica.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM fact").scalar_one() == 0
    assert decision.attendee is not None
    facts.record_checkin(
        replica, decision.attendee, day=DAY1, desk="Accueil 1", role="lead", override="payé sur place"
    )
    again = scan.decide(replica, event, TICKETS[3].secret, day=DAY1, desk="Accueil 2")
    assert again.outcome == "already_in"  # the lead admitted: in, like anyone


def test_a_check_in_already_recorded_by_the_platform_is_information_not_an_arrival(
    tmp_path: Path, replica: Replica, event: EventConfig
) -> None:
    import_file(replica, event, pretix_checkin_list(tmp_path / "list.csv", "fr", TICKETS, "semicolon"))
    jean = person(replica, TICKETS[1].secret)
    assert jean.platform_checkin == "pretix : 08/07/2026 09:05"
    with replica.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM fact").scalar_one() == 0
    assert scan.decide(replica, event, TICKETS[1].secret, day=DAY1, desk="Accueil 1").outcome == "admitted"


def test_reimporting_a_platform_export_is_idempotent_and_keeps_desk_work(
    tmp_path: Path, replica: Replica, event: EventConfig
) -> None:
    path = pretix_order_data(tmp_path / "orders.csv", "fr", TICKETS + MORE, "semicolon")
    import_file(replica, event, path)
    aurore = person(replica, TICKETS[0].secret)
    assert scan.decide(replica, event, TICKETS[0].secret, day=DAY1, desk="A").outcome == "admitted"
    facts.record_edit(replica, aurore.uid, "last_name", "Laroche-Kervella", desk="A", role="lead")
    again = import_file(replica, event, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    changed = [t for t in TICKETS + MORE]
    changed[2] = Ticket(**{**TICKETS[2].__dict__, "status": "c"})  # the press ticket refunded
    changed[0] = Ticket(**{**TICKETS[0].__dict__, "last": "LAROCHE-KERVELLA"})
    summary = import_file(
        replica, event, pretix_order_data(tmp_path / "orders2.csv", "fr", changed, "semicolon")
    )
    assert (summary.created, summary.updated, summary.cancelled) == (0, 2, 1)
    assert person(replica, TICKETS[0].secret).last_name == "Laroche-Kervella"
    assert scan.decide(replica, event, TICKETS[0].secret, day=DAY1, desk="B").outcome == "already_in"
    assert person(replica, TICKETS[2].secret).status == "cancelled"


@pytest.mark.parametrize("fmt", ["semicolon", "xlsx"])
def test_the_window_opens_and_maps_the_file_once_and_imports_it_as_previewed(
    tmp_path: Path, replica: Replica, event: EventConfig, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    import os

    from checkin.importer import dispatch, opened, preview, sources

    # Counted here, in the window's process: the import's own process (importer/apart.py)
    # runs the same reopen (tests/core/test_import_apart.py imports a preview apart).
    monkeypatch.setenv("CHECKIN_IMPORT_APART", "0")
    path = pretix_checkin_list(tmp_path / f"liste.{'xlsx' if fmt == 'xlsx' else 'csv'}", "fr", TICKETS, fmt)
    tables: list[object] = []  # the ``like`` each opening was given
    built: list[object] = []
    real_open, real_build = sources.open_table, preview.build
    monkeypatch.setattr(opened, "open_table", lambda p, like=None: tables.append(like) or real_open(p, like))
    for module in (preview, dispatch):
        monkeypatch.setattr(module, "build", lambda *a: built.append(a) or real_build(*a))

    shown = preview.preview(replica, event, path)
    assert (len(tables), len(built)) == (1, 1)
    assert shown.summary.dry_run and shown.summary.created == 5 and shown.summary.platform == "pretix"
    company = shown.headers.index(shown.detected["organisation"])
    assert shown.rows[1][company] == "=Cités Unies France"  # the apostrophe guard undone, once
    assert shown.export is not None

    summary = preview.run_import(replica, event, shown)
    assert (len(tables), len(built)) == (2, 1)  # read again as previewed: nothing guessed twice
    assert tables[1] is shown.export.table
    assert (summary.created, summary.platform, summary.file) == (5, "pretix", shown.summary.file)
    check_people(replica)

    stamp = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))  # the file changed since the preview: read afresh
    again = preview.run_import(replica, event, shown)
    assert (len(tables), len(built)) == (3, 2) and tables[2] is None
    assert again.unchanged == 5


EVENTBRITE_ROWS = [
    {"order": "4412345678", "attendee": "5512345678", "first": "Aurore", "last": "Laroche", "email": "a@x.org",
     "ticket": "Elected official – 8 July only", "barcode": "44123456785512345678001"},
    {"order": "4412345679", "attendee": "5512345679", "first": "Mei", "last": "Chen", "email": "m@x.org",
     "ticket": "Press - 9 July", "barcode": "44123456795512345679001", "status": "Checked In"},
    {"order": "4412345680", "attendee": "5512345680", "first": "Kofi", "last": "Mensah", "email": "k@x.org",
     "ticket": "General Admission", "barcode": "44123456805512345680001", "status": "Not Attending"},
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_eventbrite_attendee_report_with_long_barcodes(
    tmp_path: Path, replica: Replica, event: EventConfig, fmt: str
) -> None:
    rows = [dict(r) for r in EVENTBRITE_ROWS]  # barcodes as text: never read as numbers
    summary = import_file(replica, event, eventbrite(tmp_path / f"report.{fmt}", rows, fmt=fmt))
    assert summary.platform == "eventbrite" and summary.rejected == []
    aurore = person(replica, "44123456785512345678001")
    assert (aurore.category, aurore.days, aurore.status, aurore.registration) == (
        "Élu",
        (DAY1,),
        "confirmed",
        "5512345678",
    )
    mei = person(replica, "44123456795512345679001")
    assert (mei.category, mei.days, mei.platform_checkin) == ("Presse", (DAY2,), "Eventbrite : Checked In")
    assert person(replica, "44123456805512345680001").status == "cancelled"


def test_a_barcode_stored_as_a_number_is_read_exactly_or_refused_with_a_reason(
    tmp_path: Path, replica: Replica, event: EventConfig
) -> None:
    """A spreadsheet number holds 15 significant digits: a short numeric code stored as a
    number reads exactly; a 23-digit barcode stored as a number has lost digits (Excel
    keeps 4.41234567855123E+22), and importing it would give a badge that never scans."""
    rows = [dict(r) for r in EVENTBRITE_ROWS]
    rows[0]["barcode"] = int(rows[0]["barcode"])  # written as a number: the XLSX keeps a float
    rows[1]["barcode"] = 123456789012345  # 15 digits as a number: exact
    summary = import_file(replica, event, eventbrite(tmp_path / "report.xlsx", rows, fmt="xlsx"))
    assert [r["row"] for r in summary.rejected] == [2]
    assert "4.412345678551235E+22" in summary.rejected[0]["reason"] and "CSV" in summary.rejected[0]["reason"]
    assert person(replica, "123456789012345").last_name == "Chen"
    # The CSV Excel saves again shows the same damage, and is refused the same way.
    csv_rows = [dict(r) for r in EVENTBRITE_ROWS]
    csv_rows[2]["barcode"] = "4.41234568055123E+22"
    again = import_file(replica, event, eventbrite(tmp_path / "resaved.csv", csv_rows))
    assert [r["row"] for r in again.rejected] == [4]


def test_eventbrite_attendee_summary_without_barcodes(
    tmp_path: Path, replica: Replica, event: EventConfig
) -> None:
    summary = import_file(
        replica, event, eventbrite(tmp_path / "summary.csv", EVENTBRITE_ROWS, barcode=False)
    )
    assert (summary.created, summary.own_codes, summary.rejected) == (3, 3, [])
    with replica.read() as conn:
        code = conn.exec_driver_sql(
            "SELECT code FROM attendee WHERE registration = '5512345678'"
        ).scalar_one()
    assert scan.decide(replica, event, code, day=DAY2, desk="A").outcome == "not_today"


def test_eventbrite_in_french(tmp_path: Path, replica: Replica, event: EventConfig) -> None:
    rows = [dict(r) for r in EVENTBRITE_ROWS]
    rows[0]["ticket"] = "Élu·e – 8 juillet seulement"
    rows[1]["status"] = "Enregistré"
    rows[2]["status"] = "Ne participe pas"
    summary = import_file(replica, event, eventbrite_fr(tmp_path / "rapport.csv", rows))
    assert summary.platform == "eventbrite" and summary.rejected == []
    assert (person(replica, rows[0]["barcode"]).category, person(replica, rows[0]["barcode"]).days) == (
        "Élu",
        (DAY1,),
    )
    assert person(replica, rows[1]["barcode"]).platform_checkin == "Eventbrite : Enregistré"
    assert person(replica, rows[2]["barcode"]).status == "cancelled"


HELLOASSO_ROWS = [
    {"order": "120045", "last": "Laroche", "first": "Aurore", "payer_email": "mairie@concarneau.fr",
     "tarif": "Élu·e – 8 juillet", "company": "Ville de Concarneau"},
    {"order": "120045", "last": "Dupont", "first": "Jean", "payer_email": "mairie@concarneau.fr",
     "payer_last": "Laroche", "payer_first": "Aurore", "tarif": "Élu·e – Pass 2 jours"},
    {"order": "120046", "last": "Chen", "first": "Mei", "payer_email": "mei@press.example", "tarif": "Presse – 9 juillet",
     "status": "En attente"},
    {"order": "120047", "last": "Souza", "first": "Ana", "payer_email": "ana@example.org", "tarif": "Participant",
     "status": "Remboursé"},
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_helloasso_participants_not_payers(
    tmp_path: Path, replica: Replica, event: EventConfig, fmt: str
) -> None:
    summary = import_file(replica, event, helloasso(tmp_path / f"export.{fmt}", HELLOASSO_ROWS, fmt))
    assert summary.platform == "helloasso" and summary.rejected == []
    assert summary.own_codes == 4  # HelloAsso's export carries no scannable code
    from checkin.arrivals import search

    jean = search.find(replica, "dupont", 5)
    assert [(a.first_name, a.last_name) for a in jean] == [("Jean", "Dupont")]  # the participant
    assert (jean[0].category, jean[0].days, jean[0].email) == ("Élu", BOTH, "mairie@concarneau.fr")
    aurore = search.find(replica, "laroche", 5)
    assert [(a.category, a.days) for a in aurore] == [("Élu", (DAY1,))]
    mei = search.find(replica, "chen", 5)[0]
    assert (mei.status, mei.category, mei.days) == ("pending", "Presse", (DAY2,))
    assert scan.decide(replica, event, mei.code, day=DAY2, desk="A").outcome == "payment_pending"
    assert search.find(replica, "souza", 5)[0].status == "cancelled"


WEEZEVENT_ROWS = [
    {"ticket_no": "8800001", "barcode": "1180000001234", "order": "W-501", "last": "Laroche", "first": "Aurore",
     "category": "Élu·e", "tarif": "8 juillet"},
    {"ticket_no": "8800002", "barcode": "1180000001235", "order": "W-502", "last": "Chen", "first": "Mei",
     "category": "Presse", "tarif": "Pass 2 jours", "scanned": "Oui"},
    {"ticket_no": "8800003", "barcode": "1180000001236", "order": "W-503", "last": "Mensah", "first": "Kofi",
     "category": "Participant", "tarif": "9 juillet", "status": "Non payé"},
    {"ticket_no": "8800004", "barcode": "1180000001237", "order": "W-504", "last": "Souza", "first": "Ana",
     "category": "Participant", "tarif": "Pass 2 jours", "status": "Remboursé"},
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_weezevent_category_and_tariff(
    tmp_path: Path, replica: Replica, event: EventConfig, fmt: str
) -> None:
    summary = import_file(replica, event, weezevent(tmp_path / f"participants.{fmt}", WEEZEVENT_ROWS, fmt))
    assert summary.platform == "weezevent" and summary.rejected == []
    aurore = person(replica, "1180000001234")
    assert (aurore.category, aurore.days, aurore.registration) == ("Élu", (DAY1,), "8800001")
    mei = person(replica, "1180000001235")
    assert (mei.category, mei.days, mei.platform_checkin) == ("Presse", BOTH, "Weezevent : Oui")
    assert person(replica, "1180000001236").status == "pending"
    assert person(replica, "1180000001237").status == "cancelled"
    assert scan.decide(replica, event, "1180000001234", day=DAY2, desk="A").outcome == "not_today"


BILLETWEB_ROWS = [
    {"id": "3300001", "barcode": "BW7K3M9Q2X", "order": "77001", "last": "Laroche", "first": "Aurore",
     "category": "Élu·e", "tarif": "Journée du 8 juillet", "email": "a@x.org"},
    {"id": "3300002", "barcode": "BW7K3M9Q2Y", "order": "77002", "last": "Chen", "first": "Mei",
     "category": "Presse", "tarif": "Pass 2 jours", "used": "1"},
    {"id": "3300003", "barcode": "BW7K3M9Q2Z", "order": "77003", "last": "Mensah", "first": "Kofi",
     "category": "Participant", "tarif": "Journée du 9 juillet", "paid": "0"},
    {"id": "3300004", "barcode": "BW7K3M9Q30", "order": "77004", "last": "Souza", "first": "Ana",
     "category": "Participant", "tarif": "Pass 2 jours", "disabled": "1"},
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_billetweb_attendee_list(tmp_path: Path, replica: Replica, event: EventConfig, fmt: str) -> None:
    summary = import_file(replica, event, billetweb(tmp_path / f"billetweb.{fmt}", BILLETWEB_ROWS, fmt))
    assert summary.platform == "billetweb" and summary.rejected == []
    aurore = person(replica, "BW7K3M9Q2X")
    assert (aurore.category, aurore.days, aurore.status) == ("Élu", (DAY1,), "confirmed")
    mei = person(replica, "BW7K3M9Q2Y")
    assert (mei.days, mei.platform_checkin) == (BOTH, "Billetweb : composté")
    assert person(replica, "BW7K3M9Q2Z").status == "pending"
    assert person(replica, "BW7K3M9Q30").status == "cancelled"


@pytest.mark.parametrize(
    "write",
    [
        lambda p: eventbrite(p / "eb.csv", EVENTBRITE_ROWS),
        lambda p: eventbrite(p / "eb_summary.csv", EVENTBRITE_ROWS, barcode=False),
        lambda p: helloasso(p / "ha.csv", HELLOASSO_ROWS),
        lambda p: weezevent(p / "wz.csv", WEEZEVENT_ROWS),
        lambda p: billetweb(p / "bw.csv", BILLETWEB_ROWS),
        lambda p: pretix_checkin_list(p / "px.csv", "de", TICKETS, "default"),
        lambda p: pretix_order_data(p / "po.xlsx", "fr", TICKETS + MORE, "xlsx"),
    ],
    ids=[
        "eventbrite",
        "eventbrite-summary",
        "helloasso",
        "weezevent",
        "billetweb",
        "pretix-list",
        "pretix-orders",
    ],
)
def test_every_platform_reimports_idempotently_and_keeps_desk_work(
    tmp_path: Path, replica: Replica, event: EventConfig, write: object
) -> None:
    path = write(tmp_path)  # type: ignore[operator]
    first = import_file(replica, event, path)
    assert first.created > 0 and first.rejected == []
    with replica.read() as conn:
        uid, code = conn.exec_driver_sql(
            "SELECT uid, code FROM attendee WHERE status = 'confirmed' ORDER BY registration LIMIT 1"
        ).one()
    admitted = scan.decide(replica, event, code, day=DAY1, desk="Accueil 1")
    if admitted.outcome == "not_today":
        admitted = scan.decide(replica, event, code, day=DAY2, desk="Accueil 1")
    assert admitted.outcome == "admitted"
    facts.record_edit(replica, uid, "organisation", "Corrigé à l'accueil", desk="Accueil 1", role="lead")
    query = "SELECT uid, code, status, category, days, organisation FROM attendee ORDER BY uid"
    with replica.read() as conn:
        before = conn.exec_driver_sql(query).all()
    again = import_file(replica, event, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    with replica.read() as conn:
        assert conn.exec_driver_sql(query).all() == before
        kinds = conn.exec_driver_sql("SELECT kind FROM fact ORDER BY seq").scalars().all()
    assert kinds == ["checkin", "edit"]
    assert (
        scan.decide(replica, event, code, day=admitted.checkin.day, desk="Accueil 2").outcome == "already_in"
    )  # type: ignore[union-attr]


def test_the_dry_run_prints_the_category_by_day_table_and_every_defaulted_row(
    tmp_path: Path, home: Path
) -> None:
    path = pretix_checkin_list(tmp_path / "liste.csv", "fr", TICKETS, "semicolon")
    db = tmp_path / "desk.sqlite"
    run = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "import", str(path), "--db", str(db), "--dry-run"],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "CHECKIN_HOME": str(home),
            "PATH": "/usr/bin:/bin",
            "CHECKIN_PASSPHRASE": os.environ["CHECKIN_PASSPHRASE"],
        },
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout.splitlines()
    assert out[0].startswith("Simulation : 5 lignes lues : 5 ajoutées")
    assert "Format reconnu : pretix — liste d'enregistrement (fr) — CSV « ; »" in out
    assert "  code billet                    ← « Secret »" in out
    table = out[out.index("Catégorie × jour (inscriptions non annulées) :") + 1 :]
    assert table[0].split() == ["Catégorie", "8", "juillet", "9", "juillet"]
    assert table[1].split() == ["Élu", "2", "1"] and table[2].split() == ["Presse", "0", "1"]
    assert table[3].split() == ["Participant", "2", "2"]
    assert (
        "  ligne 6 : Ana Souza — « Pass Découverte » → catégorie Participant + jours : tous les jours" in out
    )
    assert "  ligne 5 : Kofi Mensah — « Participant » → jours : tous les jours" in out
    assert not db.exists() or open_replica(db).meta("last_import") == ""


RULES_EVENT = """
[event]
id = "forum2027"
name = "Forum des territoires 2027"
code_pattern = "FT27-[0-9A-Z]{8}"
walkin_prefix = "FT27-"

[[days]]
date = "2027-03-10"
label = "10 mars"
label_en = "10 March"
aliases = ["10 mars", "March 10", "mercredi"]

[[days]]
date = "2027-03-11"
label = "11 mars"
label_en = "11 March"
aliases = ["11 mars", "March 11", "jeudi"]

[registration]
all_days = ["Pass 2 jours", "2-day pass"]

[[categories]]
key = "elu"
name = "Élu"
aliases = ["Élu·e", "Elected official"]

[[categories]]
key = "presse"
name = "Presse"
aliases = ["Presse", "Press"]

[[categories]]
key = "participant"
name = "Participant"
default = true

# What words cannot decide: the sponsor's free tickets are press, on the first day only.
[[ticket_types]]
match = "Invitation partenaire"
category = "presse"
days = ["2027-03-10"]

[[ticket_types]]
exact = "Pass Découverte"
days = ["2027-03-11"]
"""


def test_ticket_type_rules_in_the_event_file_decide_what_words_cannot(tmp_path: Path, home: Path) -> None:
    event_file = tmp_path / "forum2027.toml"
    event_file.write_text(RULES_EVENT, encoding="utf-8")
    tickets = [
        Ticket("O1", "Ana", "Souza", "a@x.org", "Invitation partenaire – Média", secret="SECRETA1"),
        Ticket("O2", "Mei", "Chen", "m@x.org", "Pass Découverte", secret="SECRETB2"),
        Ticket("O3", "Jean", "Dupont", "j@x.org", "Élu·e", "Pass 2 jours", secret="SECRETC3"),
        Ticket("O4", "Kofi", "Mensah", "k@x.org", "Pass Découverte – groupe", secret="SECRETD4"),
    ]
    path = pretix_checkin_list(tmp_path / "forum.xlsx", "en", tickets, "xlsx")
    db = tmp_path / "desk.sqlite"
    env = {
        "CHECKIN_HOME": str(home),
        "CHECKIN_EVENT": str(event_file),
        "PATH": "/usr/bin:/bin",
        "CHECKIN_PASSPHRASE": os.environ["CHECKIN_PASSPHRASE"],
    }
    run = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "import", str(path), "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["created"] == 4 and result["platform"] == "pretix"
    replica = open_replica(db)
    try:
        got = {p.code: (p.category, p.days) for p in (person(replica, t.secret) for t in tickets)}
    finally:
        replica.close()
    assert got == {
        "SECRETA1": ("Presse", ("2027-03-10",)),
        "SECRETB2": ("Participant", ("2027-03-11",)),  # the exact rule sets the day only
        "SECRETC3": ("Élu", ("2027-03-10", "2027-03-11")),
        "SECRETD4": ("Participant", ("2027-03-10", "2027-03-11")),  # "exact": not this one
    }
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "checkin.cli",
            "scan",
            "SECRETA1",
            "--db",
            str(db),
            "--day",
            "2027-03-11",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert json.loads(refused.stdout)["outcome"] == "not_today"


def test_a_bad_ticket_type_rule_is_named_in_one_sentence(tmp_path: Path) -> None:
    from checkin.base.errors import KnownError
    from checkin.event import model as event_module

    bad = tmp_path / "bad.toml"
    bad.write_text(RULES_EVENT.replace('category = "presse"', 'category = "media"'), encoding="utf-8")
    with pytest.raises(KnownError) as err:
        event_module.load(bad)
    assert "[[ticket_types]] #1" in str(err.value) and "media" in str(err.value)
