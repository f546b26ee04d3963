"""The one badge renderer: a layout (data) and an attendee in, PDF drawing operations out.

Every string is split into font runs and complex scripts are shaped by HarfBuzz
(:mod:`checkin.printing.shaping`, shared with the reports: Arabic joined and right to
left, Devanagari conjuncts), and the size is computed from the measured width so that a
long name shrinks instead of overflowing. Every piece of text drawn is recorded with its box, so tests (and
the preview) can check that nothing left its box.

The QR code is drawn as vectors: the module matrix is computed once per code and its runs
of dark modules become rectangles of one path — an order of magnitude cheaper than a
ReportLab ``QrCodeWidget`` per badge, which is kept for the benchmark's comparison.
"""

from __future__ import annotations

import io
import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import qrcode
import qrcode.constants
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from checkin.base.i18n import _
from checkin.base.text import fold
from checkin.event.model import EventConfig
from checkin.printing import fonts
from checkin.printing.layout import Box, Element, Layout, load_layout
from checkin.printing.shaping import Shaped, draw_line, rl_font
from checkin.printing.shaping import shape as shape  # re-exported: the bench and tests measure it here
from checkin.replica.attendees import AttendeeView

log = logging.getLogger(__name__)

LINE_GAP = 150.0  # white space between wrapped lines, per 1000 pt
QUIET_MODULES = 2  # white modules kept round the QR code inside its box
HOME_COUNTRIES = frozenset({"france", ""})


# ----------------------------------------------------------------------------- text


@dataclass(frozen=True)
class Drawn:
    """One piece of text as drawn: its element box and the rectangle its ink may cover."""

    field: str
    text: str
    box: Box
    rect: tuple[float, float, float, float]  # x0, y0, x1, y1 in the badge's coordinates
    size: float
    lines: int


@dataclass
class RenderLog:
    drawn: list[Drawn] = field(default_factory=list)
    pages: int = 0
    badges: int = 0


@dataclass(frozen=True)
class Fit:
    lines: tuple[Shaped, ...]
    size: float


def fit(text: str, box: Box, max_size: float, bold: bool, max_lines: int = 1) -> Fit:
    """The largest size (≤ ``max_size``) at which ``text`` fits ``box`` in ≤ ``max_lines`` lines.

    One line is kept while it fits at full size; otherwise each way of breaking the words
    into up to ``max_lines`` lines is measured and the one allowing the largest size wins.
    The size is computed, not searched: widths and heights scale linearly with it.
    """

    def size_for(lines: tuple[Shaped, ...]) -> float:
        widest = max(line.width for line in lines) or 1.0
        height = sum(line.ascent - line.descent for line in lines) + LINE_GAP * (len(lines) - 1) or 1.0
        return min(max_size, box.w * 1000 / widest, box.h * 1000 / height)

    one = (shape(text, bold),)
    best = Fit(one, size_for(one))
    words = text.split()
    if best.size >= max_size or max_lines < 2 or len(words) < 2:
        return best
    for count in range(2, min(max_lines, len(words)) + 1):
        for cuts in itertools.combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            lines = tuple(shape(" ".join(words[a:b]), bold) for a, b in itertools.pairwise(bounds))
            size = size_for(lines)
            if size > best.size + 0.01:
                best = Fit(lines, size)
    return best


def draw_text(
    canvas: Canvas,
    text: str,
    box: Box,
    *,
    size: float,
    bold: bool = False,
    align: str = "center",
    colour: str = "#000000",
    max_lines: int = 1,
    min_size: float = 0.0,
    name: str = "",
) -> Drawn | None:
    """Draw ``text`` fitted into ``box`` and return where it went."""
    text = " ".join(text.split())
    if not text:
        return None
    result = fit(text, box, size, bold, max_lines)
    s = result.size
    if s < min_size:
        log.info("Text of %s shrunk to %.1f pt to fit its box", name or "an element", s)
    heights = [(line.ascent - line.descent) * s / 1000 for line in result.lines]
    gap = LINE_GAP * s / 1000
    top = box.y + (box.h + sum(heights) + gap * (len(heights) - 1)) / 2
    canvas.setFillColor(HexColor(colour))
    x_min, x_max = box.x + box.w, box.x
    y = top
    for line, height in zip(result.lines, heights, strict=True):
        width = line.width * s / 1000
        if align == "left":
            x = box.x
        elif align == "right":
            x = box.x + box.w - width
        else:
            x = box.x + (box.w - width) / 2
        baseline = y - line.ascent * s / 1000
        x_min, x_max = min(x_min, x), max(x_max, x + width)
        draw_line(canvas, line, x, baseline, s)
        y -= height + gap
    return Drawn(name, text, box, (x_min, y + gap, x_max, top), s, len(result.lines))


