"""Reports as PDF (ReportLab): attendance with its arrival chart, sign-in sheets, certificates.

Text is drawn as on the badges (:mod:`checkin.printing.shaping`): each run of a name with
the shipped font that holds its letters, so a name in Arabic, Chinese or Armenian is
printed, not boxed, and shaped by HarfBuzz (Devanagari conjuncts and reph, Arabic joining,
right to left). ReportLab's own paragraph shaping is not used: it shapes a whole word with
the font of its first letter, which boxes or crashes on a word such as "Li/李".
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

from checkin.base.i18n import _, language
from checkin.event.model import EventConfig
from checkin.printing import fonts
from checkin.printing.shaping import Shaped, draw_line, rl_font, shape
from checkin.replica.attendance import Dataset, breakdown, quarter_hours

log = logging.getLogger(__name__)


def base_font(bold: bool = False) -> str:
    return rl_font(fonts.family_path(fonts.FAMILIES[0], bold))


class Text(Flowable):  # type: ignore[misc]  # ReportLab has no type information
    """A paragraph drawn as badges draw text, broken into lines at spaces.

    Lines are filled greedily with whole words. A word wider than the space available (a
    long e-mail address, a code in a narrow column) is shrunk to fit, as on badges, rather
    than cut in two or spilt over the next cell.
    """

    def __init__(self, text: str, size: float = 10, bold: bool = False, align: int = TA_LEFT) -> None:
        super().__init__()
        self.text = " ".join(text.split())
        self.words = self.text.split(" ") if self.text else []
        self.size, self.bold, self.align = size, bold, align
        self.leading = size * 1.25
        self.lines: list[tuple[Shaped, float]] = []  # each line with its size
        self.avail = 0.0

    def _width(self, words: list[str]) -> float:
        return shape(" ".join(words), self.bold).width * self.size / 1000

    def minWidth(self) -> float:  # noqa: N802  (ReportLab's name: a table column's least width)
        return max((self._width([word]) for word in self.words), default=0.0)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        lines: list[list[str]] = []
        for word in self.words:
            if lines and self._width([*lines[-1], word]) <= avail_width:
                lines[-1].append(word)
            else:
                lines.append([word])
        self.lines = []
        for words in lines:
            line = shape(" ".join(words), self.bold)
            width = line.width * self.size / 1000
            fits = min(1.0, max(avail_width, 0.0) / width) if width else 1.0
            self.lines.append((line, self.size * fits))
        self.avail = avail_width
        return avail_width, self.leading * len(self.lines)

    def draw(self) -> None:
        self.canv.setFillColor(colors.black)
        top = self.leading * len(self.lines)
        for n, (line, size) in enumerate(self.lines):
            width = line.width * size / 1000
            x = {TA_CENTER: (self.avail - width) / 2, TA_RIGHT: self.avail - width}.get(self.align, 0.0)
            # The first baseline one font size below the top, as a ReportLab Paragraph has it.
            draw_line(self.canv, line, x, top - self.size - n * self.leading, size)

    def __repr__(self) -> str:
        return f"Text({self.text!r})"


def _p(text: str, size: float = 10, bold: bool = False, align: int = TA_LEFT) -> Text:
    return Text(text, size, bold, align)


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
            *_paper_line(data, day),
            Spacer(1, 3 * mm),
            chart(quarter_hours(data, day)),
        ]
        for dim, label in dims:
            rows = [[v, e, p] for v, e, p in breakdown(data, day, dim)]
            story += [
                Spacer(1, 4 * mm),
                _table([label, _("Attendus"), _("Présents")], rows, [110 * mm, 30 * mm, 30 * mm]),
            ]
        story += _sessions_table(data, day)
    _doc(path, _("Présence")).build(story)


def session_header() -> list[str]:
    return [_("Code"), _("Session"), _("Salle"), _("Horaire"), _("Entrés"), _("Pic"), _("Capacité")]


def session_rows(data: Dataset, day: str) -> list[list[Any]]:
    """Each session of the day: people who entered (each once), the most inside at once, the
    room's capacity (the PDF's table and the XLSX/CSV sheet)."""
    return [
        [s.code, s.title, s.room, f"{s.start}–{s.end}", len(data.moves.entered.get(s.code, ())),
         data.moves.peak.get(s.code, (0, ""))[0], data.capacity(s) or ""]
        for s in data.sessions_of(day)
    ]  # fmt: skip


def _sessions_table(data: Dataset, day: str) -> list[Any]:
    rows = session_rows(data, day)
    if not rows:
        return []
    widths = [14 * mm, 70 * mm, 34 * mm, 22 * mm, 14 * mm, 11 * mm, 15 * mm]
    table = _table(session_header(), rows, widths)
    return [Spacer(1, 4 * mm), _p(_("Sessions"), 12, bold=True), Spacer(1, 2 * mm), table]


def _paper_line(data: Dataset, day: str) -> list[Any]:
    """Arrivals typed in from the paper list afterwards are counted, and said to be."""
    n = sum(1 for p in data.present(day) if (p.uid, day) in data.paper)
    if not n:
        return []
    return [_p(_("dont {count} saisies après coup depuis la liste papier", count=n), 10)]


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
    """« le 8 juillet 2026 », « les 8 et 9 juillet 2026 » (the year once, as written)."""
    lang = language()
    labels = [event.day_label(d, lang) for d in days]
    # Days of one month written "8 juillet", "9 juillet": the month once, after the last day.
    parts = [label.split(" ", 1) for label in labels]
    if len(parts) > 1 and all(len(x) == 2 and x[0].isdigit() and x[1] == parts[0][1] for x in parts):
        labels = [x[0] for x in parts[:-1]] + [labels[-1]]
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
            _p(_("Attestation de présence"), 22, bold=True, align=TA_CENTER),
            Spacer(1, 15 * mm),
            _p(_("{organiser} atteste que", organiser=event.organiser), 12, align=TA_CENTER),
            Spacer(1, 6 * mm),
            _p(" ".join(x for x in (person.title, person.full_name) if x), 18, bold=True, align=TA_CENTER),
        ]
        if person.native_name and person.native_name != person.full_name:
            story.append(_p(person.native_name, 14, align=TA_CENTER))
        story += [
            Spacer(1, 3 * mm),
            _p(", ".join(x for x in (person.function, person.organisation) if x), 12, align=TA_CENTER),
            Spacer(1, 10 * mm),
            _p(_("a participé à {event}", event=event.name), 12, align=TA_CENTER),
            _p(_("{venue}, {address}", venue=event.venue, address=event.address), 11, align=TA_CENTER),
            _p(dates_sentence(event, attended), 12, align=TA_CENTER),
            *_sessions_attended(data, person, days),
        ]
    if not people:
        story.append(_p(_("Aucun participant présent."), 12))
    _doc(path, _("Attestations de présence")).build(story)


def _sessions_attended(data: Dataset, person: Any, days: list[str]) -> list[Any]:
    """The sessions the person entered at a door, one line each, under the dates."""
    found = data.sessions_attended(person, days)
    if not found:
        return []
    lines = [f"{s.code} — {s.title} ({data.event.day_label(s.day)}, {s.start})" for s in found]
    return [Spacer(1, 8 * mm), _p(_("Sessions suivies :"), 11, bold=True, align=TA_CENTER)] + [
        _p(line, 10, align=TA_CENTER) for line in lines
    ]


def listing(path: Path, title: str, header: list[str], sections: list[tuple[str, list[list[Any]]]]) -> None:
    """A plain titled table per section (the conflicts, the no-shows)."""
    story: list[Any] = [_p(title, 14, bold=True)]
    for heading, rows in sections:
        story += [Spacer(1, 4 * mm), _p(heading, 12, bold=True), Spacer(1, 2 * mm)]
        story.append(_table(header, rows) if rows else _p(_("Rien à signaler."), 10))
    _doc(path, title, landscape(A4)).build(story)
