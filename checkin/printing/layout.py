"""Badge layouts and sheets as data: TOML files validated on load, drawn by one renderer.

A layout is a page the size of the stock, one or more *faces* on it (an A4 folded in four
carries the badge twice, the back one upside down) and a list of elements, each in a box
measured in millimetres from the face's bottom-left corner. A sheet imposes many badges of
one layout on a bigger page (4×A6 on A4, label sheets). Presets live in
``checkin/resources/layouts``; a file elsewhere can be named by its path.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm

from checkin.base import paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _

KINDS = frozenset({"text", "qr", "band", "rule", "image"})
FIELDS = frozenset(
    {
        "event_name",
        "event_short_name",
        "first_name",
        "last_name",
        "native_name",
        "full_name",
        "function",
        "organisation",
        "country",
        "delegation",
        "category",
        "code",
        "duplicate_mark",
        "footer",
        "static",
    }
)
# "logo"/"no_logo": the event has (or has not) a logo — a layout can give the event's name
# the whole width when there is none and make room for the logo when there is.
CONDITIONS = frozenset({"", "foreign", "reprint", "native_name", "logo", "no_logo"})
ALIGNS = frozenset({"left", "center", "right"})


@dataclass(frozen=True)
class Box:
    """A rectangle in points, origin at the face's bottom-left corner."""

    x: float
    y: float
    w: float
    h: float

    def contains(self, x0: float, y0: float, x1: float, y1: float, tol: float = 0.01) -> bool:
        return (
            x0 >= self.x - tol
            and y0 >= self.y - tol
            and x1 <= self.x + self.w + tol
            and y1 <= self.y + self.h + tol
        )


@dataclass(frozen=True)
class Element:
    kind: str
    box: Box
    field: str = ""
    text: str = ""  # for field "static"
    size: float = 12.0  # largest font size, points
    min_size: float = 5.0  # below this the renderer logs that the text is tiny
    bold: bool = False
    align: str = "center"
    colour: str = "#000000"
    max_lines: int = 1
    upper: bool = False
    when: str = ""  # print only for foreign delegations, reprints, native names
    path: str = ""  # image file, relative to the resources folder; field "logo": the event's logo


@dataclass(frozen=True)
class Face:
    """Where one copy of the badge sits on the page, and whether it is turned round."""

    x: float
    y: float
    rotate: int = 0  # 0 or 180


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    page_w: float  # points
    page_h: float
    badge_w: float
    badge_h: float
    faces: tuple[Face, ...]
    elements: tuple[Element, ...]
    media: str  # the CUPS media name ("A6", "Custom.62x100mm")
    fold_marks: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str
    page_w: float
    page_h: float
    layout: str  # default layout for its cells
    columns: int
    rows: int
    cell_w: float
    cell_h: float
    left: float  # first cell's left edge, points
    top: float  # first cell's top edge from the page top, points
    gap_x: float
    gap_y: float
    crop_marks: bool
    media: str

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def cell_origin(self, index: int) -> tuple[float, float]:
        """Bottom-left corner of cell ``index`` (row by row from the top left)."""
        col, row = index % self.columns, index // self.columns
        x = self.left + col * (self.cell_w + self.gap_x)
        y = self.page_h - self.top - (row + 1) * self.cell_h - row * self.gap_y
        return x, y


def layouts_dir() -> Path:
    return paths.resources_dir() / "layouts"


def _bad(source: str, why: str) -> KnownError:
    return KnownError(_("Modèle de badge invalide ({source}) : {why}", source=source, why=why))


def _num(data: dict[str, Any], key: str, source: str, default: float | None = None) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _bad(source, _("« {key} » doit être un nombre", key=key))
    return float(value)


def _colour(value: object, source: str) -> str:
    text = str(value)
    if len(text) != 7 or not text.startswith("#"):
        raise _bad(source, _("couleur « {value} » attendue au format #RRGGBB", value=text))
    try:
        int(text[1:], 16)
    except ValueError:
        raise _bad(source, _("couleur « {value} » attendue au format #RRGGBB", value=text)) from None
    return text


def _find(name: str, kind: str) -> Path:
    path = Path(name)
    if path.suffix == ".toml" and path.exists():
        return path
    candidate = layouts_dir() / f"{name}.toml"
    if candidate.exists():
        return candidate
    if kind == "sheet":
        raise KnownError(_("Planche inconnue : {name}", name=name))
    raise KnownError(_("Modèle de badge inconnu : {name}", name=name))