# ----------------------------------------------------------------------------- QR codes


EC_LEVELS = ("L", "M", "Q", "H")


def error_correction(payload: str) -> str:
    """Stronger correction for short payloads (a badge code), lighter for long links."""
    n = len(payload.encode("utf-8"))
    if n <= 32:
        return "H"
    if n <= 64:
        return "Q"
    if n <= 128:
        return "M"
    return "L"


def _matrix_zxing(payload: str, level: str) -> list[list[bool]] | None:
    """The module matrix from zxing-cpp's encoder (C++, ~50× faster than ``qrcode``)."""
    try:
        import zxingcpp
    except ImportError:
        return None
    image: Any = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level=level).to_image(
        scale=1, add_quiet_zones=False
    )
    rows, cols = image.shape
    raw = bytes(image)
    return [[raw[r * cols + c] < 128 for c in range(cols)] for r in range(rows)]


def _matrix_qrcode(payload: str, level: str) -> list[list[bool]]:
    levels = {
        "L": qrcode.constants.ERROR_CORRECT_L,
        "M": qrcode.constants.ERROR_CORRECT_M,
        "Q": qrcode.constants.ERROR_CORRECT_Q,
        "H": qrcode.constants.ERROR_CORRECT_H,
    }
    code = qrcode.QRCode(error_correction=levels[level], border=0)
    code.add_data(payload)
    code.make(fit=True)
    return [[bool(v) for v in row] for row in code.get_matrix()]


@lru_cache(maxsize=4096)
def qr_runs(payload: str) -> tuple[int, str]:
    """Module count and the PDF path of the dark modules, in module units, for a payload.

    Runs of dark modules in a row become one rectangle each; the path text is cached, so
    a badge costs one ``re`` list and a fill, at any size (the canvas scales it).
    """
    level = error_correction(payload)
    matrix = _matrix_zxing(payload, level) or _matrix_qrcode(payload, level)
    n = len(matrix)
    ops: list[str] = []
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                ops.append(f"{start} {n - 1 - r} {c - start} 1 re")
            else:
                c += 1
    ops.append("f")
    return n, "\n".join(ops)


def draw_qr(canvas: Canvas, payload: str, box: Box) -> None:
    n, path = qr_runs(payload)
    side = min(box.w, box.h)
    module = side / (n + 2 * QUIET_MODULES)
    x0 = box.x + (box.w - side) / 2 + QUIET_MODULES * module
    y0 = box.y + (box.h - side) / 2 + QUIET_MODULES * module
    canvas.saveState()
    canvas.setFillColor(HexColor("#000000"))
    canvas.transform(module, 0, 0, module, x0, y0)
    canvas.addLiteral(path)
    canvas.restoreState()


