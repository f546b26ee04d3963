"""Exports made by a real pretix server, imported into a desk: every format, three languages.

The files are pretix's own (``exports.make_all``: its exporters run through its REST API on
the test server), not files written by hand: one registration per attendee position,
category and days from the product or variation, add-ons as their person's entitlements,
the secret kept exactly, statuses in the server's words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from checkin.cli import main
from checkin.event import model as event_module
from checkin.event.model import EventConfig
from checkin.importer import addons
from checkin.importer.dispatch import import_file
from checkin.replica.db import Replica, open_replica

from .conftest import PretixServer
from .exports import LANGUAGES, SHAPES

FILES = [f"{shape}-{language}" for shape, *_ in SHAPES for language in LANGUAGES] + ["json-any"]
DAYS = {None: "2026-07-08,2026-07-09", "d1": "2026-07-08", "d2": "2026-07-09"}


def expected(server: PretixServer, file: str) -> list[dict[str, Any]]:
    """The people pretix's export of this shape holds: every position but add-ons; the
    check-in list leaves out cancelled orders and positions, the JSON export cancelled
    positions of a live order."""
    people = [p for p in server.data["positions"] if p["addon_to"] is None]
    if file.startswith("checkinlist"):
        return [p for p in people if p["status"] != "c" and not p["canceled"]]
    if file.startswith("json"):
        return [p for p in people if not p["canceled"]]
    return people


def want(server: PretixServer, p: dict[str, Any]) -> tuple[str, str, str]:
    """(category, days, status) the event file makes of a position."""
    items, variations = server.data["items"], server.data["variations"]
    variation = next((k for k, v in variations.items() if v == p["variation"]), None)
    category = "Élu" if p["item"] == items["elu"] else "Partenaire"
    status = (
        "cancelled"
        if p["canceled"] or p["status"] == "c"
        else {"p": "confirmed", "n": "pending"}[p["status"]]
    )
    return category, DAYS[variation], status


def registrations(replica: Replica) -> list[tuple[str, ...]]:
    with replica.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT uid, registration, code, first_name || ' ' || last_name, category, days, status, last_name FROM attendee"
        ).all()
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("file", FILES)
def test_pretix_export_imported_as_pretix_holds_it(
    pretix_server: PretixServer,
    pretix_exports: dict[str, Path],
    event: EventConfig,
    replica: Replica,
    file: str,
) -> None:
    summary = import_file(replica, event, pretix_exports[file])
    language = file.rsplit("-", 1)[1]
    assert summary.platform == "pretix" and not summary.rejected, summary.rejected
    if language != "any":  # the headers recognised in the language pretix wrote them in
        assert f"({language})" in summary.layout, summary.layout
    people = expected(pretix_server, file)
    got = registrations(replica)
    assert len(got) == len(people)  # one registration per attendee position, not per order
    assert len({r[1] for r in got}) == len(got)
    secrets = "nosecrets" not in file
    by_key = {(r[2] if secrets else r[3]): r for r in got}
    if secrets:  # exactly pretix's secrets: case, + / =, no apostrophe guard left
        assert set(by_key) == {p["secret"] for p in people}
    else:  # codes of ours, none of pretix's
        assert not {r[2] for r in got} & {p["secret"] for p in people}
    for p in people:
        row = by_key[p["secret"] if secrets else p["name"]]
        assert row[3] == p["name"]
        assert (row[4], row[5], row[6]) == want(pretix_server, p), p
    elodie = by_key[people[0]["secret"] if secrets else people[0]["name"]]
    assert elodie[7] == "de La Tour du Pin"  # her surname, not "Pin" (JSON: one name field)
    dinner = "Dinner" if language in ("en", "de") else "Dîner"  # de: pretix falls back to English
    partner = "Partner – July 8" if language in ("en", "de") else "Partenaire – 8 juillet"
    assert partner in {t["ticket_type"] for t in summary.ticket_types}  # the names as exported
    assert addons.of(replica, elodie[0]) == {dinner: 1}  # the add-on, not a person
    with replica.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM entitlement").scalar_one() == 1


def test_same_export_again_changes_nothing(
    pretix_exports: dict[str, Path], event: EventConfig, replica: Replica
) -> None:
    first = import_file(replica, event, pretix_exports["orderlist-xlsx-de"])
    before = registrations(replica)
    again = import_file(replica, event, pretix_exports["orderlist-xlsx-de"])
    assert first.created == len(before) and again.created == again.updated == 0
    assert again.unchanged == len(before) and registrations(replica) == before
    # the same order data as CSV in English: the same registrations, no one twice
    import_file(replica, event, pretix_exports["positions-commas-en"])
    assert registrations(replica) == before


def test_command_line_import_of_a_real_export(
    pretix_server: PretixServer,
    pretix_exports: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "desk.sqlite"
    assert main(["import", str(pretix_exports["positions-semicolons-fr"]), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "pretix — données de commande (positions) (fr)" in out
    assert "Dîner" in out
    replica = open_replica(db)
    try:
        codes = {r[2] for r in registrations(replica)}
    finally:
        replica.close()
    assert codes == {p["secret"] for p in expected(pretix_server, "positions-semicolons-fr")}


@pytest.mark.parametrize(
    "file", ["positions-commas-fr", "orderlist-xlsx-en", "checkinlist-csv-de", "json-any"]
)
def test_event_file_drawn_from_a_real_export(
    pretix_server: PretixServer,
    pretix_exports: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    file: str,
) -> None:
    """``checkin event new --from-export``: days from the dates the variations name, a
    category per product (not the add-on), pretix's ids; ``event check`` accepts it, and
    the export imported with it gets its category and days back."""
    out = tmp_path / "rencontres.toml"
    assert main(["event", "new", "--from-export", str(pretix_exports[file]), "-o", str(out)]) == 0
    assert main(["event", "check", str(out)]) == 0
    assert "aucun problème" in capsys.readouterr().out
    drawn = event_module.load(out)
    assert [(d.date.month, d.date.day) for d in drawn.days] == [(7, 8), (7, 9)]
    english = file.endswith(("-en", "-de"))
    elu = "Elected official — 2-day pass" if english else "Élu·e — Pass 2 jours"
    partner = "Partner" if english else "Partenaire"
    assert sorted(c.name for c in drawn.categories) == sorted([elu, partner])  # no "Dîner"
    items, variations = pretix_server.data["items"], pretix_server.data["variations"]
    if not file.startswith("checkinlist"):  # the check-in list has no product ids
        assert drawn.pretix_names[f"item:{items['elu']}"] == elu
        assert drawn.pretix_names[f"variation:{variations['d1']}"] == ("July 8" if english else "8 juillet")
    replica = open_replica(tmp_path / "desk.sqlite")
    try:
        assert not import_file(replica, drawn, pretix_exports[file]).rejected
        got = {r[3]: (r[4], r[5]) for r in registrations(replica)}
    finally:
        replica.close()
    first, second = (d.date.isoformat() for d in drawn.days)
    assert got["Élodie de La Tour du Pin"] == (elu, f"{first},{second}")
    assert got["Jean Martin"] == (partner, first) and got["Awa Diop"] == (partner, second)
