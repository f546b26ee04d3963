"""Importing registration exports: the sample, foreign exports, dirty files, re-imports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from checkin.arrivals import scan
from checkin.base.errors import ImportFileError
from checkin.event.model import EventConfig
from checkin.importer import import_file
from checkin.replica import attendees, facts
from checkin.replica.db import Replica


def _count(replica: Replica, sql: str, *params: object) -> int:
    with replica.read() as conn:
        return int(conn.exec_driver_sql(sql, params).scalar_one())


def test_sample_csv_imports_as_is(replica: Replica, event: EventConfig, sample_dir: Path) -> None:
    summary = import_file(replica, event, sample_dir / "inscriptions.csv")
    assert summary.read == 578
    assert summary.created == 578
    assert summary.rejected == []
    assert summary.cancelled == 24
    assert _count(replica, "SELECT count(*) FROM attendee") == 578
    assert _count(replica, "SELECT count(*) FROM attendee WHERE status = 'waitlisted'") == 6
    with replica.read() as conn:
        laroche = attendees.by_code(conn, "AICT26-YPAGKWKQ")
    assert laroche is not None
    assert (laroche.first_name, laroche.last_name) == ("Aurore", "Laroche")
    assert laroche.last_name_raw == "LAROCHE"
    assert laroche.email == "aurore.laroche@ville-concarneau.fr"
    assert laroche.days == ("2026-07-08", "2026-07-09")
    assert laroche.workshops == ("A1",)
    assert laroche.category == "Élu"


def test_xlsx_gives_the_same_replica_as_the_csv(
    replica: Replica, event: EventConfig, sample_dir: Path
) -> None:
    import_file(replica, event, sample_dir / "inscriptions.csv")
    again = import_file(replica, event, sample_dir / "inscriptions.xlsx")
    assert again.read == 578
    assert (again.created, again.updated, again.unchanged) == (0, 0, 578)


def test_cleaning_is_what_a_careful_human_would_do(sample_db: Replica) -> None:
    with sample_db.read() as conn:
        siobhan = attendees.by_code(conn, "AICT26-VHQKUMYR")
        lusine = attendees.by_code(conn, "AICT26-RNCKHAGD")
        brunet = attendees.by_code(conn, "AICT26-SWP3U85X")
        raw = conn.exec_driver_sql("SELECT raw FROM attendee WHERE code = 'AICT26-RNCKHAGD'").scalar_one()
    assert siobhan is not None and siobhan.last_name == "O'Connor-Ní Bhriain"
    assert lusine is not None and lusine.last_name == "Harutyunyan"
    assert lusine.native_name == "Լուսինե Հարությունյան"
    assert lusine.email == "lusine.harutyunyan@example.org"  # padded in the export
    assert brunet is not None and brunet.phone == "+33 6 52 24 14 04"  # "33652241404"
    assert " lusine.harutyunyan@example.org " in json.loads(raw)  # the raw value is kept


def test_duplicates_lead_to_the_live_registration_and_homonyms_stay_apart(
    replica: Replica, event: EventConfig, sample_dir: Path
) -> None:
    summary = import_file(replica, event, sample_dir / "inscriptions.csv")
    lives = {d["live"]: d["others"] for d in summary.duplicates}
    # Adèle Grenier: confirmed on 15/06, cancelled on 29/06 -> the confirmed one counts.
    assert lives["AICT26-E6E2M9S2"] == ["AICT26-RADVZWSP"]
    assert len(summary.duplicates) == 7
    with replica.read() as conn:
        dupont = (
            conn.exec_driver_sql(
                "SELECT organisation FROM attendee WHERE last_name = 'Dupont' AND first_name = 'Jean' "
                "AND live_uid = uid ORDER BY organisation"
            )
            .scalars()
            .all()
        )
        ould = conn.exec_driver_sql(
            "SELECT count(*) FROM attendee WHERE last_name = 'Ould Cheikh' AND live_uid = uid"
        ).scalar_one()
    assert dupont == ["Ville de Lyon", "Ville de Nantes"]  # same e-mail, two people
    assert ould == 3


def test_a_first_import_groups_people_as_the_regrouping_over_the_replica_does(
    replica: Replica, event: EventConfig, sample_dir: Path
) -> None:
    """A first import groups the same person's registrations as it stages them (no pass over
    the replica after): SQLite's own ranking over the written rows finds nothing to change."""
    from checkin.importer import apply

    summary = import_file(replica, event, sample_dir / "inscriptions.csv")
    assert apply._regroup_changes(replica) == []
    assert summary.duplicates == apply._duplicates(replica)
    assert _count(replica, "SELECT count(*) FROM attendee WHERE live_uid != uid") == sum(
        len(d["others"]) for d in summary.duplicates
    )


