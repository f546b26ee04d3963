"""Receipt slips as bytes: golden files, accents under the selected code page, other scripts
as images, QR codes that decode, and a slip for every attendee of the sample export.

Golden files live in tests/golden/; regenerate them deliberately with
``CHECKIN_REGEN_GOLDEN=1 pytest tests/test_ticket_render.py`` and review the diff.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from checkin.event import model as event_mod
from checkin.event.model import EventConfig
from checkin.printing import fonts
from checkin.printing.errors import LayoutError, ProfileError
from checkin.printing.escpos import layout, render
from checkin.printing.escpos.parse import Parsed, parse
from checkin.printing.escpos.tickets import ticket_bytes
from checkin.replica import attendees, facts
from checkin.replica.db import Replica, open_replica

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
DAY = "2026-07-09"
NOW = datetime(2026, 7, 9, 18, 5)
ACCENTS = "Hélène Côté — Délégation"


def add_person(replica: Replica, code: str, **values: str) -> None:
    blank = {name: "" for name in attendees.COLUMNS if name != "id"}
    blank.update(row_hash="", raw="", search_names="", search_org="", search_email="")
    row = {
        **blank,
        "uid": code.lower(),
        "registration": "R-" + code,
        "code": code,
        "source": "import",
        "status": "confirmed",
        "language": "FR",
        "category": "Participant",
        "days": DAY,
        **values,
    }
    row["live_uid"] = row["uid"]
    cols = ", ".join(row)
    with replica.write() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO attendee ({cols}) VALUES ({', '.join('?' * len(row))})", tuple(row.values())
        )
        conn.exec_driver_sql("INSERT INTO ticket_code (code, uid) VALUES (?, ?)", (code, row["uid"]))


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Replica]:
    """A small desk: two people who meet at B2B, the day's programme, a day of facts."""
    rep = open_replica(tmp_path / "desk.sqlite")
    add_person(
        rep,
        "AICT26-HELENE01",
        first_name="Hélène",
        last_name="Côté",
        organisation=ACCENTS,
        function="Adjointe au maire",
        category="Élu",
        workshops="A5,A7",
        language="FR",
    )
    add_person(
        rep,
        "AICT26-NOUR0001",
        first_name="Nour",
        last_name="Khoury",
        native_name="نور خوري",
        organisation="Région du Gorgol",
        category="Délégation étrangère",
        workshops="A5",
        language="AR",
    )
    add_person(
        rep,
        "AICT26-ONLYNATV",
        native_name="नरेंद्र शर्मा",
        organisation="Ville de Pune",
        category="Délégation étrangère",
        language="EN",
    )
    with rep.write() as conn:
        conn.exec_driver_sql(
            'INSERT INTO session (code, title, kind, day, start, "end", room) VALUES (?, ?, ?, ?, ?, ?, ?)',
            [
                ("PL2", "Plénière — Pays à l'honneur", "Plénière", DAY, "09:30", "11:00", "Grand Salon"),
                (
                    "A5",
                    "Coopération décentralisée et crises humanitaires",
                    "Atelier",
                    DAY,
                    "11:30",
                    "13:00",
                    "Salon Vaucanson",
                ),
                ("A6", "Égalité femmes-hommes", "Atelier", DAY, "11:30", "13:00", "Salon Foucault"),
                (
                    "A7",
                    "Culture, patrimoine et attractivité",
                    "Atelier",
                    DAY,
                    "14:30",
                    "16:00",
                    "Salon Lavoisier",
                ),
                ("B2B", "Rendez-vous B2B", "B2B", DAY, "14:00", "17:00", "Espace B2B"),
                ("PL1", "Plénière d'ouverture", "Plénière", "2026-07-08", "09:30", "11:00", "Grand Salon"),
            ],
        )
        conn.exec_driver_sql(
            "INSERT INTO meeting (day, slot, table_name, code_a, code_b) VALUES (?, ?, ?, ?, ?)",
            (DAY, "14:00", "T01", "AICT26-HELENE01", "AICT26-NOUR0001"),
        )
    yield rep
    rep.close()


