"""Slip layouts as data: ``checkin/resources/tickets/<name>.toml``, validated when loaded.

A layout is a list of elements drawn top to bottom by one renderer (``render.py``). An
organiser changes what a slip says by editing the file, not the code; a mistake in the file
(an unknown element, a placeholder that does not exist, a size out of range) is a known
error naming the file and the element, raised when the layout is loaded rather than
half-way through printing a slip at the desk.

Element types:

* ``text``: ``text`` with ``{placeholders}``; ``align`` left|center|right, ``bold``,
  ``size`` 1–8 (or ``[width, height]``), ``invert``, ``fit`` (shrink from ``size`` until
  the longest word fits, for names), ``max_lines``, ``when`` (a placeholder that must be
  non-empty);
* ``rule``: a line across; ``feed``: ``lines`` blank lines;
* ``qr``: ``data`` (placeholders), ``module`` dots per module 1–16, ``ec`` L|M|Q|H;
* ``programme``: the attendee's programme of the day (welcome slip);
* ``practical``: ``keys`` of the event's texts (Wi-Fi, cloakroom, lunch…);
* ``counts``: the desk's counts of the day (closing slip);
* ``logo``: the event's logo (PNG or SVG beside the event file), centred, ``width`` per
  cent of the paper's width (default 60); nothing when the event has no logo;
* ``cut``: ``mode`` partial|full.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from checkin.base import paths
from checkin.base.i18n import _
from checkin.printing.errors import LayoutError

KINDS = ("welcome", "label", "closing")
ALIGNS = ("left", "center", "right")
TYPES = ("text", "rule", "feed", "qr", "programme", "practical", "counts", "logo", "cut")

# The one registry of placeholders, with the slips that can fill them.
_COMMON = {
    "event_name": "the event's full name",
    "event_short_name": "the event's short name",
    "venue": "the venue",
    "day_label": 'the day printed for ("8 juillet")',
    "printed_at": "local time of printing, HH:MM",
    "desk": "the desk's name",
}
_PERSON = {
    "welcome": "the greeting in the attendee's language",
    "first_name": "first name as displayed",
    "last_name": "last name as displayed",
    "last_name_upper": "last name in capitals",
    "full_name": "first and last name, or the native-script name when there is no other",
    "native_name": "the name in its own script",
    "other_script_name": "the native-script name when it differs from the full name",
    "function": "function",
    "organisation": "organisation",
    "category": "category, in the slip's language",
    "delegation": "delegation",
    "country": "country",
    "code": "the ticket code",
    "label_programme": "heading of the programme, translated",
    "label_practical": "heading of the practical lines, translated",
    "handover": "what the volunteer hands over (the event's [[handover]]), comma-separated",
    "handover_line": 'the handover line, translated ("À remettre : Sacoche, Casque")',
}
_CLOSING = {
    "label_closing": "heading of the closing slip, translated",
    "label_desk": '"Desk", translated',
    "total_admitted": "check-ins of the day, undos excluded",
}
PLACEHOLDERS: dict[str, dict[str, str]] = {
    "welcome": {**_COMMON, **_PERSON},
    "label": {**_COMMON, **_PERSON},
    "closing": {**_COMMON, **_CLOSING},
}


@dataclass(frozen=True)
class Element:
    type: str
    text: str = ""
    align: str = "left"
    bold: bool = False
    width: int = 1  # character magnification, 1-8
    height: int = 1
    invert: bool = False
    fit: bool = False
    max_lines: int = 0  # 0: as many as needed
    when: str = ""
    lines: int = 1
    module: int = 6
    ec: str = "M"
    keys: tuple[str, ...] = ()
    mode: str = "partial"
    percent: int = 60  # logo: share of the paper's width


@dataclass(frozen=True)
class Layout:
    name: str
    kind: str
    elements: tuple[Element, ...]
    description: str = ""
    source: Path | None = field(default=None, compare=False)


def layouts_dir() -> Path:
    return paths.resources_dir() / "tickets"


def available() -> list[str]:
    return sorted(p.stem for p in layouts_dir().glob("*.toml"))


@cache
def _load_cached(path: Path, mtime: float) -> Layout:
    return parse(path.read_text(encoding="utf-8"), path)


def load(name: str) -> Layout:
    """The layout called ``name`` (``welcome``, ``label``, ``closing`` or a custom one)."""
    path = Path(name) if name.endswith(".toml") else layouts_dir() / f"{name}.toml"
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError as exc:
        raise LayoutError(_("Modèle de ticket introuvable : {path}", path=path)) from exc
    return _load_cached(path, mtime)


def parse(text: str, source: Path | None = None) -> Layout:
    where = str(source or "<texte>")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(_("Modèle de ticket illisible ({path}) : {error}", path=where, error=exc)) from exc
    kind = str(data.get("kind", ""))
    if kind not in KINDS:
        raise LayoutError(
            _("Modèle de ticket {path} : kind doit valoir {kinds}", path=where, kinds=", ".join(KINDS))
        )
    raw = data.get("elements", [])
    if not isinstance(raw, list) or not raw:
        raise LayoutError(_("Modèle de ticket {path} : aucun élément [[elements]]", path=where))
    elements = tuple(_element(item, kind, where, n) for n, item in enumerate(raw, 1))
    name = str(data.get("name", source.stem if source else kind))
    return Layout(name, kind, elements, str(data.get("description", "")), source)


def _element(item: Any, kind: str, where: str, n: int) -> Element:
    def fail(problem: str) -> LayoutError:
        return LayoutError(
            _("Modèle de ticket {path}, élément {n} : {problem}", path=where, n=n, problem=problem)
        )

    if not isinstance(item, dict):
        raise fail("not a table")
    unknown = (
        set(item)
        - {f for f in Element.__dataclass_fields__ if f not in ("width", "height")}
        - {"size", "data"}
    )
    if unknown:
        raise fail(f"unknown keys {sorted(unknown)}")
    kind_of = str(item.get("type", ""))
    if kind_of not in TYPES:
        raise fail(f"type must be one of {', '.join(TYPES)}")
    size = item.get("size", 1)
    width, height = (
        (size, size)
        if isinstance(size, int)
        else tuple(size)
        if isinstance(size, list) and len(size) == 2
        else (0, 0)
    )
    if not all(isinstance(v, int) and 1 <= v <= 8 for v in (width, height)):
        raise fail("size must be 1-8 or [width, height]")
    text = str(item.get("data", item.get("text", "")))
    _check_placeholders(text, kind, fail)
    when = str(item.get("when", ""))
    if when and when not in PLACEHOLDERS[kind]:
        raise fail(f"when: unknown placeholder {when!r}")
    align = str(item.get("align", "center" if kind_of == "qr" else "left"))
    if align not in ALIGNS:
        raise fail(f"align must be one of {', '.join(ALIGNS)}")
    ec = str(item.get("ec", "M")).upper()
    module = item.get("module", 6)
    if ec not in ("L", "M", "Q", "H") or not isinstance(module, int) or not 1 <= module <= 16:
        raise fail("qr needs ec L|M|Q|H and module 1-16")
    mode = str(item.get("mode", "partial"))
    if mode not in ("partial", "full"):
        raise fail("cut mode must be partial or full")
    if kind_of == "qr" and not text:
        raise fail("qr needs data")
    if kind_of == "text" and not text:
        raise fail("text needs text")
    if (kind_of == "programme" and kind == "closing") or (kind_of == "counts" and kind != "closing"):
        raise fail(f"{kind_of} cannot be used on a {kind} slip")
    keys = item.get("keys", [])
    if not isinstance(keys, list):
        raise fail("keys must be a list")
    percent = item.get("percent", 60)
    if not isinstance(percent, int) or not 10 <= percent <= 100:
        raise fail("percent must be 10-100")
    lines = item.get("lines", 1)
    max_lines = item.get("max_lines", 0)
    if not isinstance(lines, int) or not 0 <= lines <= 20 or not isinstance(max_lines, int) or max_lines < 0:
        raise fail("lines must be 0-20 and max_lines positive")
    return Element(
        type=kind_of,
        text=text,
        align=align,
        bold=bool(item.get("bold", False)),
        width=width,
        height=height,
        invert=bool(item.get("invert", False)),
        fit=bool(item.get("fit", False)),
        max_lines=max_lines,
        when=when,
        lines=lines,
        module=module,
        ec=ec,
        keys=tuple(str(k) for k in keys),
        mode=mode,
        percent=percent,
    )


def _check_placeholders(text: str, kind: str, fail: Any) -> None:
    try:
        fields = [f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        raise fail(f"bad braces in {text!r}") from exc
    for name in fields:
        if name not in PLACEHOLDERS[kind]:
            raise fail(f"unknown placeholder {{{name}}}")