def available() -> dict[str, list[str]]:
    """Preset names by kind, for ``--help`` and the settings screen."""
    out: dict[str, list[str]] = {"layout": [], "sheet": []}
    for path in sorted(layouts_dir().glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        out["sheet" if "sheet" in data else "layout"].append(path.stem)
    return out


@cache
def load_layout(name: str) -> Layout:
    path = _find(name, "layout")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise _bad(path.name, str(exc)) from None
    return parse_layout(data, path.stem)


def parse_layout(data: dict[str, Any], source: str) -> Layout:
    """Check every field a renderer relies on, so a bad file fails here, not mid-print."""
    head = data.get("layout")
    if not isinstance(head, dict):
        raise _bad(source, _("la table [layout] manque"))
    badge_w = _num(head, "width_mm", source) * mm
    badge_h = _num(head, "height_mm", source) * mm
    page_w = _num(head, "page_width_mm", source, badge_w / mm) * mm
    page_h = _num(head, "page_height_mm", source, badge_h / mm) * mm
    if min(badge_w, badge_h, page_w, page_h) <= 0:
        raise _bad(source, _("les dimensions doivent être positives"))
    faces: list[Face] = []
    for raw in data.get("faces", [{"x_mm": 0, "y_mm": 0}]):
        face = Face(
            _num(raw, "x_mm", source, 0) * mm,
            _num(raw, "y_mm", source, 0) * mm,
            int(raw.get("rotate", 0)),
        )
        if face.rotate not in (0, 180):
            raise _bad(source, _("une face ne peut tourner que de 0 ou 180 degrés"))
        if face.x + badge_w > page_w + 0.01 or face.y + badge_h > page_h + 0.01:
            raise _bad(source, _("une face dépasse de la page"))
        faces.append(face)
    elements = tuple(_element(raw, source, badge_w, badge_h) for raw in data.get("elements", []))
    if not elements:
        raise _bad(source, _("aucun élément"))
    return Layout(
        name=str(head.get("name", source)),
        title=str(head.get("title", source)),
        page_w=page_w,
        page_h=page_h,
        badge_w=badge_w,
        badge_h=badge_h,
        faces=tuple(faces),
        elements=elements,
        media=str(head.get("media", f"Custom.{page_w / mm:g}x{page_h / mm:g}mm")),
        fold_marks=bool(head.get("fold_marks", False)),
    )


def _element(raw: dict[str, Any], source: str, badge_w: float, badge_h: float) -> Element:
    kind = str(raw.get("kind", "text"))
    if kind not in KINDS:
        raise _bad(source, _("type d'élément inconnu : {kind}", kind=kind))
    box_mm = raw.get("box")
    if not (
        isinstance(box_mm, list) and len(box_mm) == 4 and all(isinstance(v, int | float) for v in box_mm)
    ):
        raise _bad(source, _("chaque élément a une boîte [x, y, largeur, hauteur] en mm"))
    box = Box(*(float(v) * mm for v in box_mm))
    if (
        box.w <= 0
        or box.h <= 0
        or box.x < -0.01
        or box.y < -0.01
        or box.x + box.w > badge_w + 0.01
        or box.y + box.h > badge_h + 0.01
    ):
        raise _bad(source, _("la boîte {box} sort du badge", box=box_mm))
    field = str(raw.get("field", ""))
    if kind in ("text", "qr") and field not in FIELDS:
        raise _bad(source, _("champ inconnu : {field}", field=field))
    when = str(raw.get("when", ""))
    if when not in CONDITIONS:
        raise _bad(source, _("condition inconnue : {when}", when=when))
    align = str(raw.get("align", "center"))
    if align not in ALIGNS:
        raise _bad(source, _("alignement inconnu : {align}", align=align))
    element = Element(
        kind=kind,
        box=box,
        field=field,
        text=str(raw.get("text", "")),
        size=_num(raw, "size", source, 12),
        min_size=_num(raw, "min_size", source, 5),
        bold=bool(raw.get("bold", False)),
        align=align,
        colour=_colour(raw.get("colour", "#000000"), source),
        max_lines=int(raw.get("max_lines", 1)),
        upper=bool(raw.get("upper", False)),
        when=when,
        path=str(raw.get("path", "")),
    )
    if element.max_lines not in (1, 2, 3) or element.min_size > element.size:
        raise _bad(source, _("taille ou nombre de lignes invalide"))
    return element


@cache
def load_sheet(name: str) -> Sheet:
    path = _find(name, "sheet")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    head = data.get("sheet")
    source = path.stem
    if not isinstance(head, dict):
        raise _bad(source, _("la table [sheet] manque"))
    sheet = Sheet(
        name=str(head.get("name", source)),
        title=str(head.get("title", source)),
        page_w=_num(head, "page_width_mm", source) * mm,
        page_h=_num(head, "page_height_mm", source) * mm,
        layout=str(head.get("layout", "a6")),
        columns=int(head.get("columns", 1)),
        rows=int(head.get("rows", 1)),
        cell_w=_num(head, "cell_width_mm", source) * mm,
        cell_h=_num(head, "cell_height_mm", source) * mm,
        left=_num(head, "left_mm", source, 0) * mm,
        top=_num(head, "top_mm", source, 0) * mm,
        gap_x=_num(head, "gap_x_mm", source, 0) * mm,
        gap_y=_num(head, "gap_y_mm", source, 0) * mm,
        crop_marks=bool(head.get("crop_marks", True)),
        media=str(head.get("media", "A4")),
    )
    right = sheet.left + sheet.columns * sheet.cell_w + (sheet.columns - 1) * sheet.gap_x
    bottom = sheet.top + sheet.rows * sheet.cell_h + (sheet.rows - 1) * sheet.gap_y
    if sheet.columns < 1 or sheet.rows < 1 or right > sheet.page_w + 0.01 or bottom > sheet.page_h + 0.01:
        raise _bad(source, _("les cases sortent de la page"))
    return sheet
