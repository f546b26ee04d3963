"""The event as configuration: name, days, categories, code pattern, texts.

Loaded from a TOML file (``checkin/resources/events/aict2026.toml`` by default) and validated, so a
second event needs a new file and no code change.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from checkin.base import paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.base.text import fold
from checkin.event import handover as handover_rules
from checkin.event.handover import Handover
from checkin.event.rooms import Rooms
from checkin.event.rooms import parse as parse_rooms


@dataclass(frozen=True)
class Day:
    date: date
    label: str
    label_en: str
    aliases: tuple[str, ...]

    @property
    def iso(self) -> str:
        return self.date.isoformat()


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    name_en: str
    colour: str
    text_colour: str
    aliases: tuple[str, ...]
    default: bool = False

    def label(self, language: str) -> str:
        return self.name_en if language == "en" else self.name


@dataclass(frozen=True)
class TicketRule:
    """An explicit rule for ticket types whose words cannot decide (``[[ticket_types]]``).

    ``match`` is a ticket type's text (whole words, accents and case ignored) or, with
    ``exact``, the whole text; the rule gives a category, days, or both.
    """

    match: str
    exact: bool = False
    category: str = ""  # a category key
    days: tuple[str, ...] = ()  # ISO dates; empty: the rule does not decide days

    def matches(self, folded_text: str) -> bool:
        key = fold(self.match)
        if self.exact:
            return key == folded_text
        return _word_in(key, folded_text)


@dataclass(frozen=True)
class TicketType:
    """What a ticket type's text says: the category, the days, and what fell to a default."""

    category: Category
    days: tuple[str, ...]
    category_default: bool
    days_default: bool
    rule: str = ""  # the rule that decided, if any