def draw_qr_widget(canvas: Canvas, payload: str, box: Box) -> None:
    """The common approach (one ``QrCodeWidget`` per badge), for the benchmark only."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(payload)
    x0, y0, x1, y1 = widget.getBounds()
    side = min(box.w, box.h)
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, box.x + (box.w - side) / 2, box.y + (box.h - side) / 2)


# ----------------------------------------------------------------------------- badges


def is_foreign(attendee: AttendeeView) -> bool:
    return fold(attendee.country) not in HOME_COUNTRIES


def badge_fields(attendee: AttendeeView, event: EventConfig, reprint_count: int = 0) -> dict[str, str]:
    """The placeholder registry: every field a layout may name, from one place."""
    first, last = attendee.first_name, attendee.last_name
    native = attendee.native_name
    if not first and not last:  # the name in its own script is the only name
        first, native = native, ""
    if native and fold(native) in (fold(attendee.full_name), fold(first)):
        native = ""
    category = event.category(attendee.category)
    return {
        "event_name": event.name,
        "event_short_name": event.short_name,
        "first_name": first,
        "last_name": last,
        "native_name": native,
        "full_name": attendee.full_name,
        "function": attendee.function,
        "organisation": attendee.organisation,
        "country": attendee.country,
        "delegation": attendee.delegation,
        "category": category.name,
        "category_colour": category.colour,
        "category_text_colour": category.text_colour,
        "code": attendee.code,
        "duplicate_mark": _("Duplicata {n}", n=reprint_count) if reprint_count else "",
        "footer": event.texts.get("badge_footer", ""),
    }


class BadgeRenderer:
    """Draws badges of one layout for one event; holds the caches between badges."""

    def __init__(self, event: EventConfig, layout: str | Layout = "a6", *, qr: str = "fast") -> None:
        self.event = event
        self.layout = load_layout(layout) if isinstance(layout, str) else layout
        self.qr = draw_qr if qr == "fast" else draw_qr_widget
        self.base_font = rl_font(fonts.family_path(fonts.FAMILIES[0]))
        self._logos: dict[tuple[str, int, int], Any] = {}

    def canvas(
        self,
        out: str | Path | IO[bytes],
        page: tuple[float, float],
        *,
        invariant: bool = False,
    ) -> Canvas:
        """A canvas whose only fonts are embedded subsets and whose viewer won't rescale."""
        canvas = Canvas(
            str(out) if isinstance(out, Path) else out,
            pagesize=page,
            invariant=int(invariant),
            initialFontName=self.base_font,
            initialFontSize=10,
            pageCompression=1,
        )
        canvas.setViewerPreference("PrintScaling", "None")
        canvas.setTitle(self.event.short_name)
        canvas.setCreator("checkin")
        return canvas

    def draw_badge(self, canvas: Canvas, attendee: AttendeeView, reprint_count: int = 0) -> list[Drawn]:
        """Draw one badge with its bottom-left corner at the canvas origin."""
        values = badge_fields(attendee, self.event, reprint_count)
        drawn: list[Drawn] = []
        for element in self.layout.elements:
            if not self._wanted(element, values, attendee, reprint_count):
                continue
            result = self._draw_element(canvas, element, values)
            if result is not None:
                drawn.append(result)
        return drawn

    def _wanted(
        self,
        element: Element,
        values: dict[str, str],
        attendee: AttendeeView,
        reprint_count: int,
    ) -> bool:
        if element.when == "foreign":
            return is_foreign(attendee)
        if element.when == "reprint":
            return reprint_count > 0
        if element.when == "native_name":
            return bool(values["native_name"])
        if element.when in ("logo", "no_logo"):
            return (self.event.logo is not None) == (element.when == "logo")
        return True

    def _draw_element(self, canvas: Canvas, element: Element, values: dict[str, str]) -> Drawn | None:
        box = element.box
        if element.kind == "qr":
            if values.get(element.field):
                self.qr(canvas, values[element.field], box)
            return None
        if element.kind == "band":
            canvas.setFillColor(HexColor(values["category_colour"]))
            canvas.rect(box.x, box.y, box.w, box.h, stroke=0, fill=1)
            inner = Box(box.x + box.w * 0.05, box.y + box.h * 0.12, box.w * 0.9, box.h * 0.76)
            return draw_text(
                canvas,
                values["category"].upper(),
                inner,
                size=element.size,
                bold=element.bold,
                colour=values["category_text_colour"],
                name="category",
            )
        if element.kind == "rule":
            canvas.setFillColor(HexColor(element.colour))
            canvas.rect(box.x, box.y, box.w, box.h, stroke=0, fill=1)
            return None
        if element.kind == "image":
            self._draw_image(canvas, element)
            return None
        text = element.text if element.field == "static" else values.get(element.field, "")
        if element.upper:
            text = text.upper()
        return draw_text(
            canvas,
            text,
            box,
            size=element.size,
            bold=element.bold,
            align=element.align,
            colour=element.colour,
            max_lines=element.max_lines,
            min_size=element.min_size,
            name=element.field,
        )

    def _draw_image(self, canvas: Canvas, element: Element) -> None:
        from checkin.base import paths

        box = element.box
        if element.field == "logo":
            if self.event.logo is not None:
                self._draw_logo(canvas, self.event.logo, box)
            return
        path = paths.resources_dir() / element.path
        if not path.exists():
            log.warning("Badge image %s not found; left out", element.path)
            return
        canvas.drawImage(str(path), box.x, box.y, box.w, box.h, preserveAspectRatio=True, mask="auto")

    def _draw_logo(self, canvas: Canvas, path: Path, box: Box) -> None:
        """The event's logo in ``box``, proportions kept, at 300 dpi, centred vertically and
        aligned left (the event's name sits to its right)."""
        from reportlab.lib.utils import ImageReader

        from checkin.printing.logo import logo_png

        key = (str(path), round(box.w), round(box.h))
        reader = self._logos.get(key)
        if reader is None:
            reader = self._logos[key] = ImageReader(io.BytesIO(logo_png(path, round(box.w / 72 * 300))))
        iw, ih = reader.getSize()
        scale = min(box.w / iw, box.h / ih)
        w, h = iw * scale, ih * scale
        canvas.drawImage(reader, box.x, box.y + (box.h - h) / 2, w, h, mask="auto")

    def draw_page(self, canvas: Canvas, attendee: AttendeeView, reprint_count: int = 0) -> list[Drawn]:
        """One page of the layout: every face, the back ones turned round, then fold marks."""
        drawn: list[Drawn] = []
        lay = self.layout
        for face in lay.faces:
            canvas.saveState()
            if face.rotate == 180:
                canvas.translate(face.x + lay.badge_w, face.y + lay.badge_h)
                canvas.rotate(180)
            else:
                canvas.translate(face.x, face.y)
            drawn.extend(self.draw_badge(canvas, attendee, reprint_count))
            canvas.restoreState()
        if lay.fold_marks:
            _fold_marks(canvas, lay)
        canvas.showPage()
        return drawn

    def render(
        self,
        attendees: Sequence[AttendeeView],
        out: str | Path | IO[bytes],
        *,
        reprints: dict[str, int] | None = None,
        invariant: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> RenderLog:
        """One page per badge, at the stock's size (what a badge printer wants)."""
        lay = self.layout
        canvas = self.canvas(out, (lay.page_w, lay.page_h), invariant=invariant)
        result = RenderLog()
        for i, attendee in enumerate(attendees):
            result.drawn.extend(self.draw_page(canvas, attendee, (reprints or {}).get(attendee.uid, 0)))
            result.badges += 1
            result.pages += 1
            if progress:
                progress(i + 1, len(attendees))
        canvas.save()
        return result


def _fold_marks(canvas: Canvas, lay: Layout) -> None:
    """Short dashes in the margins where the sheet is folded."""
    canvas.setStrokeColor(HexColor("#999999"))
    canvas.setLineWidth(0.3)
    canvas.setDash(2, 2)
    mid_y = lay.page_h / 2
    mid_x = lay.badge_w
    for x0, x1 in ((0, 6), (lay.page_w - 6, lay.page_w)):
        canvas.line(x0, mid_y, x1, mid_y)
    for y0, y1 in ((0, 6), (lay.page_h - 6, lay.page_h)):
        canvas.line(mid_x, y0, mid_x, y1)
    canvas.setDash()


def attendee_from(values: dict[str, Any]) -> AttendeeView:
    """An AttendeeView from a partial dict (tests, test pages, previews)."""
    base: dict[str, Any] = {
        "id": 0,
        "uid": "",
        "source": "",
        "registration": "",
        "code": "",
        "status": "confirmed",
        "registered_at": "",
        "title": "",
        "first_name": "",
        "last_name": "",
        "first_name_raw": "",
        "last_name_raw": "",
        "native_name": "",
        "function": "",
        "organisation": "",
        "organisation_type": "",
        "country": "",
        "category": "",
        "delegation": "",
        "email": "",
        "phone": "",
        "days": (),
        "workshops": (),
        "regional_meeting": "",
        "language": "FR",
        "person_key": "",
        "live_uid": "",
    }
    base.update(values)
    return AttendeeView(**base)
