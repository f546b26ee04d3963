"""What to hand over (issue 20, item 6): ``[[handover]]`` rules per category and add-on,
read by the event, checked by ``checkin event check`` with the line and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkin.event import handover
from checkin.event import model as event_module
from checkin.preflight import eventfile

RULES = {
    "handover": [
        {"items": ["Sac"], "items_en": ["Bag"]},
        {"category": "delegation", "items": ["Casque", "Sac"]},
        {"workshop": "DINER", "items": ["Bon pour le dîner"], "items_en": ["Dinner voucher"]},
    ]
}


def test_items_per_category_and_add_on_each_once() -> None:
    rules = handover.parse(RULES, ["elu", "delegation"])
    assert handover.items_for(rules, "elu", (), "fr") == ("Sac",)
    assert handover.items_for(rules, "delegation", ("A5",), "fr") == ("Sac", "Casque")
    assert handover.items_for(rules, "elu", ("a5", "diner"), "en") == ("Bag", "Dinner voucher")


def test_a_rule_without_items_or_with_an_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="items"):
        handover.parse({"handover": [{"category": "elu"}]}, ["elu"])
    with pytest.raises(ValueError, match="unknown category"):
        handover.parse({"handover": [{"category": "vip", "items": ["Sac"]}]}, ["elu"])


def test_the_shipped_event_hands_a_bag_to_all_and_a_headset_to_delegations() -> None:
    ev = event_module.load()
    assert ev.handover_for("Élu·e", ()) == ("Sacoche et programme",)
    assert "Casque d'interprétation" in ev.handover_for("delegation", ())


def test_event_check_says_the_line_and_the_fix(tmp_path: Path) -> None:
    from checkin.base import paths

    text = paths.default_event_path().read_text(encoding="utf-8")
    text += '\n[[handover]]\ncategory = "vipp"\n\n[[handover]]\nitems = ["Sac"]\nworkshop = ""\n'
    problems = eventfile.check_text(text, tmp_path / "event.toml")
    said = {p.message: p for p in problems}
    assert "catégorie inconnue « vipp »" in said
    assert said["catégorie inconnue « vipp »"].line == text[: text.index('category = "vipp"')].count("\n") + 1
    assert "une règle [[handover]] ne dit pas quoi remettre" in said
    assert "workshop est vide" in said
