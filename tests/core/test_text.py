"""Names, e-mails and phones as a careful human would write them."""

from __future__ import annotations

import pytest

from checkin.text import clean, clean_email, clean_phone, display_name, fold, sort_key


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("DUPONT", "Dupont"),
        ("dupont", "Dupont"),
        ("  Hoarau   ", "Hoarau"),
        ("de La Tour du Pin", "de La Tour du Pin"),
        ("DE LA TOUR DU PIN", "de La Tour du Pin"),
        ("N'DIAYE", "N'Diaye"),
        ("O'CONNOR-NÍ BHRIAIN", "O'Connor-Ní Bhriain"),
        ("O'Connor-Ní Bhriain", "O'Connor-Ní Bhriain"),
        ("MCALLISTER", "McAllister"),
        ("VALLÉE", "Vallée"),
        ("ԱԶԻԼԱԶՅԱՆ", "Ազիլազյան"),
        ("शाह", "शाह"),
        ("ben salah", "Ben Salah"),
        ("DA SILVA", "da Silva"),
    ],
)
def test_surnames(raw: str, shown: str) -> None:
    assert display_name(raw, surname=True) == shown


def test_first_names_keep_their_hyphens_and_accents() -> None:
    assert display_name("JEAN-FRANÇOIS") == "Jean-François"
    assert display_name("marie-amélie") == "Marie-Amélie"


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Élodie", "elodie"),
        ("Nguyễn", "nguyen"),
        ("ĐỨC", "duc"),
        ("Łódź", "lodz"),
        ("Œuvre", "oeuvre"),
        ("Straße", "strasse"),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_keeps_marks_that_spell_a_word() -> None:
    assert fold("राहुल") == "राहुल"  # Devanagari vowel signs are letters, not accents


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("0684400923", "+33 6 84 40 09 23"),
        ("33652241404", "+33 6 52 24 14 04"),
        ("06.74.01.39.43", "+33 6 74 01 39 43"),
        ("+33 6 20 77 17 09", "+33 6 20 77 17 09"),
        ("+49 30 1234567", "+49 30 1234567"),
        ("", ""),
        ("n/a", "n/a"),
    ],
)
def test_phones(raw: str, phone: str) -> None:
    assert clean_phone(raw, "FR") == phone


def test_emails() -> None:
    assert clean_email("  ADELE.GRENIER@EXAMPLE.COM ") == ("adele.grenier@example.com", True)
    assert clean_email(" .@example.org ")[1] is False
    assert clean_email("")[1] is False


def test_clean_strips_control_characters_and_spaces() -> None:
    assert clean(" a\u00a0 b\x00\t") == "a b"


def test_sorting_as_a_french_reader() -> None:
    names = ["Zola", "Émile", "eve", "Ève", "Dupont", "Éric"]
    assert sorted(names, key=sort_key) == ["Dupont", "Émile", "Éric", "eve", "Ève", "Zola"]