@dataclass(frozen=True)
class EventConfig:
    id: str
    name: str
    short_name: str
    organiser: str
    venue: str
    address: str
    timezone: str
    phone_region: str
    code_pattern: str
    walkin_prefix: str
    languages: tuple[str, ...]
    days: tuple[Day, ...]
    all_days: tuple[str, ...]
    empty_days_means_all: bool
    categories: tuple[Category, ...]
    texts: dict[str, str] = field(default_factory=dict)
    desk_fields: tuple[str, ...] = ()
    retention_days: int = 90
    lead_pin_hash: str = ""  # [lead] pin_hash: the lead PIN provisioned with the event
    ticket_rules: tuple[TicketRule, ...] = ()
    handover: tuple[Handover, ...] = ()  # [[handover]]: what the volunteer hands over (event.handover)
    logo: Path | None = None  # PNG or SVG on badges and slips ([event] logo, or logo.svg/png beside)
    source: Path | None = None
    rooms: Rooms = field(default_factory=Rooms)  # [[rooms]], [[session_access]] (event.rooms)
    # "exact": codes compared as written (pretix's base64 secrets); "fold": upper-cased, as
    # our own codes are; "": each platform's way (pretix exact, the others folded):
    # see ``codes_compared``.
    code_case: str = ""
    has_pretix: bool = False  # the event file has a [pretix] section
    # [pretix]: the event's pretix_sig1 public keys (base64 of the PEM text, as pretix hands
    # them to devices) and the names of its products and variations by pretix id, so a signed
    # secret finds its category and days through the ticket-type rules (checkin.event.pretix_sig1).
    pretix_keys: tuple[str, ...] = ()
    pretix_names: dict[str, str] = field(default_factory=dict)
    _memo: dict[tuple[str, ...], object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def code_regex(self) -> re.Pattern[str]:
        return _compile(self.code_pattern)

    @property
    def retention_until(self) -> date:
        """The last day personal data may stay on a desk: the event's last day plus
        ``[privacy] retention_days``; the day after, desks purge themselves."""
        return max(d.date for d in self.days) + timedelta(days=self.retention_days)

    def today(self) -> date:
        """Today on the venue's clock."""
        return datetime.now(ZoneInfo(self.timezone)).date()

    def codes_compared(self, platform: str = "", pretix_linked: bool = False) -> str:
        """How an import keeps its codes: the event file's ``code_case`` when it says; else
        exact for an event on pretix — a ``[pretix]`` section, a desk linked to pretix, an
        export or a pull from pretix — whose secrets are case-sensitive even when they come
        in one case; else "" (folded unless folding would lose something)."""
        if self.code_case:
            return self.code_case
        return "exact" if self.has_pretix or pretix_linked or platform == "pretix" else ""

    def local(self, at: str) -> datetime:
        """A fact's UTC time (an ISO stamp) on the venue's clock: what the volunteers' watches say."""
        return datetime.fromisoformat(at).astimezone(ZoneInfo(self.timezone))

    def clock(self, at: str) -> str:
        """``HH:MM`` on the venue's clock for a fact's stamp, as the card and the lists show it;
        a stamp without a zone is taken as already local, an unreadable one shown as written."""
        if not at:
            return ""
        try:
            moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            return at[11:16]
        if moment.tzinfo is not None:
            moment = moment.astimezone(ZoneInfo(self.timezone))
        return moment.strftime("%H:%M")

    def handover_for(
        self, category: str, workshops: tuple[str, ...], language: str = "fr"
    ) -> tuple[str, ...]:
        """What to hand a person of ``category`` (key or name) registered for ``workshops``."""
        found = self.category_by_name(category) if category else None
        key = found.key if found is not None else category
        return handover_rules.items_for(self.handover, key, workshops, language)

    def day(self, iso: str) -> Day | None:
        return next((d for d in self.days if d.iso == iso), None)

    def day_label(self, iso: str, language: str = "fr") -> str:
        d = self.day(iso)
        if d is None:
            return iso
        return d.label_en if language == "en" else d.label

    def category(self, value: str) -> Category:
        """The category an export value names, or the default one."""
        memo = self._memo.get(("category", value))
        if memo is None:
            memo = self._memo[("category", value)] = self._category(value)
        return memo  # type: ignore[return-value]

    def _category(self, value: str) -> Category:
        key = fold(value)
        for cat in self.categories:
            if key in {fold(cat.name), fold(cat.key), fold(cat.name_en)} or key in {
                fold(a) for a in cat.aliases
            }:
                return cat
        return self.default_category

    def category_in_text(self, text: str) -> Category | None:
        """The category whose name or alias stands as whole words in a ticket type's text
        ("Elected official – 8 July only"); the longest such alias wins."""
        memo = self._memo.get(("category_in", text))
        if memo is None:
            folded = fold(text)
            best: tuple[int, int, Category] | None = None
            for order, cat in enumerate(self.categories):
                for alias in (cat.name, cat.name_en, cat.key, *cat.aliases):
                    key = fold(alias)
                    if key and _word_in(key, folded) and (best is None or (len(key), -order) > best[:2]):
                        best = (len(key), -order, cat)
            memo = self._memo[("category_in", text)] = best[2] if best else False
        return memo or None  # type: ignore[return-value]

    def ticket_type(self, text: str, category_value: str = "", days_value: str = "") -> TicketType:
        """Category and days of a registration, from explicit columns if the export has
        them, else from the ticket type's text; explicit ``[[ticket_types]]`` rules first."""
        key = ("ticket", text, category_value, days_value)
        memo = self._memo.get(key)
        if memo is None:
            memo = self._memo[key] = self._ticket_type(text, category_value, days_value)
        return memo  # type: ignore[return-value]

    def _ticket_type(self, text: str, category_value: str, days_value: str) -> TicketType:
        folded = fold(text)
        category: Category | None = None
        days: tuple[str, ...] | None = None
        used = ""
        for rule in self.ticket_rules if folded else ():
            if not rule.matches(folded):
                continue
            if category is None and rule.category:
                category = self.category_by_key(rule.category)
                used = used or rule.match
            if days is None and rule.days:
                days = rule.days
                used = used or rule.match
        if category is None and category_value:
            found = self.category(category_value)
            if found is not self.default_category or self._names_category(found, category_value):
                category = found
        if category is None and text:
            category = self.category_in_text(text)
        if days is None and days_value:
            days = self.parse_days(days_value) or None
        if days is None and text:
            days = self._days_in(folded) or None
        everyday = tuple(d.iso for d in self.days)
        return TicketType(
            category=category or self.default_category,
            days=days if days is not None else (everyday if self.empty_days_means_all else ()),
            category_default=category is None,
            days_default=days is None,
            rule=used,
        )

    def _names_category(self, cat: Category, value: str) -> bool:
        key = fold(value)
        return key in {fold(cat.name), fold(cat.key), fold(cat.name_en)} | {fold(a) for a in cat.aliases}

    def _days_in(self, folded: str) -> tuple[str, ...]:
        if any(_word_in(fold(label), folded) for label in self.all_days):
            return tuple(d.iso for d in self.days)
        return tuple(
            d.iso
            for d in self.days
            if any(_word_in(fold(a), folded) for a in (d.label, d.label_en, d.iso, *d.aliases))
        )

    def category_by_key(self, key: str) -> Category | None:
        wanted = fold(key)
        return next((c for c in self.categories if fold(c.key) == wanted), None) or self.category_by_name(key)

    def category_by_name(self, name: str) -> Category | None:
        key = fold(name)
        return next(
            (c for c in self.categories if key in {fold(c.name), fold(c.key), fold(c.name_en)}),
            None,
        )

    @property
    def default_category(self) -> Category:
        return next((c for c in self.categories if c.default), self.categories[-1])

    def parse_days(self, value: str) -> tuple[str, ...]:
        """The event days (ISO dates) an export's days cell names."""
        memo = self._memo.get(("days", value))
        if memo is None:
            memo = self._memo[("days", value)] = self._parse_days(value)
        return memo  # type: ignore[return-value]

    def _parse_days(self, value: str) -> tuple[str, ...]:
        text = fold(value)
        everyday = tuple(d.iso for d in self.days)
        if not text:
            return everyday if self.empty_days_means_all else ()
        if any(_word_in(fold(label), text) for label in self.all_days):
            return everyday
        found = [
            d.iso
            for d in self.days
            if any(_word_in(fold(a), text) for a in (d.label, d.label_en, d.iso, *d.aliases))
        ]
        return tuple(found)


def _word_in(needle: str, haystack: str) -> bool:
    """``needle`` stands as whole words in ``haystack`` (both folded): an en dash, a hyphen,
    a slash-free punctuation or a space around it, never a letter or digit."""
    if not needle or needle not in haystack:
        return False
    return _word_pattern(needle).search(haystack) is not None


@cache
def _word_pattern(needle: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w/])" + re.escape(needle) + r"(?![\w/])")


