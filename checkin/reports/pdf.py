"""Reports as PDF (ReportLab): attendance with its arrival chart, sign-in sheets, certificates.

Names are drawn run by run with the shipped font that holds their letters
(:func:`checkin.printing.fonts.runs`), so a name in Arabic, Chinese or Armenian is printed,
not boxed. Paragraphs are shaped by HarfBuzz (ReportLab's ``shaping``, as the badges are):
Devanagari conjuncts and vowel signs, Arabic joining. ReportLab lays the shaped words out
left to right, so the words of a right-to-left run are handed over in reverse order.
"""

from __future__ import annotations

import logging
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from checkin.event import EventConfig
from checkin.i18n import _, language
from checkin.printing import fonts
from checkin.reports.data import Dataset, breakdown, quarter_hours

log = logging.getLogger(__name__)

_SYSTEM_FONTS = (
    Path("/usr/share/fonts/truetype"),
    Path("/usr/share/fonts/opentype"),
    Path("/usr/share/fonts"),
)
_BASE = "ReportSans"


@cache
def _font_file(path: Path) -> Path | None:
    """The shipped file, or the same file installed on the system, or None."""
    if path.exists():
        return path
    for root in _SYSTEM_FONTS:
        found = next(iter(sorted(root.rglob(path.name))), None) if root.exists() else None
        if found:
            return found
    return None


@cache
def _register(path: Path) -> str:
    """Register a TTF once; return its ReportLab name (Helvetica when it cannot be found)."""
    real = _font_file(path)
    if real is None:
        log.warning("font %s not found; falling back", path.name)
        return "Helvetica"
    name = "R-" + real.stem
    pdfmetrics.registerFont(TTFont(name, str(real)))
    return name


def base_font(bold: bool = False) -> str:
    return _register(fonts.family_path(fonts.FAMILIES[0], bold))


def _visual(run: str) -> str:
    """A run's words in the order ReportLab must lay them out (each word stays logical)."""
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in run):
        return " ".join(reversed(run.split(" ")))
    return run


def markup(text: str, bold: bool = False) -> str:
    """Paragraph markup drawing each run of ``text`` with a font that has its letters."""
    out = []
    for run, path in fonts.runs(text, bold):
        out.append(f'<font name="{_register(path)}">{escape(_visual(run))}</font>')
    return "".join(out)


def _style(size: float = 10, bold: bool = False, align: int = 0) -> ParagraphStyle:
    return ParagraphStyle(
        "s", fontName=base_font(bold), fontSize=size, leading=size * 1.25, alignment=align, shaping=1
    )


def _p(text: str, size: float = 10, bold: bool = False, align: int = 0) -> Paragraph:
    return Paragraph(markup(text, bold), _style(size, bold, align))


_GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
)


def _table(
    header: list[str],
    rows: list[list[Any]],
    widths: list[float] | None = None,
    row_height: float | None = None,
) -> Table:
    data = [[_p(h, 9, bold=True) for h in header]] + [[_p(str(c), 9) for c in r] for r in rows]
    heights = [None] + [row_height] * len(rows) if row_height else None
    table = Table(data, colWidths=widths, rowHeights=heights, repeatRows=1)
    table.setStyle(_GRID)
    return table


def _doc(path: Path, title: str, page: tuple[float, float] = A4) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        str(path),
        pagesize=page,
        title=title,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        invariant=1,
    )


def chart(points: list[tuple[str, int]], width: float = 170 * mm, height: float = 70 * mm) -> Drawing:
    """Arrivals per quarter hour: one bar per quarter, labelled with its start time."""
    drawing = Drawing(width, height)
    bars = VerticalBarChart()
    bars.x, bars.y = 30, 30
    bars.width, bars.height = width - 45, height - 45
    bars.data = [[n for _t, n in points] or [0]]
    bars.categoryAxis.categoryNames = [t for t, _n in points] or [""]
    bars.categoryAxis.labels.fontName = base_font()
    bars.categoryAxis.labels.fontSize = 7
    bars.categoryAxis.labels.angle = 45
    bars.categoryAxis.labels.boxAnchor = "ne"
    bars.valueAxis.labels.fontName = base_font()
    bars.valueAxis.valueMin = 0
    bars.bars[0].fillColor = colors.HexColor("#1F4E9D")
    drawing.add(bars)
    drawing.add(
        String(30, height - 10, _("Arrivées par quart d'heure"), fontName=base_font(True), fontSize=9)
    )
    return drawing


