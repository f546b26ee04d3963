"""What the volunteer hands over, from the event file (``[[handover]]``): a bag to everyone,
an interpretation headset to a category, a dinner voucher to those who bought the add-on.

Each rule lists ``items`` (French; ``items_en`` in English, else the same) for a category
(``category`` = its key; none: everyone) and, optionally, only for people registered for a
workshop or add-on product (``workshop`` = its code, as the export's ``Ateliers`` or the
platform's add-ons give it). The answer and the welcome slip show the person's items; the
badge never does (it is worn all day, the items are handed once).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from checkin.base.text import fold


@dataclass(frozen=True)
class Handover:
    items: tuple[str, ...]
    items_en: tuple[str, ...] = ()
    category: str = ""  # a category key; "": everyone
    workshop: str = ""  # a workshop or add-on code the person registered for; "": no condition

    def applies(self, category_key: str, workshops: Iterable[str]) -> bool:
        if self.category and fold(self.category) != fold(category_key):
            return False
        return not self.workshop or fold(self.workshop) in {fold(w) for w in workshops}

    def words(self, language: str) -> tuple[str, ...]:
        return self.items_en if language == "en" and self.items_en else self.items


def parse(data: dict[str, object], category_keys: Iterable[str]) -> tuple[Handover, ...]:
    """``[[handover]]`` rules; a mistake is a ValueError (``checkin event check`` says where)."""
    raw = data.get("handover", [])
    keys = {fold(k) for k in category_keys}
    rules = []
    for n, item in enumerate(raw if isinstance(raw, list) else [], start=1):
        items = _strings(item.get("items", []))
        if not items:
            raise ValueError(f"[[handover]] #{n}: 'items' is missing")
        category = str(item.get("category", ""))
        if category and fold(category) not in keys:
            raise ValueError(f"[[handover]] #{n}: unknown category {category!r}")
        rules.append(
            Handover(items, _strings(item.get("items_en", [])), category, str(item.get("workshop", "")))
        )
    return tuple(rules)


def items_for(
    rules: Iterable[Handover], category_key: str, workshops: Iterable[str], language: str
) -> tuple[str, ...]:
    """The person's items, in the event file's order, each once."""
    chosen = list(workshops)
    found: list[str] = []
    for rule in rules:
        if rule.applies(category_key, chosen):
            found.extend(w for w in rule.words(language) if w not in found)
    return tuple(found)


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list):
        return tuple(str(v) for v in value if str(v).strip())
    return ()