# Every table and key an event file may hold: what ``_build`` reads and what
# ``checkin event check`` accepts (``None``: any key, as in [texts]). Add a key here
# whenever ``_build`` reads one (tests/core/test_event_check.py holds the two together).
SCHEMA: dict[str, tuple[str, ...] | None] = {
    "event": (
        "id",
        "name",
        "short_name",
        "organiser",
        "venue",
        "address",
        "timezone",
        "phone_region",
        "code_pattern",
        "walkin_prefix",
        "languages",
        "logo",
        "code_case",
    ),
    "days": ("date", "label", "label_en", "aliases"),
    "registration": ("all_days", "empty_days_means_all", "code_case"),
    "categories": ("key", "name", "name_en", "colour", "text_colour", "aliases", "default"),
    "texts": None,
    "privacy": ("desk_fields", "retention_days"),
    "lead": ("pin_hash",),
    "ticket_types": ("match", "exact", "category", "days"),
    "handover": ("items", "items_en", "category", "workshop"),
    "rooms": ("name", "capacity", "exits"),
    "session_access": ("type", "code", "open_to"),
    "pretix": ("public_keys", "products", "variations"),
}
LIST_TABLES = (
    "days",
    "categories",
    "ticket_types",
    "handover",
    "rooms",
    "session_access",
)  # written [[days]], [[categories]]…
LOGO_NAMES = ("logo.svg", "logo.png")
LOGO_SUFFIXES = (".svg", ".png")


def find_logo(ev: dict[str, object], source: Path) -> Path | None:
    """The event's logo: ``[event] logo`` (relative to the event file), else a ``logo.svg``
    or ``logo.png`` beside it; ``None`` when there is none."""
    given = str(ev.get("logo", "") or "")
    if given:
        path = Path(given).expanduser()
        return path if path.is_absolute() else source.parent / path
    return next((source.parent / n for n in LOGO_NAMES if (source.parent / n).is_file()), None)


@cache
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def take_option(argv: list[str]) -> tuple[str | None, list[str]]:
    """``--event FILE`` (or ``--event=FILE``) taken from anywhere on a command line.

    Returns the file (the last one given) and the other arguments in order; what follows a
    bare ``--`` is left alone.
    """
    value: str | None = None
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        if arg == "--event":
            if i + 1 >= len(argv) or not argv[i + 1]:
                raise KnownError(_("--event attend un fichier d'événement (TOML)."))
            value = argv[i + 1]
            i += 2
            continue
        if arg.startswith("--event="):
            value = arg.partition("=")[2]
        else:
            rest.append(arg)
        i += 1
    return value, rest


