"""Text shaped for ReportLab the same way everywhere: badges, reports.

A string is split into font runs (:mod:`checkin.printing.fonts`); runs in joining or
reordering scripts (Arabic, Devanagari, combining marks) are shaped by HarfBuzz through
ReportLab's ``shapeStr``; a right-to-left text has its runs in visual order. The result is
measured per 1000 pt, so a caller can fit it to a box (badges) or break lines (reports).

Each run is shaped with its own font: ReportLab's paragraph shaping shapes a whole word
with the font of its first letter, which turns "Li/李" or "王(Wang)" into boxes or an error.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import uharfbuzz as hb
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, shapeStr
from reportlab.pdfgen.canvas import Canvas

from checkin.printing import fonts

NOMINAL_ASCENT, NOMINAL_DESCENT = 950.0, -260.0


@cache
def rl_font(path: Path) -> str:
    """Register a shipped font with ReportLab once and return its name."""
    name = f"ck-{path.stem}"
    pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


def _needs_shaping(text: str) -> bool:
    """HarfBuzz is needed for joining/reordering scripts and for combining marks."""
    for ch in text:
        cp = ord(ch)
        if 0x0590 <= cp <= 0x08FF or 0x0900 <= cp <= 0x0DFF or 0xFB1D <= cp <= 0xFEFC:
            return True
        if unicodedata.combining(ch):
            return True
    return False


def is_rtl(text: str) -> bool:
    """Paragraph direction from the first strong character (Unicode rule P2)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


@dataclass(frozen=True)
class Piece:
    text: str  # a ReportLab ShapedStr when shaped, in visual order
    font: str
    width: float  # at size 1000


@dataclass(frozen=True)
class Shaped:
    """A line ready to draw at any size: pieces in visual order and metrics per 1000 pt."""

    pieces: tuple[Piece, ...]
    width: float
    ascent: float
    descent: float  # negative


@cache
def _hb_font(path: Path) -> tuple[hb.Font, float]:
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    return hb.Font(face), 1000.0 / face.upem


@lru_cache(maxsize=8192)
def ink(run: str, path: Path) -> tuple[float, float]:
    """Top and bottom of the glyphs' ink (per 1000 pt), from the shaped outlines.

    Fonts declare very different line heights (Noto Arabic's is half again Latin's), so
    fitting by declared metrics would print Arabic names tiny; the ink is what must stay
    inside the box.
    """
    font, scale = _hb_font(path)
    buf = hb.Buffer()
    buf.add_str(run)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    top, bottom = 0.0, 0.0
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        extents = font.get_glyph_extents(info.codepoint)
        if extents is None or extents.height == 0:
            continue
        y_top = (extents.y_bearing + pos.y_offset) * scale
        top = max(top, y_top)
        bottom = min(bottom, y_top + extents.height * scale)  # height is negative (y goes up)
    return top, bottom


@lru_cache(maxsize=8192)
def shape(text: str, bold: bool = False) -> Shaped:
    """``text`` as one line: each font run shaped with its own font, runs in visual order."""
    pieces: list[Piece] = []
    # At least a nominal height (Latin capitals with accents, descenders), so that names
    # without them sit on the same baseline as names with them.
    ascent, descent = NOMINAL_ASCENT, NOMINAL_DESCENT
    for run, path in fonts.runs(text, bold):
        name = rl_font(path)
        top, bottom = ink(run, path)
        ascent, descent = max(ascent, top), min(descent, bottom)
        if _needs_shaping(run):
            shaped = shapeStr(run, name, 1000)
            data = getattr(shaped, "__shapeData__", None)
            width = sum(d.x_advance for d in data) if data else pdfmetrics.stringWidth(run, name, 1000)
            pieces.append(Piece(shaped, name, width))
        else:
            pieces.append(Piece(run, name, pdfmetrics.stringWidth(run, name, 1000)))
    if is_rtl(text):
        pieces.reverse()
    if not pieces:
        return Shaped((), 0.0, 1000.0, -250.0)
    return Shaped(tuple(pieces), sum(p.width for p in pieces), ascent, descent)


def draw_line(canvas: Canvas, line: Shaped, x: float, baseline: float, size: float) -> None:
    """Draw a shaped line from its left end, piece by piece in its own font."""
    for piece in line.pieces:
        canvas.setFont(piece.font, size)
        canvas.drawString(x, baseline, piece.text)
        x += piece.width * size / 1000