def test_the_rows_staged_beside_an_import_are_sealed_on_disk(
    replica: Replica, event: EventConfig, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checked rows wait in a file before they are written: it never holds a name or an
    e-mail in clear, and it is gone after the import."""
    from checkin.base import paths
    from checkin.importer import apply

    seen: dict[str, bytes] = {}
    real = apply._write_chunk

    def looking(*args: object) -> None:
        if not seen:  # the first rows are being written: the staging file is whole
            (staged,) = paths.staging_dir().glob("checkin-import-*/staging.bin")
            seen["bytes"] = staged.read_bytes()
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(apply, "_write_chunk", looking)
    summary = import_file(replica, event, sample_dir / "inscriptions.csv")
    assert summary.created == 578
    assert len(seen["bytes"]) > 578 * 300  # every row is there, sealed
    for clear in (b"Laroche", b"LAROCHE", b"aurore.laroche", b"AICT26-YPAGKWKQ", "Լուսինե".encode()):
        assert clear not in seen["bytes"]
    assert not list(paths.staging_dir().glob("checkin-import-*"))


def _write(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ";") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


ENGLISH = [
    [
        "Order #",
        "Barcode",
        "Attendee Status",
        "First Name",
        "Last Name",
        "Company",
        "Email",
        "Ticket Type",
        "Country",
    ],
    [
        "1001",
        "EVT-ABC12345",
        "Attending",
        "Hélène",
        "CÔTÉ",
        "Ville de Québec",
        "HELENE@EXAMPLE.ORG",
        "Speaker",
        "Canada",
    ],
    [
        "1002",
        "EVT-ABC12346",
        "Refunded",
        "John",
        "smith",
        "ACME",
        "john@example.org",
        "General Admission",
        "UK",
    ],
    [
        "1003",
        "EVT-ABC12347",
        "Waitlist",
        "Łukasz",
        "Wójcik",
        "Miasto Kraków",
        "l@example.org",
        "Press",
        "Poland",
    ],
]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1252", ";"), ("utf-8", "\t")],
)
def test_foreign_exports_in_every_encoding_and_delimiter(
    tmp_path: Path, replica: Replica, event: EventConfig, encoding: str, delimiter: str
) -> None:
    rows = ENGLISH if encoding != "cp1252" else [r[:] for r in ENGLISH[:3]]
    path = _write(tmp_path / "export.csv", rows, encoding=encoding, delimiter=delimiter)
    summary = import_file(replica, event, path)
    assert summary.rejected == []
    assert summary.created == len(rows) - 1
    with replica.read() as conn:
        helene = attendees.by_code(conn, "EVT-ABC12345")
        john = attendees.by_code(conn, "EVT-ABC12346")
    assert helene is not None and helene.full_name == "Hélène Côté"
    assert helene.category == "Intervenant" and helene.status == "confirmed"
    assert helene.registration == "1001"
    assert john is not None and john.status == "cancelled" and john.category == "Participant"
    if len(rows) > 3:
        with replica.read() as conn:
            lukasz = attendees.by_code(conn, "EVT-ABC12347")
        assert lukasz is not None and lukasz.status == "waitlisted" and lukasz.category == "Presse"


def test_a_saved_mapping_file_maps_odd_headers(tmp_path: Path, replica: Replica, event: EventConfig) -> None:
    path = _write(
        tmp_path / "odd.csv", [["Qui", "Billet n°", "Mél"], ["Ada LOVELACE", "X-123456", "ada@example.org"]]
    )
    with pytest.raises(ImportFileError) as err:
        import_file(replica, event, path)
    assert (
        "code billet" in str(err.value) and "« Qui »" in str(err.value) and "« Billet n° »" in str(err.value)
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('full_name = "Qui"\ncode = "Billet n°"\nemail = "Mél"\n', encoding="utf-8")
    summary = import_file(replica, event, path, mapping=mapping)
    assert summary.created == 1
    with replica.read() as conn:
        ada = attendees.by_code(conn, "X-123456")
    assert ada is not None and (ada.first_name, ada.last_name) == ("Ada", "Lovelace")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "vide"),
        (b"   \r\n", "vide"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (bytes(range(256)) * 8, "binaire"),
        (b"PK\x03\x04not really a zip", "Excel"),
        (b"nom;prenom\nDupont;Jean\n", "code billet"),
    ],
)
def test_files_that_are_not_exports_get_one_clear_sentence(
    tmp_path: Path, replica: Replica, event: EventConfig, content: bytes, words: str
) -> None:
    path = tmp_path / "inscriptions.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as err:
        import_file(replica, event, path)
    message = str(err.value)
    assert words in message
    assert "\n" not in message and "Traceback" not in message
    assert _count(replica, "SELECT count(*) FROM attendee") == 0


def test_bad_rows_are_reported_with_their_row_number_and_the_rest_imports(
    tmp_path: Path, replica: Replica, event: EventConfig
) -> None:
    rows = [
        ["Code billet", "Nom", "Prénom", "Statut", "Jours"],
        ["AICT26-AAAAAAA2", "Martin", "Paul", "Confirmée", "8 juillet"],
        ["", "Sans", "Code", "Confirmée", ""],
        ["AICT26-AAAAAAA3", "", "", "Confirmée", ""],
        ["AICT26-AAAAAAA4", "Durand", "Léa", "Peut-être", ""],
        ["AICT26-AAAAAAA5", "Petit", "Zoé", "Confirmée", "12 août"],
        ["AICT26-AAAAAAA2", "Martin", "Paul", "Confirmée", "8 juillet"],
        ["AICT26-AAAAAAA6", "Roux", "Noé", "Confirmée", "9 juillet"],
    ]
    summary = import_file(replica, event, _write(tmp_path / "e.csv", rows))
    rejected = {r["row"]: r["reason"] for r in summary.rejected}
    assert set(rejected) == {3, 4, 5, 6, 7}
    assert "code billet vide" in rejected[3]
    assert "ni nom ni prénom" in rejected[4]
    assert "Peut-être" in rejected[5]
    assert "12 août" in rejected[6]
    assert "ligne 2" in rejected[7]
    assert summary.created == 2


def test_reimport_updates_cancels_adds_and_keeps_desk_work(
    tmp_path: Path, replica: Replica, event: EventConfig, sample_dir: Path
) -> None:
    import_file(replica, event, sample_dir / "inscriptions.csv")
    admitted = scan.decide(replica, event, "AICT26-YPAGKWKQ", day="2026-07-08", desk="Accueil 1")
    assert admitted.outcome == "admitted" and admitted.attendee is not None
    facts.record_edit(
        replica, admitted.attendee.uid, "first_name", "Aurore-Marie", desk="Accueil 1", role="lead"
    )
    facts.record_print(replica, admitted.attendee.uid, printer="files", desk="Accueil 1")

    with (sample_dir / "inscriptions.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header = rows[0]
    col = {h: i for i, h in enumerate(header)}
    for row in rows[1:]:
        if row[col["Code billet"]] == "AICT26-YPAGKWKQ":
            row[col["Prénom"]] = "Aurora"  # the export changed the name the desk fixed
            row[col["Fonction"]] = "Maire"
        if row[col["Code billet"]] == "AICT26-FNVB76FQ":
            row[col["Statut"]] = "Annulée"
    new = list(rows[1])
    new[col["N° inscription"]], new[col["Code billet"]] = "INS-2026-99999", "AICT26-NEWNEW22"
    rows.append(new)
    updated = _write(tmp_path / "v2.csv", rows, encoding="utf-8-sig")

    dry = import_file(replica, event, updated, dry_run=True)
    assert (dry.created, dry.updated, dry.cancelled) == (1, 2, 1)
    assert _count(replica, "SELECT count(*) FROM attendee") == 578  # the dry run wrote nothing

    summary = import_file(replica, event, updated)
    assert (summary.created, summary.updated, summary.cancelled, summary.kept_fixes) == (1, 2, 1, 1)
    with replica.read() as conn:
        aurore = attendees.by_code(conn, "AICT26-YPAGKWKQ")
        pottier = attendees.by_code(conn, "AICT26-FNVB76FQ")
        kinds = conn.exec_driver_sql("SELECT kind FROM fact ORDER BY seq").scalars().all()
    assert aurore is not None and aurore.first_name == "Aurore-Marie" and aurore.function == "Maire"
    assert pottier is not None and pottier.status == "cancelled"
    assert kinds == ["checkin", "edit", "print"]
    again = scan.decide(replica, event, "AICT26-YPAGKWKQ", day="2026-07-08", desk="Accueil 2")
    assert again.outcome == "already_in"
    # A third import of the same file changes nothing.
    third = import_file(replica, event, updated)
    assert (third.created, third.updated, third.unchanged) == (0, 0, 579)


def test_an_import_interrupted_halfway_says_so_and_a_rerun_completes_it(
    tmp_path: Path, event: EventConfig, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Imports apply in short steps (a scan never waits behind one): a crash between two
    steps leaves part of the rows, a visible note naming the file, and desk work intact;
    importing the file again finishes the job, as if nothing had happened."""
    from checkin.importer import apply
    from checkin.replica.db import open_replica

    replica = open_replica(tmp_path / "desk.sqlite")
    real = apply._write_chunk
    calls = {"n": 0}

    def failing(conn: object, chunk: list[object], live: dict[str, str]) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk went away")
        real(conn, chunk, live)  # type: ignore[arg-type]

    monkeypatch.setattr(apply, "_write_chunk", failing)
    with pytest.raises(OSError):
        import_file(replica, event, sample_dir / "inscriptions.csv", lock_budget_s=0.0001)
    half = _count(replica, "SELECT count(*) FROM attendee")
    assert 0 < half < 578
    state = apply.interrupted_import(replica)
    assert state is not None and state["file"] == "inscriptions.csv" and state["rows"] == 578
    monkeypatch.setattr(apply, "_write_chunk", real)
    again = import_file(replica, event, sample_dir / "inscriptions.csv", lock_budget_s=0.0001)
    assert (again.created + again.unchanged, again.rejected) == (578, [])
    assert apply.interrupted_import(replica) is None
    clean = open_replica(tmp_path / "clean.sqlite")
    import_file(clean, event, sample_dir / "inscriptions.csv")
    query = "SELECT uid, code, status, category, days, live_uid, search_names FROM attendee ORDER BY uid"
    with replica.read() as a, clean.read() as b:
        assert a.exec_driver_sql(query).all() == b.exec_driver_sql(query).all()
    assert again.created == 578 - half


def test_programme_and_b2b_grid(sample_db: Replica) -> None:
    with sample_db.read() as conn:
        a1 = conn.exec_driver_sql("SELECT title, day, start, room FROM session WHERE code = 'A1'").one()
        meetings = conn.exec_driver_sql("SELECT count(*) FROM meeting").scalar_one()
        first = conn.exec_driver_sql("SELECT slot, table_name, code_a FROM meeting ORDER BY id LIMIT 1").one()
    assert tuple(a1) == (
        "Diplomatie des territoires et construction de la paix",
        "2026-07-08",
        "11:30",
        "Salon Vaucanson",
    )
    assert meetings == 156
    assert tuple(first) == ("14:00", "T01", "AICT26-78AH9U8X")


def test_imported_rows_are_found_by_search_like_walk_ins(
    replica: Replica, event: EventConfig, sample_dir: Path
) -> None:
    """An import indexes its rows for search in bulk; the search index ends exactly as
    the row-by-row trigger would have made it, and later inserts still index themselves."""
    from checkin.arrivals import search

    import_file(replica, event, sample_dir / "inscriptions.csv", lock_budget_s=0.001)
    with replica.write() as conn:
        conn.exec_driver_sql("INSERT INTO attendee_fts(attendee_fts, rank) VALUES ('integrity-check', 1)")
        assert conn.exec_driver_sql("SELECT count(*) FROM meta WHERE key = 'fts_deferred'").scalar_one() == 0
    assert "AICT26-YPAGKWKQ" in [a.code for a in search.find(replica, "aurore laroche", 5)]
    walkin = facts.create_walkin(
        replica, event, {"first_name": "Zoë", "last_name": "Çelik"}, day="2026-07-08", desk="A", role="lead"
    )
    assert [a.uid for a in search.find(replica, "celik", 5)] == [walkin.uid]