# The event the command line resolved for this run (see :func:`resolve`, :func:`activated`).
_active: list[EventConfig] = []


def resolve(given: str | os.PathLike[str] | None = None) -> tuple[Path, str]:
    """The event file of this run and where the choice came from, resolved in one order.

    ``--event`` (given), then ``CHECKIN_EVENT``, then the desk's settings (``[desk] event``,
    set with ``checkin event use FILE``), then the event shipped with the program. The second
    value names the origin (``option``, ``environment``, ``settings``, ``default``).
    """
    if given:
        return Path(given).expanduser(), "option"
    env = os.environ.get("CHECKIN_EVENT")
    if env:
        return Path(env).expanduser(), "environment"
    from checkin.base.settings import DeskSettings

    chosen = DeskSettings.load().event
    if chosen:
        return Path(chosen).expanduser(), "settings"
    return paths.default_event_path(), "default"


@contextmanager
def activated(ev: EventConfig) -> Iterator[EventConfig]:
    """Make ``ev`` the event every ``load()`` without a path returns, for one command's run."""
    _active.append(ev)
    try:
        yield ev
    finally:
        _active.remove(ev)


def of(args: object) -> EventConfig:
    """The event a command runs for: the one the CLI resolved into ``args.event``, else
    (a handler called on its own, by a test or another entry point) the resolved default."""
    given = getattr(args, "event", None)
    if isinstance(given, EventConfig):
        return given
    return load(given if isinstance(given, str) and given else None)


def load(path: str | Path | None = None) -> EventConfig:
    """Load and validate an event file; a bad file is a known error naming the problem.

    Without a path: the event this run resolved (``--event`` anywhere on the command line),
    else the first of ``CHECKIN_EVENT``, the desk's settings and the shipped event.
    """
    if path is None and _active:
        return _active[-1]
    source = resolve(path)[0]
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KnownError(_("Fichier d'événement introuvable : {path}", path=source)) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KnownError(
            _("Fichier d'événement illisible ({path}) : {error}", path=source, error=exc)
        ) from exc
    try:
        return _build(data, source)
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise KnownError(
            _("Fichier d'événement invalide ({path}) : {error}", path=source, error=exc)
        ) from exc


@cache
def default() -> EventConfig:
    """The event shipped with the program, whatever this run chose."""
    return load(paths.default_event_path())


def _build(data: dict[str, object], source: Path) -> EventConfig:
    ev = _table(data, "event")
    reg = _table(data, "registration", required=False)
    privacy = _table(data, "privacy", required=False)
    lead = _table(data, "lead", required=False)
    pretix = _table(data, "pretix", required=False)
    texts = {str(k): str(v) for k, v in _table(data, "texts", required=False).items()}
    days = tuple(
        Day(
            date=date.fromisoformat(str(d["date"])),
            label=str(d.get("label", d["date"])),
            label_en=str(d.get("label_en", d.get("label", d["date"]))),
            aliases=_strings(d.get("aliases", [])),
        )
        for d in _list(data, "days")
    )
    if not days:
        raise ValueError("at least one [[days]] entry is needed")
    categories = tuple(
        Category(
            key=str(c["key"]),
            name=str(c["name"]),
            name_en=str(c.get("name_en", c["name"])),
            colour=_colour(str(c.get("colour", "#5D6D7E"))),
            text_colour=_colour(str(c.get("text_colour", "#FFFFFF"))),
            aliases=_strings(c.get("aliases", [])),
            default=bool(c.get("default", False)),
        )
        for c in _list(data, "categories")
    )
    if not categories:
        raise ValueError("at least one [[categories]] entry is needed")
    pattern = str(ev.get("code_pattern", r"[0-9A-Z-]{6,40}"))
    _compile(pattern)
    return EventConfig(
        id=str(ev["id"]),
        name=str(ev["name"]),
        short_name=str(ev.get("short_name", ev["name"])),
        organiser=str(ev.get("organiser", "")),
        venue=str(ev.get("venue", "")),
        address=str(ev.get("address", "")),
        timezone=str(ev.get("timezone", "Europe/Paris")),
        phone_region=str(ev.get("phone_region", "FR")),
        code_pattern=pattern,
        walkin_prefix=str(ev.get("walkin_prefix", "")),
        languages=_strings(ev.get("languages", ["fr", "en"])),
        days=days,
        all_days=_strings(reg.get("all_days", [])),
        empty_days_means_all=bool(reg.get("empty_days_means_all", True)),
        categories=categories,
        texts=texts,
        desk_fields=_strings(privacy.get("desk_fields", [])),
        retention_days=int(str(privacy.get("retention_days", 90))),
        lead_pin_hash=str(lead.get("pin_hash", "")),
        ticket_rules=parse_ticket_rules(data, categories, days),
        handover=handover_rules.parse(data, [c.key for c in categories]),
        logo=_logo(ev, source),
        source=source,
        rooms=parse_rooms(data),
        code_case=_code_case(str(ev.get("code_case", reg.get("code_case", "")))),
        has_pretix="pretix" in data,
        pretix_keys=_pretix_keys(pretix.get("public_keys", [])),
        pretix_names=_pretix_names(pretix.get("products", {}), pretix.get("variations", {})),
    )


