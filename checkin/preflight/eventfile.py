"""Setting up an event without editing code: what ``checkin event new|check`` rely on.

:func:`new_event_text` is a commented copy of a shipped event to adapt; :func:`check_file`
reports every problem of an event file with its line and the fix.

``check`` knows every table and key :mod:`checkin.event.model` reads (``event.SCHEMA``) and
reports all it finds in one run — not only the first — so an organiser fixes the file in
one go: TOML syntax, unknown keys (with the closest known one), missing keys, days that
are not event days or whose aliases name another date or weekday, aliases shared by two
days or two categories, colours that are not ``#RRGGBB`` or whose text does not contrast
with the band (WCAG 4.5:1), a code pattern that does not compile or that walk-in codes do
not match, an unknown time zone or language, a missing logo.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from checkin.base import paths
from checkin.base.codes import new_code
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.base.text import fold
from checkin.event import model as event_module
from checkin.preflight import handovercheck, roomcheck

SENSITIVE = ("dietary", "accessibility")
LANGUAGES = ("fr", "en")
MIN_CONTRAST = 4.5  # WCAG AA for normal text
MAX_SPAN_DAYS = 31  # days further apart than this are taken for a typo (year, month)
WEEKDAYS = {
    **{w: i for i, w in enumerate(("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"))},
    **{
        w: i
        for i, w in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
    },
}
MONTHS = {
    **{
        m: i
        for i, m in enumerate(
            (
                "janvier",
                "fevrier",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "aout",
                "septembre",
                "octobre",
                "novembre",
                "decembre",
            ),
            1,
        )
    },
    **{
        m: i
        for i, m in enumerate(
            (
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ),
            1,
        )
    },
}


# -- new ---------------------------------------------------------------------------------


def shipped() -> dict[str, Path]:
    return {p.stem: p for p in sorted((paths.resources_dir() / "events").glob("*.toml"))}


def source_file(name: str) -> Path:
    known = shipped()
    if name in known:
        return known[name]
    path = Path(name).expanduser()
    if path.is_file():
        return path
    raise KnownError(
        _(
            "Événement inconnu : {name} (fournis : {known}, ou un fichier TOML)",
            name=name,
            known=", ".join(known),
        )
    )


def new_event_text(source: Path, output: Path) -> str:
    """The source file with a header saying what to adapt and an ``id`` taken from the
    output's name (two events never share an id: attendees' identities derive from it)."""
    new_id = re.sub(r"[^a-z0-9]+", "-", fold(output.stem)).strip("-") or "evenement"
    text = source.read_text(encoding="utf-8")
    text, n = re.subn(r'(?m)^(id\s*=\s*)"[^"]*"', lambda m: f'{m.group(1)}"{new_id}"', text, count=1)
    if not n:
        raise KnownError(_("Le fichier {path} n'a pas de clé id dans [event].", path=source))
    header = [
        _("Événement préparé avec « checkin event new --from {source} ».", source=source.stem),
        _("À adapter avant le premier import :"),
        _("  - [event] : name, short_name, organiser, venue, address (l'id vaut déjà « {id} ») ;", id=new_id),
        _("  - code_pattern : le format des codes de vos billets ; walkin_prefix : le début des codes"),
        _("    créés à l'accueil, qui doivent aussi correspondre à code_pattern ;"),
        _(
            "  - [[days]] : un bloc par jour (date AAAA-MM-JJ, libellés, façons dont l'export nomme ce jour) ;"
        ),
        _("  - [[categories]] : une par couleur de badge ; le texte doit rester lisible sur la couleur ;"),
        _("  - [texts] : Wi-Fi, vestiaire, pied de badge ; [privacy] : données visibles aux postes."),
        _("Logo (badges et tickets) : un fichier logo.svg ou logo.png à côté de ce fichier,"),
        _('  ou logo = "chemin" dans [event].'),
        _("Code PIN du responsable pour tous les postes : « checkin lead-pin --print-hash »,"),
        _("  puis coller le bloc [lead] affiché à la fin de ce fichier."),
        _("Vérifier : checkin event check {file}    Utiliser : checkin event use {file}", file=output.name),
    ]
    return "\n".join("# " + line if line else "#" for line in header) + "\n#\n" + text


# -- check -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 0 when the problem is the whole file's
    message: str
    fix: str

    def line_text(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message} — {self.fix}" if self.fix else f"{where}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "message": self.message, "fix": self.fix}


class Lines:
    """Where each table and key of a TOML file is written (line numbers from 1)."""

    HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?")
    KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\")\s*=")

    def __init__(self, text: str) -> None:
        self.tables: dict[tuple[str, int], int] = {}
        self.keys: dict[tuple[str, int, str], int] = {}
        self.values: list[tuple[int, str]] = []  # (line, text) for searching a value
        counts: dict[str, int] = {}
        current = ("", 0)
        for n, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0] if '"' not in raw else raw
            self.values.append((n, raw))
            header = self.HEADER.match(line)
            if header:
                name = header.group(2)
                index = counts.get(name, 0)
                if header.group(1) == "[[":
                    counts[name] = index + 1
                current = (name, index)
                self.tables.setdefault(current, n)
                continue
            key = self.KEY.match(line)
            if key:
                self.keys.setdefault((*current, key.group(1).strip('"')), n)

    def table(self, name: str, index: int = 0) -> int:
        return self.tables.get((name, index), 0)

    def key(self, table: str, key: str, index: int = 0) -> int:
        return self.keys.get((table, index, key)) or self.table(table, index)

    def value(self, text: str, after: int = 0) -> int:
        """The first line at or after ``after`` holding ``text`` (an alias in a list)."""
        for n, raw in self.values:
            if n >= after and text in raw:
                return n
        return after


def check_file(path: Path) -> list[Problem]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise KnownError(_("Fichier d'événement introuvable : {path}", path=path)) from exc
    except UnicodeDecodeError:
        return [
            Problem(str(path), 0, _("le fichier n'est pas en UTF-8"), _("enregistrez-le en UTF-8 (sans BOM)"))
        ]
    return check_text(text, path)


def check_text(text: str, path: Path) -> list[Problem]:
    name = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        return [
            Problem(
                name,
                int(found.group(1)) if found else 0,
                _("syntaxe TOML : {error}", error=exc),
                _("vérifiez guillemets, crochets et virgules sur cette ligne"),
            )
        ]
    checker = _Checker(data, Lines(text), name, path)
    checker.run()
    if not checker.problems:  # anything the loader refuses that the checks above missed
        try:
            event_module._build(data, path)
        except (KeyError, TypeError, ValueError, re.error) as exc:
            checker.add(0, str(exc), _("corrigez la valeur indiquée"))
    return sorted(checker.problems, key=lambda p: p.line)


class _Checker:
    def __init__(self, data: dict[str, Any], lines: Lines, name: str, path: Path) -> None:
        self.data = data
        self.lines = lines
        self.name = name
        self.path = path
        self.problems: list[Problem] = []

    def add(self, line: int, message: str, fix: str) -> None:
        self.problems.append(Problem(self.name, line, message, fix))

    def run(self) -> None:
        self.keys()
        ev = self.data.get("event") if isinstance(self.data.get("event"), dict) else {}
        assert isinstance(ev, dict)
        self.event_table(ev)
        days = self.days()
        self.registration(days)
        self.categories()
        self.codes(ev)
        self.ticket_types(days)
        self.privacy()
        self.logo(ev)
        self.lead()
        roomcheck.check(self.data, self.lines.key, self.add)
        handovercheck.check(self.data, self.lines.key, self.add)

    # unknown and missing keys
    def keys(self) -> None:
        schema = event_module.SCHEMA
        for table, value in self.data.items():
            if table not in schema:
                close = difflib.get_close_matches(table, list(schema), n=1)
                self.add(
                    self.lines.table(table) or self.lines.key("", table),
                    _("table inconnue [{table}]", table=table),
                    _("voulez-vous dire [{close}] ?", close=close[0]) if close else _("supprimez-la"),
                )
                continue
            known = schema[table]
            if known is None:
                continue
            rows = value if isinstance(value, list) else [value]
            is_list = table in event_module.LIST_TABLES
            if is_list != isinstance(value, list):
                self.add(
                    self.lines.table(table),
                    _("[{table}] est mal écrit", table=table),
                    _("écrivez [[{table}]] (une entrée par bloc)", table=table)
                    if is_list
                    else _("écrivez [{table}] (une seule table)", table=table),
                )
                continue
            for index, row in enumerate(rows):
                if not isinstance(row, dict):
                    continue
                for key in row:
                    if key not in known:
                        close = closest(key, known)
                        self.add(
                            self.lines.key(table, key, index),
                            _("clé inconnue « {key} » dans [{table}]", key=key, table=table),
                            _("voulez-vous dire « {close} » ?", close=close[0])
                            if close
                            else _("clés possibles : {known}", known=", ".join(known)),
                        )

    def event_table(self, ev: dict[str, Any]) -> None:
        if "event" not in self.data:
            self.add(0, _("la table [event] manque"), _("ajoutez [event] avec au moins id et name"))
            return
        for key in ("id", "name"):
            if not str(ev.get(key, "")).strip():
                self.add(
                    self.lines.table("event"),
                    _("[event] n'a pas de « {key} »", key=key),
                    _('ajoutez {key} = "…" sous [event]', key=key),
                )
        zone = str(ev.get("timezone", "Europe/Paris"))
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            self.add(
                self.lines.key("event", "timezone"),
                _("fuseau horaire inconnu « {zone} »", zone=zone),
                _("un nom de la base IANA, par exemple « Europe/Paris »"),
            )
        region = str(ev.get("phone_region", "FR"))
        if not re.fullmatch(r"[A-Z]{2}", region):
            self.add(
                self.lines.key("event", "phone_region"),
                _("phone_region « {value} » n'est pas un code pays", value=region),
                _("deux lettres majuscules, par exemple « FR »"),
            )
        languages = ev.get("languages", ["fr", "en"])
        wrong = [str(x) for x in languages if str(x) not in LANGUAGES] if isinstance(languages, list) else []
        if not isinstance(languages, list) or wrong or not languages:
            self.add(
                self.lines.key("event", "languages"),
                _("langues non prises en charge : {wrong}", wrong=", ".join(wrong) or str(languages)),
                _(
                    "une liste parmi {known}, la première par défaut",
                    known=", ".join(f'"{x}"' for x in LANGUAGES),
                ),
            )

    # days
    def days(self) -> list[date]:
        raw = self.data.get("days", [])
        if not isinstance(raw, list) or not raw:
            self.add(
                0, _("aucun jour [[days]]"), _('ajoutez un bloc [[days]] avec date = "AAAA-MM-JJ" par jour')
            )
            return []
        found: list[date] = []
        seen_alias: dict[str, int] = {}
        for index, row in enumerate(raw):
            if not isinstance(row, dict):
                continue
            line = self.lines.key("days", "date", index)
            try:
                day = date.fromisoformat(str(row.get("date", "")))
            except ValueError:
                self.add(
                    line,
                    _("date invalide « {value} »", value=row.get("date", "")),
                    _('écrivez date = "AAAA-MM-JJ"'),
                )
                continue
            if day in found:
                self.add(
                    line,
                    _("le jour {day} est déclaré deux fois", day=day),
                    _("supprimez l'un des deux blocs"),
                )
            found.append(day)
            self._day_aliases(row, index, day, seen_alias)
        self._day_span(found)
        return found

    def _day_aliases(self, row: dict[str, Any], index: int, day: date, seen_alias: dict[str, int]) -> None:
        """A day's labels and aliases name this day (date, weekday), and no other day's alias."""
        aliases = row.get("aliases", [])
        for alias in [
            row.get("label", ""),
            row.get("label_en", ""),
            *(aliases if isinstance(aliases, list) else []),
        ]:
            alias = str(alias)
            where = self.lines.value(alias, self.lines.table("days", index))
            named = _named_date(alias, day.year)
            if named is not None and named != day:
                self.add(
                    where,
                    _("« {alias} » désigne le {other}, pas le {day}", alias=alias, other=named, day=day),
                    _("corrigez la date ou déplacez ce libellé vers le bon jour"),
                )
            weekday = _named_weekday(alias)
            if weekday is not None and weekday != day.weekday():
                self.add(
                    where,
                    _("« {alias} » : le {day} n'est pas ce jour de la semaine", alias=alias, day=day),
                    _("c'est un {weekday}", weekday=_weekday_name(day)),
                )
        for alias in aliases if isinstance(aliases, list) else []:
            key = fold(str(alias))
            if key in seen_alias and seen_alias[key] != index:
                self.add(
                    self.lines.value(str(alias), self.lines.table("days", index)),
                    _("l'alias « {alias} » est donné à deux jours", alias=alias),
                    _("gardez-le pour un seul jour (les jours communs vont dans [registration] all_days)"),
                )
            seen_alias.setdefault(key, index)

    def _day_span(self, found: list[date]) -> None:
        """The days are close to one another (a typo in a year or a month) and in order."""
        if not found:
            return
        ordered = sorted(found)
        first = ordered[len(ordered) // 2]
        for index, day in enumerate(found):
            if abs((day - first).days) > MAX_SPAN_DAYS:
                self.add(
                    self.lines.key("days", "date", index),
                    _(
                        "le {day} est hors de l'événement (les autres jours sont autour du {first})",
                        day=day,
                        first=first,
                    ),
                    _("vérifiez l'année et le mois de cette date"),
                )
        if found != ordered:
            self.add(
                self.lines.table("days", 0),
                _("les jours ne sont pas dans l'ordre"),
                _("rangez les blocs [[days]] du premier au dernier jour"),
            )

    def registration(self, days: list[date]) -> None:
        reg = self.data.get("registration", {})
        if not isinstance(reg, dict):
            return
        raw = self.data.get("days", [])
        day_aliases = {
            fold(str(a))
            for row in (raw if isinstance(raw, list) else [])
            if isinstance(row, dict)
            for a in (row.get("aliases", []) if isinstance(row.get("aliases", []), list) else [])
        }
        for label in reg.get("all_days", []) if isinstance(reg.get("all_days"), list) else []:
            if fold(str(label)) in day_aliases and len(days) > 1:
                self.add(
                    self.lines.value(str(label), self.lines.table("registration")),
                    _("« {label} » veut dire « tous les jours » et aussi un seul jour", label=label),
                    _("retirez-le de all_days ou des alias du jour"),
                )

    # categories
    def categories(self) -> None:
        raw = self.data.get("categories", [])
        if not isinstance(raw, list) or not raw:
            self.add(
                0,
                _("aucune catégorie [[categories]]"),
                _("ajoutez au moins un bloc [[categories]] avec key, name et colour"),
            )
            return
        owners: dict[str, tuple[int, str]] = {}
        defaults = 0
        for index, row in enumerate(raw):
            if not isinstance(row, dict):
                continue
            start = self.lines.table("categories", index)
            for key in ("key", "name"):
                if not str(row.get(key, "")).strip():
                    self.add(
                        start,
                        _("une catégorie n'a pas de « {key} »", key=key),
                        _('ajoutez {key} = "…"', key=key),
                    )
            defaults += bool(row.get("default", False))
            colours: dict[str, str] = {}
            for key, fallback in (("colour", "#5D6D7E"), ("text_colour", "#FFFFFF")):
                value = str(row.get(key, fallback))
                if re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
                    colours[key] = value
                else:
                    self.add(
                        self.lines.key("categories", key, index),
                        _("couleur « {value} » illisible", value=value),
                        _("écrivez-la #RRGGBB, par exemple « #1F4E9D »"),
                    )
            if len(colours) == 2:
                ratio = contrast(colours["colour"], colours["text_colour"])
                if ratio < MIN_CONTRAST:
                    self.add(
                        self.lines.key("categories", "text_colour", index),
                        _(
                            "le texte {text} sur la bande {band} de « {name} » ne se lit pas "
                            "(contraste {ratio}:1, il faut {min}:1)",
                            text=colours["text_colour"],
                            band=colours["colour"],
                            name=row.get("name", ""),
                            ratio=f"{ratio:.1f}",
                            min=MIN_CONTRAST,
                        ),
                        readable_fix(colours["colour"]),
                    )
            aliases = row.get("aliases", [])
            words = [str(row.get("key", "")), str(row.get("name", "")), str(row.get("name_en", ""))]
            words += [str(a) for a in aliases] if isinstance(aliases, list) else []
            for word in dict.fromkeys(w for w in words if w):
                key = fold(word)
                owner = owners.get(key)
                if owner is not None and owner[0] != index:
                    self.add(
                        self.lines.value(word, start),
                        _(
                            "« {word} » désigne deux catégories : « {first} » et « {second} »",
                            word=word,
                            first=owner[1],
                            second=row.get("name", ""),
                        ),
                        _("gardez-le dans une seule catégorie"),
                    )
                else:
                    owners[key] = (index, str(row.get("name", "")))
        if defaults > 1:
            self.add(
                self.lines.table("categories", 0),
                _("{n} catégories ont default = true", n=defaults),
                _("une seule catégorie par défaut (celle des inscriptions que l'export ne classe pas)"),
            )

    # codes
    def codes(self, ev: dict[str, Any]) -> None:
        pattern = str(ev.get("code_pattern", r"[0-9A-Z-]{6,40}"))
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            self.add(
                self.lines.key("event", "code_pattern"),
                _("code_pattern n'est pas une expression régulière valide : {error}", error=exc),
                _("par exemple « AICT26-[0-9A-Z]{8} »"),
            )
            return
        prefix = str(ev.get("walkin_prefix", ""))
        sample = new_code(prefix, "event-check")
        found = regex.search(sample.upper())
        if found is None or found.group(0) != sample:
            literal = re.match(r"[A-Za-z0-9_-]*", pattern)
            hint = literal.group(0) if literal else ""
            self.add(
                self.lines.key("event", "walkin_prefix"),
                _(
                    "les codes créés à l'accueil (par exemple « {sample} ») ne correspondent pas à code_pattern « {pattern} » : ils ne seraient pas reconnus au scan",
                    sample=sample,
                    pattern=pattern,
                ),
                _(
                    'walkin_prefix = "{hint}", ou un code_pattern qui accepte ce préfixe suivi de 8 caractères',
                    hint=hint,
                )
                if hint and hint != prefix
                else _(
                    "un code_pattern qui accepte walkin_prefix suivi de 8 caractères (chiffres et majuscules)"
                ),
            )

    def ticket_types(self, days: list[date]) -> None:
        """[[ticket_types]] rules: a ticket type's words give a category and days."""
        raw = self.data.get("ticket_types", [])
        if not isinstance(raw, list):
            return
        cats = self.data.get("categories", [])
        keys = [str(c.get("key", "")) for c in cats if isinstance(c, dict)] if isinstance(cats, list) else []
        isos = {d.isoformat() for d in days}
        for index, rule in enumerate(raw):
            if not isinstance(rule, dict):
                continue
            start = self.lines.table("ticket_types", index)
            if not str(rule.get("match", rule.get("exact", ""))).strip():
                self.add(
                    start,
                    _("une règle [[ticket_types]] n'a pas de « match »"),
                    _('ajoutez match = "mots du type de billet"'),
                )
            category = str(rule.get("category", ""))
            if category and category not in keys:
                close = closest(category, tuple(keys))
                self.add(
                    self.lines.key("ticket_types", "category", index),
                    _("catégorie inconnue « {key} »", key=category),
                    _("voulez-vous dire « {close} » ?", close=close[0])
                    if close
                    else _("clés possibles : {known}", known=", ".join(keys)),
                )
            wanted = rule.get("days", [])
            if wanted != "all":
                for day in wanted if isinstance(wanted, list) else [wanted]:
                    if str(day) not in isos:
                        self.add(
                            self.lines.key("ticket_types", "days", index),
                            _("le {day} n'est pas un jour de l'événement", day=day),
                            _('jours possibles : {known}, ou days = "all"', known=", ".join(sorted(isos))),
                        )
            if not category and not wanted:
                self.add(
                    start,
                    _("une règle [[ticket_types]] ne donne ni catégorie ni jours"),
                    _("ajoutez category, days, ou les deux"),
                )

    def privacy(self) -> None:
        privacy = self.data.get("privacy", {})
        if not isinstance(privacy, dict):
            return
        fields = privacy.get("desk_fields", [])
        for value in fields if isinstance(fields, list) else [fields]:
            if str(value) not in SENSITIVE:
                self.add(
                    self.lines.key("privacy", "desk_fields"),
                    _("desk_fields : « {value} » inconnu", value=value),
                    _("valeurs possibles : {known}", known=", ".join(SENSITIVE)),
                )
        days = privacy.get("retention_days", 90)
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            self.add(
                self.lines.key("privacy", "retention_days"),
                _("retention_days doit être un nombre de jours"),
                _("par exemple retention_days = 90"),
            )

    def logo(self, ev: dict[str, Any]) -> None:
        path = event_module.find_logo(ev, self.path)
        if path is None:
            return
        line = self.lines.key("event", "logo")
        if path.suffix.lower() not in event_module.LOGO_SUFFIXES:
            self.add(
                line,
                _("logo « {name} » : ni PNG ni SVG", name=path.name),
                _("donnez un fichier .png ou .svg"),
            )
        elif not path.is_file():
            self.add(
                line,
                _("logo introuvable : {path}", path=path),
                _("placez le fichier à côté de l'événement ou corrigez le chemin"),
            )
        else:
            from checkin.printing.logo import logo_image

            try:
                logo_image(path, 200)
            except KnownError as exc:
                self.add(line, exc.message, _("ré-exportez le logo en PNG ou en SVG simple"))

    def lead(self) -> None:
        lead = self.data.get("lead", {})
        value = str(lead.get("pin_hash", "")) if isinstance(lead, dict) else ""
        if value and (not value.startswith("scrypt$") or value.count("$") != 5):
            self.add(
                self.lines.key("lead", "pin_hash"),
                _("pin_hash n'est pas un code PIN haché"),
                _("collez le bloc affiché par « checkin lead-pin --print-hash »"),
            )