def golden(name: str, data: bytes) -> bytes:
    """The stored bytes. The golden slips hold text only: images depend on the FreeType
    and Raqm builds, so drawn lines are checked by what they show, not byte for byte."""
    assert not parse(data).images, "a golden slip must not depend on font rendering"
    path = GOLDEN / name
    if os.environ.get("CHECKIN_REGEN_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return path.read_bytes()


def build(replica: Replica, event: EventConfig, kind: str, code: str = "", **dev: object) -> bytes:
    device = render.device(**dev)  # type: ignore[arg-type]
    return ticket_bytes(
        kind, replica=replica, event=event, code=code, dev=device, desk="Accueil 1", day=DAY, now=NOW
    ).data


def seed_closing(replica: Replica) -> None:
    helene = attendees.get(replica, "AICT26-HELENE01")
    nour = attendees.get(replica, "AICT26-NOUR0001")
    assert helene and nour
    facts.record_checkin(replica, helene, day=DAY, desk="Accueil 1")
    wrong = facts.record_checkin(replica, nour, day=DAY, desk="Accueil 1")
    facts.record_undo(replica, wrong.id, desk="Accueil 1", role="lead")
    facts.record_checkin(replica, nour, day=DAY, desk="Accueil 2")  # another desk: not counted
    # record_print stamps no day: these prints happened on the event day, at 10:00 UTC.
    with replica.write() as conn:
        for reason in ("lost", ""):  # a first print (no reason) is no reprint
            facts.add(
                conn,
                replica,
                "print",
                attendee_uid=helene.uid,
                desk="Accueil 1",
                reason=reason,
                data={"kind": "badge", "reprint": bool(reason)},
                at=f"{DAY}T10:00:00.000+00:00",
            )
    facts.create_walkin(
        replica, event_mod.load(), {"first_name": "Zoé", "last_name": "Martin"}, day=DAY, desk="Accueil 1"
    )


# -- golden bytes ------------------------------------------------------------------------


def test_welcome_slip_matches_its_golden_bytes(desk: Replica, event: EventConfig) -> None:
    data = build(desk, event, "welcome", "AICT26-HELENE01", profile="TM-T20II", width=80, codepage="CP1252")
    assert data == golden("ticket_welcome_tm-t20ii_80_cp1252.bin", data)


def test_label_badge_matches_its_golden_bytes(desk: Replica, event: EventConfig) -> None:
    data = build(desk, event, "label", "AICT26-HELENE01", profile="TM-T88V", width=58, codepage="CP1252")
    assert data == golden("ticket_label_tm-t88v_58_cp1252.bin", data)


def test_closing_slip_matches_its_golden_bytes(desk: Replica, event: EventConfig) -> None:
    seed_closing(desk)
    data = build(desk, event, "closing", profile="TM-T20II", width=80, codepage="CP858")
    assert data == golden("ticket_closing_tm-t20ii_80_cp858.bin", data)


# -- what the bytes say ---------------------------------------------------------------------


def test_welcome_slip_decodes_with_its_accents_and_the_persons_own_day(
    desk: Replica, event: EventConfig
) -> None:
    slip = parse(build(desk, event, "welcome", "AICT26-HELENE01", codepage="CP1252"), "TM-T20II")
    assert slip.codepages == ["CP1252"]
    text = slip.text
    assert "Hélène Côté" in text and ACCENTS in text
    assert "Bienvenue" in text and "Votre programme" in text
    assert "09:30-11:00 Plénière — Pays à l'honneur" in text
    assert "Coopération décentralisée" in text and "Culture, patrimoine" in text
    assert "Égalité femmes-hommes" not in text  # not her workshop
    assert "Plénière d'ouverture" not in text  # not this day
    assert "14:00 Rendez-vous B2B, table T01" in text
    assert "avec Nour Khoury (Région du Gorgol)" in text
    assert "Wi-Fi : AICT2026 — mot de passe : cooperation" in text
    assert "À remettre : Sacoche et programme" in text  # the event's [[handover]], never on the badge
    assert "Vestiaire : rez-de-chaussée" in text
    assert slip.qr == ["AICT26-HELENE01"]
    assert slip.cuts == 1 and not slip.images
    assert "?" not in text


def test_cp858_prints_accents_as_text_and_a_dash_it_lacks_as_an_image(
    desk: Replica, event: EventConfig
) -> None:
    slip = parse(build(desk, event, "welcome", "AICT26-HELENE01", codepage="CP858"), "TM-T20II")
    assert slip.codepages == ["CP858"]
    assert "Hélène Côté" in slip.lines
    # CP858 has no em dash: the organisation line is drawn, never printed as "?".
    assert ACCENTS not in slip.text and "?" not in slip.text
    assert slip.images and "Déjeuner" not in slip.text  # its en dash too
    assert "Vestiaire : rez-de-chaussée, à droite de" in slip.text


def test_the_slip_speaks_the_attendees_language(desk: Replica, event: EventConfig) -> None:
    slip = parse(build(desk, event, "welcome", "AICT26-NOUR0001"), "TM-T20II")
    assert "Your programme" in slip.text and "9 July" in slip.text
    assert "with Hélène Côté" in slip.text
    assert "Hand over: Bag and programme" in slip.text
    # Arabic greeting and Arabic name: images with ink on them.
    assert len(slip.images) >= 2
    assert all(ink(image) > 200 for image in slip.images)


def test_closing_slip_counts_the_desks_day_without_undone_checkins(desk: Replica, event: EventConfig) -> None:
    seed_closing(desk)
    slip = parse(build(desk, event, "closing", codepage="CP1252"), "TM-T20II")
    lines = [" ".join(line.split()) for line in slip.lines]
    assert "Clôture de l'accueil" in lines
    assert "Poste : Accueil 1" in lines
    assert "Élu . 1" in [_squeeze(line) for line in lines]
    assert not any(line.startswith("Délégation étrangère") for line in lines)  # undone, other desk
    squeezed = [_squeeze(line) for line in lines]
    assert "Total des entrées . 1" in squeezed
    assert "Entrées annulées . 1" in squeezed
    assert "Réimpressions . 1" in squeezed and "perdu . 1" in squeezed
    assert "Inscriptions sur place . 1" in squeezed


def _squeeze(line: str) -> str:
    """'Élu ....... 1' → 'Élu . 1' (the dot leader's length depends on the paper)."""
    words = [w if set(w) != {"."} else "." for w in line.split()]
    return " ".join(words)


# -- other scripts and QR codes ---------------------------------------------------------------


def ink(image: Image.Image) -> int:
    """Dark dots in an image."""
    return sum(image.convert("L").histogram()[:128])


def test_a_name_only_in_devanagari_is_drawn_shaped_not_blank(desk: Replica, event: EventConfig) -> None:
    slip = parse(build(desk, event, "label", "AICT26-ONLYNATV"), "TM-T20II")
    assert slip.images, "the name must be an image"
    assert all(ink(image) > 200 for image in slip.images)
    assert "?" not in slip.text


def test_qr_as_image_decodes_with_zxing_on_a_printer_without_native_qr(
    desk: Replica, event: EventConfig
) -> None:
    slip = parse(build(desk, event, "label", "AICT26-NOUR0001", profile="simple"), "simple")
    assert slip.qr == []  # no GS ( k: the profile has no native QR
    found = [r.text for image in slip.images for r in zxingcpp.read_barcodes(image)]
    assert found == ["AICT26-NOUR0001"]


def test_native_qr_carries_the_code(desk: Replica, event: EventConfig) -> None:
    slip = parse(build(desk, event, "label", "AICT26-NOUR0001", profile="TM-T20II"), "TM-T20II")
    assert slip.qr == ["AICT26-NOUR0001"]


def test_codepage_none_draws_every_non_ascii_line(desk: Replica, event: EventConfig) -> None:
    slip = parse(build(desk, event, "welcome", "AICT26-HELENE01", codepage="none"), "TM-T20II")
    assert slip.codepages == ["CP437"]
    assert all(line.isascii() for line in slip.lines)
    assert "Hélène" not in slip.text and len(slip.images) > 5


def test_test_page_shows_the_code_page_table_and_both_qr_codes() -> None:
    built = render.test_page(render.device("TM-T20II", 80, "CP858"))
    slip = parse(built.data, "TM-T20II")
    assert "Page de codes : CP858 (ESC t 19)" in slip.text
    assert "Hélène Côté, Délégation à Besançon" in slip.lines
    assert (
        sum(line.startswith(("8x ", "9x ", "Ax ", "Bx ", "Cx ", "Dx ", "Ex ", "Fx ")) for line in slip.lines)
        == 8
    )
    assert slip.qr == ["checkin test QR natif"]
    assert [r.text for image in slip.images for r in zxingcpp.read_barcodes(image)] == [
        "checkin test QR image"
    ]


# -- device and layouts ---------------------------------------------------------------------


def test_devices_know_their_width_and_refuse_what_they_cannot_do() -> None:
    assert render.device("TM-T20II", 80, None).dots == 576
    assert render.device("TM-T20II", 58, None).columns == 32
    assert render.device("generic", 80, None).codepage == "CP1252"
    with pytest.raises(ProfileError, match="TM-T99"):
        render.device("TM-T99", 80, None)
    with pytest.raises(ProfileError, match="CP1252"):
        render.device("simple", 80, "CP1252")  # that profile only has CP437
    with pytest.raises(ProfileError):
        render.device("TM-T20II", 76, None)


def test_shipped_layouts_load_and_bad_ones_name_the_problem() -> None:
    assert {"welcome", "label", "closing"} <= set(layout.available())
    for name in ("welcome", "label", "closing"):
        assert layout.load(name).kind == name
    with pytest.raises(LayoutError, match=r"élément 1.*unknown placeholder"):
        layout.parse('kind = "welcome"\n[[elements]]\ntype = "text"\ntext = "{nom}"\n')
    with pytest.raises(LayoutError, match=r"élément 2.*type"):
        layout.parse('kind = "label"\n[[elements]]\ntype = "rule"\n[[elements]]\ntype = "barcode"\n')
    with pytest.raises(LayoutError, match="size"):
        layout.parse('kind = "label"\n[[elements]]\ntype = "text"\ntext = "x"\nsize = 9\n')
    with pytest.raises(LayoutError, match="counts"):
        layout.parse('kind = "welcome"\n[[elements]]\ntype = "counts"\n')


# -- every attendee of the sample export ------------------------------------------------------


def test_every_sample_attendee_gets_a_slip_with_no_question_marks(
    sample_db: Replica, event: EventConfig
) -> None:
    dev = render.device("TM-T20II", 80, "CP858")
    with sample_db.read() as conn:
        everyone = attendees.all_live(conn)
    assert len(everyone) > 500
    met = 0
    for person in everyone:
        # Drawn lines use the shipped fonts: none may lack a letter (it would be drawn "?").
        assert not fonts.missing(person.full_name + person.native_name + person.organisation), person.code
        for kind in ("welcome", "label"):
            built = ticket_bytes(
                kind, replica=sample_db, event=event, attendee=person, dev=dev, day=DAY, now=NOW
            )
            slip: Parsed = parse(built.data, dev.profile)
            source = "".join(str(v) for v in person.to_json().values())
            if "?" not in source:
                assert "?" not in slip.text, (person.code, [line for line in slip.lines if "?" in line])
            assert slip.qr == [person.code]
            encodable = dev.encodable(person.full_name)
            if kind == "welcome" and len(person.full_name) <= dev.columns // 2:
                assert (person.full_name in slip.lines) == encodable, person.code
            if not encodable:
                assert any(ink(image) > 100 for image in slip.images), person.code
            met += kind == "welcome" and "Rendez-vous B2B, table" in slip.text
    assert met > 50  # the B2B grid reached the slips