def _code_case(value: str) -> str:
    """``code_case`` (under ``[event]`` or ``[registration]``): how the codes compare."""
    if value not in ("", "exact", "fold"):
        raise ValueError(f'code_case = "{value}": write "exact" (codes compared as written) or "fold"')
    return value


def parse_ticket_rules(
    data: dict[str, object], categories: tuple[Category, ...], days: tuple[Day, ...]
) -> tuple[TicketRule, ...]:
    rules = []
    keys = {c.key for c in categories}
    isos = {d.iso for d in days}
    for n, item in enumerate(_list(data, "ticket_types"), start=1):
        match = str(item.get("match", item.get("exact", ""))).strip()
        if not match:
            raise ValueError(f"[[ticket_types]] #{n}: 'match' is missing")
        category = str(item.get("category", ""))
        if category and category not in keys:
            raise ValueError(
                f"[[ticket_types]] #{n}: unknown category {category!r} (known: {', '.join(sorted(keys))})"
            )
        raw_days = item.get("days", [])
        wanted = tuple(isos) if raw_days == "all" else _strings(raw_days)
        wanted = tuple(d for d in (d.iso for d in days) if d in wanted)
        unknown = set(_strings(raw_days) if raw_days != "all" else ()) - isos
        if unknown:
            raise ValueError(f"[[ticket_types]] #{n}: days not in the event: {', '.join(sorted(unknown))}")
        if not category and not wanted:
            raise ValueError(f"[[ticket_types]] #{n}: give a category, days, or both")
        rules.append(TicketRule(match=match, exact="exact" in item, category=category, days=wanted))
    return tuple(rules)


def _pretix_keys(given: object) -> tuple[str, ...]:
    """``[pretix] public_keys``, each checked on load: a bad key is the event file's fault, said once."""
    from checkin.event import pretix_sig1

    keys = _strings(given)
    for key in keys:
        pretix_sig1.check_key(key)
    return keys


def _pretix_names(products: object, variations: object) -> dict[str, str]:
    """``[pretix] products`` and ``variations`` (pretix id = name), keyed ``item:ID``, ``variation:ID``."""
    names: dict[str, str] = {}
    for kind, key, given in (("item", "products", products), ("variation", "variations", variations)):
        if not isinstance(given, dict):
            raise TypeError(f"[pretix] {key} must be a table of id = name")
        names.update({f"{kind}:{k}": str(v) for k, v in given.items()})
    return names


def _logo(ev: dict[str, object], source: Path) -> Path | None:
    path = find_logo(ev, source)
    if path is None:
        return None
    if path.suffix.lower() not in LOGO_SUFFIXES:
        raise ValueError(f"logo {path.name}: a .png or .svg file is expected")
    if not path.is_file():
        raise ValueError(f"logo {path} not found")
    return path


def _table(data: dict[str, object], key: str, *, required: bool = True) -> dict[str, object]:
    value = data.get(key)
    if value is None:
        if required:
            raise KeyError(f"[{key}] is missing")
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"[{key}] must be a table")
    return value


def _list(data: dict[str, object], key: str) -> list[dict[str, object]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise TypeError(f"[[{key}]] must be a list of tables")
    return value


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {value!r}")
    return tuple(str(v) for v in value)


def _colour(value: str) -> str:
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise ValueError(f"colour {value!r} is not #RRGGBB")
    return value.upper()