def closest(key: str, known: tuple[str, ...]) -> list[str]:
    """The known key meant: the same words in another order (colour_text), else the nearest."""
    words = sorted(key.lower().split("_"))
    same = [k for k in known if sorted(k.split("_")) == words]
    return same or difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.5)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #RRGGBB colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, bl = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * bl

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def readable_fix(band: str) -> str:
    """What to write so the band's word reads: a text colour, else a darker band."""
    best = max(("#FFFFFF", "#111111"), key=lambda c: contrast(band, c))
    if contrast(band, best) >= MIN_CONTRAST:
        return _(
            'text_colour = "{best}" (contraste {ratio}:1)', best=best, ratio=f"{contrast(band, best):.1f}"
        )
    r, g, b = (int(band[i : i + 2], 16) for i in (1, 3, 5))
    factor = 1.0
    darker = band
    while contrast(darker, "#FFFFFF") < MIN_CONTRAST and factor > 0:
        factor -= 0.02
        darker = "#{:02X}{:02X}{:02X}".format(*(round(v * factor) for v in (r, g, b)))
    return _(
        'une bande plus foncée, par exemple colour = "{darker}" avec text_colour = "#FFFFFF" (contraste {ratio}:1)',
        darker=darker,
        ratio=f"{contrast(darker, '#FFFFFF'):.1f}",
    )


def _named_date(alias: str, year: int) -> date | None:
    """The date an alias spells out (08/07, 08/07/2026, 2026-07-08, 8 juillet, July 8)."""
    text = fold(alias)
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?", text):
            return date(int(m[3] or year), int(m[2]), int(m[1]))
        for word, month in MONTHS.items():
            if m := re.search(rf"\b(\d{{1,2}})(?:er)? {word}\b", text):
                return date(year, month, int(m[1]))
            if m := re.search(rf"\b{word} (\d{{1,2}})\b", text):
                return date(year, month, int(m[1]))
    except ValueError:
        return None
    return None


def _named_weekday(alias: str) -> int | None:
    words = re.findall(r"[a-z]+", fold(alias))
    return next((WEEKDAYS[w] for w in words if w in WEEKDAYS), None)


def _weekday_name(day: date) -> str:
    names = _("lundi mardi mercredi jeudi vendredi samedi dimanche").split()
    return names[day.weekday()]
