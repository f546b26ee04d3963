"""Names, e-mails and phones as a careful human would write them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkin.base.text import clean, clean_email, clean_phone, display_name, fold, sort_key


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


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12), max_size=5),
    st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12), max_size=3),
)
def test_search_columns_from_cached_parts_equal_the_joined_text(names: list[str], places: list[str]) -> None:
    """The importer's fast path (each name's words cached) indexes exactly what the
    joined text gives: the hub, fixes and walk-ins must find people the same way."""
    from checkin.base.text import clean, search_columns, search_words

    names = [clean(n) for n in names]
    places = [clean(p) for p in places]
    got = search_columns(names, places, "")
    assert got["search_names"] == " ".join(dict.fromkeys(search_words(" ".join(names))))
    assert got["search_org"] == " ".join(search_words(" ".join(places)))


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(max_codepoint=127), max_size=30))
def test_folding_ascii_takes_a_short_cut_to_the_same_key(value: str) -> None:
    import unicodedata

    from checkin.base.text import _SPACES, _SPECIAL

    text = unicodedata.normalize("NFKC", value).translate(_SPECIAL)
    slow = _SPACES.sub(
        " ", unicodedata.normalize("NFC", unicodedata.normalize("NFD", text)).casefold()
    ).strip()
    assert fold(value) == slow


def _fold_char_by_char(value: str) -> str:
    """The folding rule as first written, one character at a time (the reference)."""
    import unicodedata

    from checkin.base.text import _SPACES, _SPECIAL, _is_latinish

    text = unicodedata.normalize("NFKC", value).translate(_SPECIAL)
    kept: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and kept and _is_latinish(kept[-1]):
            continue
        kept.append(ch)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", "".join(kept)).casefold()).strip()


@settings(max_examples=1500, deadline=None)
@given(
    st.text(
        st.one_of(
            st.characters(blacklist_categories=("Cs",)),
            st.characters(min_codepoint=0x300, max_codepoint=0x36F),
            st.sampled_from("éèàçñøłÅǅ\u0301\u0308\u0903\u093f\u094dक्षि\u1dd3ЙёΆ"),
        ),
        max_size=25,
    )
)
def test_folding_strips_marks_exactly_as_the_character_rule_says(value: str) -> None:
    assert fold(value) == _fold_char_by_char(value)


def test_no_combining_character_lies_past_the_range_folding_scans() -> None:
    import unicodedata

    from checkin.base.text import _LAST_MARK

    assert not any(unicodedata.combining(chr(cp)) for cp in range(_LAST_MARK + 1, 0x110000))


@settings(max_examples=500, deadline=None)
@given(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=14),
    st.text(st.characters(max_codepoint=127), max_size=14),
)
def test_email_words_take_a_short_cut_to_the_same_index(local: str, domain: str) -> None:
    from checkin.base.text import search_columns, search_words

    for email in (f"{local}@{domain}.org", f"{domain}@{domain}", local):
        expected = " ".join(search_words(email.replace("@", " ").replace(".", " ")))
        assert search_columns((), (), email)["search_email"] == expected


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.text(
            st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(" \t\u00a0\x1fé")),
            max_size=8,
        ),
        max_size=6,
    )
)
def test_a_row_cleaned_at_once_equals_each_cell_cleaned(cells: list[str]) -> None:
    """The importer checks a whole row before cleaning cell by cell: the same cells come out."""
    from checkin.importer.records import _clean_all

    values = {f"f{i}": c for i, c in enumerate(cells)}
    _clean_all(values)
    assert values == {f"f{i}": clean(c) for i, c in enumerate(cells)}
