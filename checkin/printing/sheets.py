"""Imposing many badges on one sheet (4×A6 or 8×A7 on A4, label sheets), with crop marks.

Batches are printed before the event on an office printer and cut by hand: each cell gets
one badge of the sheet's layout, and crop marks in the margins (or on the cut lines, when
cells touch) show where to cut.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.event.model import EventConfig
from checkin.printing.badge import BadgeRenderer, RenderLog
from checkin.printing.layout import Sheet, load_layout, load_sheet
from checkin.replica.attendees import AttendeeView

MARK = 4.0 * 72 / 25.4  # crop mark length: 4 mm
MARK_GAP = 1.0 * 72 / 25.4  # marks stop 1 mm short of the badge


def render_sheets(
    attendees: Sequence[AttendeeView],
    event: EventConfig,
    out: str | Path | IO[bytes],
    *,
    sheet: str | Sheet = "a4-4xa6",
    layout: str | None = None,
    invariant: bool = False,
    qr: str = "fast",
    progress: Callable[[int, int], None] | None = None,
) -> RenderLog:
    """Badges of ``attendees`` in order, row by row, as many per page as the sheet holds."""
    grid = load_sheet(sheet) if isinstance(sheet, str) else sheet
    lay = load_layout(layout or grid.layout)
    if len(lay.faces) != 1 or lay.badge_w > grid.cell_w + 0.5 or lay.badge_h > grid.cell_h + 0.5:
        raise KnownError(
            _(
                "Le modèle {layout} ne tient pas dans les cases de la planche {sheet}",
                layout=lay.name,
                sheet=grid.name,
            )
        )
    renderer = BadgeRenderer(event, lay, qr=qr)
    canvas = renderer.canvas(out, (grid.page_w, grid.page_h), invariant=invariant)
    result = RenderLog()
    total = len(attendees)
    for start in range(0, total, grid.per_page):
        page = attendees[start : start + grid.per_page]
        for index, attendee in enumerate(page):
            x, y = grid.cell_origin(index)
            # centre a smaller badge in its cell
            x += (grid.cell_w - lay.badge_w) / 2
            y += (grid.cell_h - lay.badge_h) / 2
            canvas.saveState()
            canvas.translate(x, y)
            result.drawn.extend(renderer.draw_badge(canvas, attendee))
            canvas.restoreState()
            result.badges += 1
            if progress:
                progress(result.badges, total)
        if grid.crop_marks:
            crop_marks(canvas, grid, len(page))
        canvas.showPage()
        result.pages += 1
    if total == 0:
        canvas.showPage()
    canvas.save()
    return result


def crop_marks(canvas: Canvas, grid: Sheet, used: int) -> None:
    """Marks at each cell corner, pointing outwards along the cut lines.

    A mark that would fall on a badge (cells that touch) is left out: the outer marks
    already give every cut line, and a line across a neighbour's band would show.
    """
    cells = [grid.cell_origin(i) for i in range(used)]

    def on_a_badge(x: float, y: float) -> bool:
        return any(
            cx + 0.5 < x < cx + grid.cell_w - 0.5 and cy + 0.5 < y < cy + grid.cell_h - 0.5
            for cx, cy in cells
        )

    canvas.saveState()
    canvas.setStrokeColor(HexColor("#000000"))
    canvas.setLineWidth(0.25)
    for x0, y0 in cells:
        x1, y1 = x0 + grid.cell_w, y0 + grid.cell_h
        for cx, dx in ((x0, -1), (x1, 1)):
            for cy, dy in ((y0, -1), (y1, 1)):
                segments = (
                    (cx + dx * MARK_GAP, cy, cx + dx * (MARK_GAP + MARK), cy),
                    (cx, cy + dy * MARK_GAP, cx, cy + dy * (MARK_GAP + MARK)),
                )
                for sx0, sy0, sx1, sy1 in segments:
                    inside_page = (
                        0 <= min(sx0, sx1)
                        and max(sx0, sx1) <= grid.page_w
                        and 0 <= min(sy0, sy1)
                        and max(sy0, sy1) <= grid.page_h
                    )
                    if inside_page and not on_a_badge((sx0 + sx1) / 2, (sy0 + sy1) / 2):
                        canvas.line(sx0, sy0, sx1, sy1)
    canvas.restoreState()
