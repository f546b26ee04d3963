"""``checkin event check`` on ``[[handover]]``: each rule lists items, names a known
category (or none: everyone), and a workshop code is written as the export writes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checkin.base.i18n import _
from checkin.base.text import fold

Add = Callable[[int, str, str], None]
Line = Callable[[str, str, int], int]


def check(data: dict[str, Any], key_line: Line, add: Add) -> None:
    rules = data.get("handover", [])
    cats = data.get("categories", [])
    keys = [str(c.get("key", "")) for c in cats if isinstance(c, dict)] if isinstance(cats, list) else []
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, dict):
            continue
        items = rule.get("items")
        if not items or not isinstance(items, list | str):
            add(
                key_line("handover", "items", index),
                _("une règle [[handover]] ne dit pas quoi remettre"),
                _('ajoutez items = ["Sac", "Casque d\'interprétation"]'),
            )
        category = str(rule.get("category", ""))
        if category and fold(category) not in {fold(k) for k in keys}:
            add(
                key_line("handover", "category", index),
                _("catégorie inconnue « {key} »", key=category),
                _("clés possibles : {known}", known=", ".join(keys)),
            )
        if "workshop" in rule and not str(rule["workshop"]).strip():
            add(
                key_line("handover", "workshop", index),
                _("workshop est vide"),
                _("donnez le code de l'atelier ou de l'option, par exemple workshop = \"DINER\""),
            )
