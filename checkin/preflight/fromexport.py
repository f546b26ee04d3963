"""A first event file written from a registration export (``checkin event new --from-export``).

What an export knows of its event is in its ticket types: pretix writes *Product –
Variation* ("Partenaire – 8 juillet"), the other platforms a ticket type of their own. Each
product becomes a category (its name as its alias, so the import finds it again), each date
a variation or a ticket type names ("8 juillet", "July 8", "8. Juli", "08/07/2026") a day
(the year from the orders' dates: the first such day on or after the earliest order), and
for pretix's order data (and its JSON export) the products' and variations' ids the
``[pretix]`` table, so signed secrets find their ticket type offline. Add-ons (a dinner) are
no category. Everything else is left for the organiser to write, and ``checkin event
check`` accepts the file as written.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.base.text import fold
from checkin.importer import dates
from checkin.importer.mapping import build
from checkin.importer.opened import open_export
from checkin.importer.platforms import pretix_languages, pretix_text

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("janvier", "january", "januar", "jan"),
            ("fevrier", "february", "februar", "feb", "fev"),
            ("mars", "march", "marz", "mar"),
            ("avril", "april", "apr", "avr"),
            ("mai", "may"),
            ("juin", "june", "juni", "jun"),
            ("juillet", "july", "juli", "jul", "juil"),
            ("aout", "august", "aug"),
            ("septembre", "september", "sep", "sept"),
            ("octobre", "october", "oktober", "oct", "okt"),
            ("novembre", "november", "nov"),
            ("decembre", "december", "dezember", "dec", "dez"),
        ),
        start=1,
    )
    for name in names
}
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:er|st|nd|rd|th)?\.?\s+([a-z]+)\.?(?:\s+(\d{4}))?\b")
_MONTH_DAY = re.compile(r"\b([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?")
_NUMERIC = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{4}\b")
# Badge colours that read with their text colour (4.5:1 and more), in turn.
_COLOURS = (
    ("#1F4E9D", "#FFFFFF"),
    ("#1E8449", "#FFFFFF"),
    ("#7B241C", "#FFFFFF"),
    ("#E67E22", "#1B2631"),
    ("#6C3483", "#FFFFFF"),
    ("#111111", "#FFFFFF"),
    ("#7F8C8D", "#111111"),
    ("#5D6D7E", "#FFFFFF"),
)


@dataclass
class Seen:
    """What the export's rows say about the event."""

    products: Counter[str] = field(default_factory=Counter)  # people per product
    days: dict[tuple[int, int, int], str] = field(default_factory=dict)  # (y or 0, m, d) → text
    first_order: str = ""  # the earliest order date (ISO)
    ids: dict[str, dict[str, str]] = field(default_factory=lambda: {"products": {}, "variations": {}})
    pretix: bool = False


def read(path: Path) -> Seen:
    export = open_export(path)
    try:
        if export.kind != "registrations":
            raise KnownError(_("{name} n'est pas un export d'inscriptions.", name=path.name))
        export.mapping = mapping = build(export.headers)
        profile = mapping.profile
        seen = Seen(pretix=profile is not None and profile.platform == "pretix")
        ids = _id_columns(export.headers)
        people: set[str] = set()
        for _number, cells in export.rows():
            v = {f: cells[i] for f, i in mapping.columns.items() if i < len(cells)}
            _ids(seen, v, cells, ids)
            if profile is not None and profile.finish is not None:
                profile.finish(profile, v)
            _row(seen, v, people)
    finally:
        export.close()
    if not seen.products:
        raise KnownError(
            _("{name} ne nomme aucun type de billet : pas de catégorie à en tirer.", name=path.name)
        )
    return seen


def _row(seen: Seen, v: dict[str, str], people: set[str]) -> None:
    """One row: its product (a person's, not an add-on's) and the dates its ticket type names."""
    registration = v.get("registration", "")
    if v.get("addon_to") or (registration and registration in people):
        return  # an add-on position (pretix's check-in list repeats its person)
    people.add(registration)
    ticket = v.get("ticket_type", "").strip()
    product, _dash, variation = ticket.partition(" – ") if seen.pretix else (ticket, "", "")
    if product:
        seen.products[product] += 1
    for text in (variation, product) if variation else (ticket,):
        for key in _dates(text):
            seen.days.setdefault(key, text)
    when = dates.read(v.get("registered_at", "").strip()) or ""
    if when and (not seen.first_order or when < seen.first_order):
        seen.first_order = when


def _id_columns(headers: list[str]) -> dict[str, tuple[int, int]]:
    """pretix's order data: (id column, name column) of the product and the variation."""
    found: dict[str, tuple[int, int]] = {}
    for language in pretix_languages():
        names = [pretix_text(language, m) for m in ("Product", "Product ID", "Variation", "Variation ID")]
        if all(n in headers for n in names):
            at = [headers.index(n) for n in names]
            found = {"products": (at[1], at[0]), "variations": (at[3], at[2])}
            break
    return found


