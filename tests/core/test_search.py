"""Finding people by name, organisation or e-mail, accent-, case- and hyphen-blind."""

from __future__ import annotations

import pytest

from checkin.arrivals import search
from checkin.replica import facts
from checkin.replica.db import Replica


def names(replica: Replica, text: str, limit: int = 10) -> list[str]:
    return [f"{a.first_name} {a.last_name}".strip() for a in search.find(replica, text, limit)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("helene", "Hélène Alexandre"),
        ("HÉLÈNE", "Hélène Maurice"),
        ("nguyen", "Văn An Nguyễn"),
        ("de la roche", "Marie-Amélie-Françoise de La Rochefoucauld-Montbel"),
        ("rochefoucauld montbel", "Marie-Amélie-Françoise de La Rochefoucauld-Montbel"),
        ("oconnor", "Siobhán O'Connor-Ní Bhriain"),
        ("siobhan o'connor", "Siobhán O'Connor-Ní Bhriain"),
        ("le duc", "Minh Đức Lê"),
        ("中島", "Haruka Nakajima"),
        ("राहुल", "Rahul Deshpande"),
        ("Հարությունյան", "Lusine Harutyunyan"),
        ("aurore.laroche@ville", "Aurore Laroche"),
        ("laroche concarneau", "Aurore Laroche"),
        ("dupont lyon", "Jean Dupont"),
        ("O'C", "Siobhán O'Connor-Ní Bhriain"),  # initials: the joined prefix "oc"
        ("jean d", "Jean Dupont"),  # a lone letter still being typed
        ("reynaud ville de lyon", "Léon Reynaud"),
    ],
)
def test_examples_a_volunteer_would_type(sample_db: Replica, query: str, expected: str) -> None:
    assert expected in names(sample_db, query)


def test_surname_in_capitals_finds_both_homonyms(sample_db: Replica) -> None:
    found = search.find(sample_db, "DUPONT jean")
    assert [(a.first_name, a.last_name) for a in found] == [("Jean", "Dupont")] * 2
    assert {a.organisation for a in found} == {"Ville de Nantes", "Ville de Lyon"}


def test_duplicates_show_once(sample_db: Replica) -> None:
    found = search.find(sample_db, "grenier adele")
    assert [a.code for a in found] == ["AICT26-E6E2M9S2"]


def test_names_rank_before_organisations(sample_db: Replica) -> None:
    found = search.find(sample_db, "laroche")
    assert found[0].last_name == "Laroche"
    assert any(a.organisation == "Ville de La Rochelle" for a in search.find(sample_db, "rochel"))


def test_nothing_to_search(sample_db: Replica) -> None:
    assert search.find(sample_db, "   ") == []
    assert search.find(sample_db, '"*)(') == []
    assert search.find(sample_db, "zzzzqqq") == []


def test_a_desk_fix_is_searchable_at_once(sample_db: Replica) -> None:
    target = search.find(sample_db, "aurore laroche")[0]
    facts.record_edit(sample_db, target.uid, "last_name", "Laroche-Kerhervé", desk="A", role="lead")
    assert [a.uid for a in search.find(sample_db, "kerherve")] == [target.uid]


def test_a_broad_prefix_still_answers_with_name_matches_first(
    sample_db: Replica, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "BROAD", 50)  # as "ma" at 100,000 attendees
    found = search.find(sample_db, "ville", 15)
    assert len(found) == 15
    assert all("ville" in a.organisation.lower() or "ville" in a.email for a in found)
    found = search.find(sample_db, "dupont")
    assert found and found[0].last_name == "Dupont"