def attendance(path: Path, data: Dataset, days: list[str]) -> None:
    story: list[Any] = [_p(data.event.short_name, 16, bold=True), _p(_("Présence"), 13, bold=True)]
    dims = [
        ("category", _("Catégorie")),
        ("organisation_type", _("Type de structure")),
        ("country", _("Pays")),
        ("organisation", _("Structure")),
    ]
    for n, day in enumerate(days):
        if n:
            story.append(PageBreak())
        expected, present = len(data.expected(day)), len(data.present(day))
        story += [
            Spacer(1, 4 * mm),
            _p(data.event.day_label(day), 13, bold=True),
            _p(_("{present} présents sur {expected} attendus", present=present, expected=expected), 11),
            Spacer(1, 3 * mm),
            chart(quarter_hours(data, day)),
        ]
        for dim, label in dims:
            rows = [[v, e, p] for v, e, p in breakdown(data, day, dim)]
            story += [
                Spacer(1, 4 * mm),
                _table([label, _("Attendus"), _("Présents")], rows, [110 * mm, 30 * mm, 30 * mm]),
            ]
    _doc(path, _("Présence")).build(story)


def emargement(path: Path, data: Dataset, days: list[str]) -> None:
    story: list[Any] = []
    for n, day in enumerate(days):
        if n:
            story.append(PageBreak())
        story += [
            _p(data.event.short_name, 14, bold=True),
            _p(_("Feuille d'émargement — {day}", day=data.event.day_label(day)), 12, bold=True),
            Spacer(1, 4 * mm),
        ]
        rows = [
            [p.last_name or p.native_name, p.first_name, p.organisation, p.category, ""]
            for p in data.expected(day)
        ]
        story.append(
            _table(
                [_("Nom"), _("Prénom"), _("Structure"), _("Catégorie"), _("Signature")],
                rows,
                [45 * mm, 35 * mm, 70 * mm, 40 * mm, 60 * mm],
                row_height=11 * mm,
            )
        )
    _doc(path, _("Feuille d'émargement"), landscape(A4)).build(story)


def dates_sentence(event: EventConfig, days: list[str]) -> str:
    """« le 8 juillet 2026 », « les 8 juillet et 9 juillet 2026 » (the year once, as written)."""
    lang = language()
    labels = [event.day_label(d, lang) for d in days]
    years = sorted({d[:4] for d in days})
    if len(years) > 1:  # an event across New Year: each date with its year
        labels = [f"{label} {d[:4]}" for label, d in zip(labels, days, strict=True)]
    elif years:
        labels[-1] = f"{labels[-1]} {years[0]}"
    if len(labels) == 1:
        return _("le {day}", day=labels[0])
    return _("les {days} et {last}", days=", ".join(labels[:-1]), last=labels[-1])


def certificates(path: Path, data: Dataset, days: list[str]) -> None:
    story: list[Any] = []
    event = data.event
    people = [p for p in data.people if any(d in days for d in data.days_present(p))]
    for n, person in enumerate(people):
        if n:
            story.append(PageBreak())
        attended = [d for d in data.days_present(person) if d in days]
        story += [
            Spacer(1, 30 * mm),
            _p(_("Attestation de présence"), 22, bold=True, align=1),
            Spacer(1, 15 * mm),
            _p(_("{organiser} atteste que", organiser=event.organiser), 12, align=1),
            Spacer(1, 6 * mm),
            _p(" ".join(x for x in (person.title, person.full_name) if x), 18, bold=True, align=1),
        ]
        if person.native_name and person.native_name != person.full_name:
            story.append(_p(person.native_name, 14, align=1))
        story += [
            Spacer(1, 3 * mm),
            _p(", ".join(x for x in (person.function, person.organisation) if x), 12, align=1),
            Spacer(1, 10 * mm),
            _p(_("a participé à {event}", event=event.name), 12, align=1),
            _p(_("{venue}, {address}", venue=event.venue, address=event.address), 11, align=1),
            _p(dates_sentence(event, attended), 12, align=1),
        ]
    if not people:
        story.append(_p(_("Aucun participant présent."), 12))
    _doc(path, _("Attestations de présence")).build(story)


def listing(path: Path, title: str, header: list[str], sections: list[tuple[str, list[list[Any]]]]) -> None:
    """A plain titled table per section (the conflicts, the no-shows)."""
    story: list[Any] = [_p(title, 14, bold=True)]
    for heading, rows in sections:
        story += [Spacer(1, 4 * mm), _p(heading, 12, bold=True), Spacer(1, 2 * mm)]
        story.append(_table(header, rows) if rows else _p(_("Rien à signaler."), 10))
    _doc(path, title, landscape(A4)).build(story)