def _ids(seen: Seen, v: dict[str, str], cells: list[str], ids: dict[str, tuple[int, int]]) -> None:
    if v.get("addon_to"):
        return
    for kind, (id_at, name_at) in ids.items():
        if max(id_at, name_at) < len(cells) and cells[id_at].strip().isdigit() and cells[name_at].strip():
            seen.ids[kind][cells[id_at].strip()] = cells[name_at].strip()


def _dates(text: str) -> list[tuple[int, int, int]]:
    """(year or 0, month, day) of each date ``text`` names, in French, English or German."""
    folded = fold(text)
    found: list[tuple[int, int, int]] = []
    for match in _NUMERIC.finditer(folded):
        iso = dates.read(match.group())
        if iso:
            found.append((int(iso[:4]), int(iso[5:7]), int(iso[8:10])))
    for regex, day_at, month_at in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for m in regex.finditer(folded):
            month = _MONTHS.get(m.group(month_at))
            if month and 1 <= int(m.group(day_at)) <= 31:
                found.append((int(m.group(3) or 0), month, int(m.group(day_at))))
    return found


def event_days(seen: Seen) -> list[tuple[date, str]]:
    """The days named, each with its text; a day without a year takes the first year that
    puts it on or after the earliest order (this year when no order date is known)."""
    start = date.fromisoformat(seen.first_order[:10]) if seen.first_order else date.today()
    out: dict[date, str] = {}
    for (year, month, day), text in seen.days.items():
        try:
            when = date(year or start.year, month, day)
            if not year and when < start:
                when = date(start.year + 1, month, day)
        except ValueError:
            continue
        out.setdefault(when, text)
    return sorted(out.items())


def _q(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def draft_text(source: Path, output: Path) -> str:
    """The event file ``checkin event new --from-export`` writes: header, [event], the days
    and categories seen, the [pretix] ids; ``checkin event check`` accepts it as written."""
    seen = read(source)
    new_id = re.sub(r"[^a-z0-9]+", "-", fold(output.stem)).strip("-") or "evenement"
    days = event_days(seen)
    lines = [
        "# " + _("Événement préparé avec « checkin event new --from-export {name} ».", name=source.name),
        "# " + _("Jours tirés des dates que nomment les types de billet, catégories des produits ;"),
        "# " + _("à adapter : [event] (nom, lieu, adresse, code_pattern), les libellés, les couleurs."),
        "# " + _("Vérifier : checkin event check {file}", file=output.name),
        "",
        "[event]",
        f"id = {_q(new_id)}",
        f"name = {_q(output.stem)}",
        'timezone = "Europe/Paris"',
        'languages = ["fr", "en"]',
        "",
    ]
    if not days:
        lines.append("# " + _("Aucune date dans les types de billet : indiquez la date de chaque jour."))
        start = seen.first_order[:10] or date.today().isoformat()
        days = [(date.fromisoformat(start), start)]
    for when, text in days:
        lines += ["[[days]]", f'date = "{when.isoformat()}"', f"label = {_q(text)}"]
        lines += [f"aliases = [{_q(text)}]", ""]
    lines += ["[registration]", "empty_days_means_all = true", ""]
    lines += _categories(seen)
    lines += _pretix_table(seen)
    return "\n".join(lines) + "\n"


def _categories(seen: Seen) -> list[str]:
    lines: list[str] = []
    keys: set[str] = set()
    common = seen.products.most_common(1)[0][0]
    for index, product in enumerate(sorted(seen.products)):
        key = re.sub(r"[^a-z0-9]+", "-", fold(product)).strip("-")[:30].strip("-") or "categorie"
        while key in keys:
            key += "-2"
        keys.add(key)
        colour, text_colour = _COLOURS[index % len(_COLOURS)]
        lines += ["[[categories]]", f"key = {_q(key)}", f"name = {_q(product)}"]
        lines += [f'colour = "{colour}"', f'text_colour = "{text_colour}"', f"aliases = [{_q(product)}]"]
        if product == common:
            lines.append("default = true")
        lines.append("")
    return lines


def _pretix_table(seen: Seen) -> list[str]:
    if not any(seen.ids.values()):
        return []
    lines = ["[pretix]"]
    for kind in ("products", "variations"):
        pairs = ", ".join(
            f"{_q(k)} = {_q(v)}" for k, v in sorted(seen.ids[kind].items(), key=lambda kv: int(kv[0]))
        )
        lines.append(f"{kind} = {{ {pairs} }}")
    return [*lines, ""]
