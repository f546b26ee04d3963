"""The import preview in the staff view: a platform's export shown before it is written
(first rows, columns read, ticket types, category × day, rows that fell to a default),
corrected by staff (a ticket-type rule, a column), saved with the event, then imported."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from tests import dbfiles

DAY1, DAY2 = "2026-07-08", "2026-07-09"

_spec = importlib.util.spec_from_file_location(
    "platform_exports", Path(__file__).resolve().parents[2] / "core" / "platform_exports.py"
)
assert _spec and _spec.loader
exports = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("platform_exports", exports)
_spec.loader.exec_module(exports)

TICKETS = [
    exports.Ticket(
        "A1B2C", "Aurore", "LAROCHE", "a@x.org", "Elected official", "8 July only", secret="SECRETAAAA01"
    ),
    exports.Ticket("D4E5F", "Mei", "Chen", "m@x.org", "Presse", "9 juillet", secret="SECRETBBBB02"),
    exports.Ticket("K9L0M", "Ana", "Souza", "ana@x.org", "Pass Découverte", secret="SECRETCCCC03"),
    exports.Ticket(
        "K9L0N", "Kofi", "Mensah", "k@x.org", "Pass Découverte", secret="SECRETDDDD04", status="n"
    ),
]


def open_preview(desk: Any, qtbot: Any, path: Path) -> Any:
    tools = desk.window.staff.tools
    with qtbot.waitSignal(tools.confirm_shown, timeout=30_000) as shown:
        tools.preview_import(path)
    return shown.args[0]


def model_rows(model: Any) -> list[list[str]]:
    return [
        [model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())
    ]


def test_the_preview_shows_the_file_as_read_and_staff_decide_a_ticket_type(
    desk: Any, qtbot: Any, tmp_path: Path, db_file: Path, ui_home: Path
) -> None:
    from pytestqt.modeltest import ModelTester

    path = exports.pretix_checkin_list(tmp_path / "aict_checkin.csv", "fr", TICKETS, "semicolon")
    before = dbfiles.connect(db_file).execute("SELECT count(*) FROM attendee").fetchone()[0]
    dialog = open_preview(desk, qtbot, path)
    for model in (dialog.rows_model, dialog.types_model, dialog.grid_model):
        ModelTester(None).check(model)
    assert "pretix — liste d'enregistrement (fr)" in dialog.heading.text()
    assert dialog.rows_model.header[:2] == ["Code de commande", "Nom du participant"]
    assert model_rows(dialog.rows_model)[0][:2] == ["A1B2C", "Aurore LAROCHE"]
    assert dialog.combos["code"].currentText() == "Secret"
    assert dialog.combos["ticket_type"].currentText() == "Produit"
    types = {row[0]: row[1:] for row in model_rows(dialog.types_model)}
    assert types["Pass Découverte"][:2] == ["Participant", "tous les jours"]
    assert types["Pass Découverte"][3] == "catégorie par défaut, jours par défaut"
    grid = model_rows(dialog.grid_model)
    assert grid[0] == ["Élu", "1", "0"] and grid[-1][0] == "Total"
    defaults = dialog.defaults_model.stringList()
    assert any("Ana Souza" in line and "Pass Découverte" in line for line in defaults)
    assert dbfiles.connect(db_file).execute("SELECT count(*) FROM attendee").fetchone()[0] == before

    # Staff decide what the words cannot: "Pass Découverte" is the press, the 9th only.
    with qtbot.waitSignal(dialog.types_model.modelReset, timeout=30_000):
        dialog.decide("Pass Découverte", "presse", (DAY2,))
    types = {row[0]: row[1:] for row in model_rows(dialog.types_model)}
    assert types["Pass Découverte"][:2] == ["Presse", "9 juillet"] and types["Pass Découverte"][3] == ""
    assert not any("Pass Découverte" in line for line in dialog.defaults_model.stringList())

    # Saved with the event, the choice applies to the next export of the same kind.
    dialog.save_button.click()
    assert "Choix enregistrés" in dialog.status.text()
    saved = next((ui_home / "config" / "imports").glob("*.toml")).read_text(encoding="utf-8")
    assert 'exact = "Pass Découverte"' in saved and 'category = "presse"' in saved

    with qtbot.waitSignal(desk.window.staff.tools.finished, timeout=60_000) as done:
        dialog.import_button.click()
    assert "4 ajoutées" in done.args[0]
    con = dbfiles.connect(db_file)
    rows = dict(
        (code, (cat, days, status))
        for code, cat, days, status in con.execute(
            "SELECT code, category, days, status FROM attendee WHERE code LIKE 'SECRET%'"
        )
    )
    assert rows["SECRETCCCC03"] == ("Presse", DAY2, "confirmed")
    assert rows["SECRETDDDD04"] == ("Presse", DAY2, "pending")
    assert rows["SECRETAAAA01"] == ("Élu", DAY1, "confirmed")

    again = open_preview(
        desk, qtbot, exports.pretix_checkin_list(tmp_path / "v2.csv", "fr", TICKETS, "semicolon")
    )
    types = {row[0]: row[1:] for row in model_rows(again.types_model)}
    assert types["Pass Découverte"][:2] == ["Presse", "9 juillet"]  # the saved rule applied
    again.reject()


def test_a_file_whose_columns_are_not_recognised_is_mapped_by_hand(
    desk: Any, qtbot: Any, tmp_path: Path, db_file: Path
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Qui;Billet n°;Mél\nAda LOVELACE;X-123456;ada@example.org\n", encoding="utf-8")
    dialog = open_preview(desk, qtbot, path)
    assert "code billet" in dialog.sentence.text() and not dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.types_model.modelReset, timeout=30_000):
        dialog.choose_column("code", "Billet n°")
    with qtbot.waitSignal(dialog.types_model.modelReset, timeout=30_000):
        dialog.choose_column("full_name", "Qui")
    assert dialog.import_button.isEnabled(), dialog.sentence.text()
    with qtbot.waitSignal(desk.window.staff.tools.finished, timeout=60_000):
        dialog.import_button.click()
    row = (
        dbfiles.connect(db_file)
        .execute("SELECT first_name, last_name FROM attendee WHERE code = 'X-123456'")
        .fetchone()
    )
    assert row == ("Ada", "Lovelace")


def test_an_import_cut_halfway_is_said_when_the_desk_opens(qapp: Any, db_file: Path, qtbot: Any) -> None:
    import json

    from checkin.ui.app import build_desk

    con = dbfiles.connect(db_file)
    state = {"file": "pretix_liste.csv", "started": "2026-07-07T18:02:11+00:00", "rows": 1200}
    con.execute("INSERT INTO meta(key, value) VALUES ('import_state', ?)", (json.dumps(state),))
    con.commit()
    con.close()
    d = build_desk(db_file, day=DAY1, show_crash_dialog=False)
    try:
        d.window.show()
        qtbot.waitUntil(lambda: "pretix_liste.csv" in d.window.banner.text, timeout=5000)
        assert "Importez de nouveau ce fichier" in d.window.banner.text
    finally:
        d.close()


def test_the_card_shows_a_check_in_the_platform_recorded_as_information(
    desk: Any, qtbot: Any, tmp_path: Path
) -> None:
    from checkin.importer import import_file
    from checkin.replica import attendees

    came = exports.Ticket(
        "Z9Y8X", "Olena", "Kovalenko", "o@x.org", "Presse", "8 juillet", secret="SECRETEEEE05"
    )
    came.checked_in = True
    session = desk.window.session
    import_file(
        session.replica,
        session.event,
        exports.pretix_checkin_list(tmp_path / "l.csv", "fr", [came], "semicolon"),
    )
    with session.replica.read() as conn:
        person = attendees.by_code(conn, "SECRETEEEE05")
    assert person is not None
    desk.window.people.open_card(person)
    text = desk.window.people.card.body.text()
    assert "Enregistrement déjà noté par la billetterie : pretix : 08/07/2026 09:05" in text
    assert "Pas encore arrivé·e aujourd'hui" in text  # not counted as an arrival
    assert desk.window.people.card.buttons["checkin"].isVisibleTo(desk.window.people.card)
