"""The paper fallback: the list a desk works from when every laptop, printer or network fails.

Printed the evening before and kept in a folder under the desk. Two parts:

* **A–Z** — every expected person, sorted as a French reader looks a name up, in big type,
  a new page at each letter with the letter large in the page header (a volunteer opens the
  folder at "M" as in a phone book), and a tick box per event day (a day the person is not
  registered for shows a dash, not a box);
* **per delegation** — the foreign delegations together, as they arrive together.

Each row carries the ticket code and the organisation, so the lead can record the ticked
names afterwards in the "arrivées sur papier" screen without guessing between homonyms.
Names are drawn with the reports' shaping (any script, right to left included).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from checkin.base.i18n import _, language
from checkin.base.text import fold
from checkin.printing.shaping import draw_line, shape
from checkin.replica.attendance import Dataset, Person
from checkin.reports.pdf import Text

OTHER = "#"  # names that start with no Latin letter (a name only in its own script)
NAME_SIZE = 13  # big type: read at arm's length, under a queue's pressure
BOX = 6.5 * mm


def letter_of(person: Person) -> str:
    """The letter a person is filed under: the first letter of the folded surname."""
    key = fold(person.last_name or person.native_name or person.first_name)
    first = key[:1].upper()
    return first if "A" <= first <= "Z" else OTHER


class TickBox(Flowable):  # type: ignore[misc]  # ReportLab has no type information
    """An empty square to tick by hand."""

    def __init__(self, size: float = BOX) -> None:
        super().__init__()
        self.size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.setLineWidth(1.2)
        self.canv.rect(0, 0, self.size, self.size)


class Mark(Flowable):  # type: ignore[misc]
    """Invisible: tells the page header which section and letter the page shows."""

    def __init__(self, state: dict[str, str], **values: str) -> None:
        super().__init__()
        self.state, self.values = state, values

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.state.update(self.values)


def _day_short(data: Dataset, iso: str) -> str:
    return data.event.day_label(iso, language())


def _row(person: Person, days: list[str], *, with_delegation: bool) -> list[Any]:
    surname = person.last_name or person.native_name
    latin = all("LATIN" in unicodedata.name(c, "") for c in surname if c.isalpha())
    name = Text(surname.upper() if latin else surname, NAME_SIZE, bold=True)
    first = [Text(person.first_name, NAME_SIZE - 1)]
    if person.native_name and person.native_name not in (person.last_name, person.first_name):
        first.append(Text(person.native_name, 10))
    org = person.delegation if with_delegation and person.delegation else person.organisation
    cells: list[Any] = [name, first, Text(org, 9), Text(person.code, 9)]
    for day in days:
        cells.append(TickBox() if (day in person.days or not person.days) else Text("—", 12, align=TA_CENTER))
    return cells


def _table(data: Dataset, people: list[Person], days: list[str], *, with_delegation: bool) -> Table:
    header = [Text(h, 9, bold=True) for h in (_("Nom"), _("Prénom"), _("Structure"), _("Code"))]
    header += [Text(_day_short(data, d), 9, bold=True, align=TA_CENTER) for d in days]
    day_width = 16 * mm
    widths = [44 * mm, 34 * mm, 0.0, 30 * mm] + [day_width] * len(days)
    widths[2] = A4[0] - 24 * mm - sum(widths)
    rows = [header] + [_row(p, days, with_delegation=with_delegation) for p in people]
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (4, 1), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 1), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 4),
    ]
    # Every other row shaded: the eye stays on the line from the name to its box.
    style += [("BACKGROUND", (0, r), (-1, r), colors.HexColor("#F3F3F3")) for r in range(2, len(rows), 2)]
    table.setStyle(TableStyle(style))
    return table


def expected_people(data: Dataset) -> list[Person]:
    """Everyone the desks may see: confirmed registrations (walk-ins are added on the day)."""
    return [p for p in data.people if p.status == "confirmed"]


def write(path: Path, data: Dataset, *, printed_at: datetime | None = None) -> None:
    people = expected_people(data)
    days = [d.iso for d in data.event.days]
    stamp = (printed_at or datetime.now()).strftime("%d/%m/%Y %H:%M")
    state: dict[str, str] = {"section": "", "letter": ""}

    def header(canvas: Any, doc: Any) -> None:
        height = A4[1]
        canvas.saveState()
        letter = state.get("letter", "")
        if letter:
            canvas.setFillColor(colors.HexColor("#1F4E9D"))
            canvas.rect(12 * mm, height - 30 * mm, 24 * mm, 22 * mm, stroke=0, fill=1)
            canvas.setFillColor(colors.white)
            line = shape(letter, True)
            size = 44 if len(letter) == 1 else 20
            draw_line(canvas, line, 24 * mm - line.width * size / 2000, height - 26 * mm, size)
        canvas.setFillColor(colors.black)
        x = 40 * mm if letter else 12 * mm
        draw_line(canvas, shape(data.event.short_name, True), x, height - 15 * mm, 14)
        draw_line(canvas, shape(state.get("section", ""), False), x, height - 22 * mm, 11)
        footer = _(
            "Liste de secours imprimée le {stamp} — {count} personnes — page {page}",
            stamp=stamp,
            count=len(people),
            page=doc.page,
        )
        draw_line(canvas, shape(footer, False), 12 * mm, 8 * mm, 8)
        canvas.restoreState()

    frame = Frame(12 * mm, 14 * mm, A4[0] - 24 * mm, A4[1] - 48 * mm, id="body")
    doc = BaseDocTemplate(
        str(path),
        pagesize=A4,
        title=_("Liste de secours"),
        invariant=1,
        pageTemplates=[PageTemplate(id="page", frames=[frame], onPageEnd=header)],
    )
    az = _("Liste A–Z : cocher la case du jour à l'arrivée")
    story: list[Any] = []
    by_letter: dict[str, list[Person]] = {}
    for person in people:  # already sorted by surname
        by_letter.setdefault(letter_of(person), []).append(person)
    letters = sorted(k for k in by_letter if k != OTHER) + ([OTHER] if OTHER in by_letter else [])
    for n, letter in enumerate(letters):
        if n:
            story.append(PageBreak())
        story.append(Mark(state, section=az, letter=letter))
        story.append(_table(data, by_letter[letter], days, with_delegation=False))
    if not people:
        story += [Mark(state, section=az, letter=""), Text(_("Aucun participant attendu."), 12)]

    delegations: dict[str, list[Person]] = {}
    for person in people:
        if person.delegation:
            delegations.setdefault(person.delegation, []).append(person)
    if delegations:
        story += [PageBreak(), Mark(state, section=_("Par délégation"), letter="")]
    for name in sorted(delegations, key=fold):
        story += [
            CondPageBreak(60 * mm),
            Spacer(1, 4 * mm),
            Text(name, 18, bold=True),
            Text(_("{count} personnes", count=len(delegations[name])), 11),
            Spacer(1, 3 * mm),
            _table(data, delegations[name], days, with_delegation=False),
        ]
    doc.build(story)
