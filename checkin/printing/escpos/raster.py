"""Text the printer's code page cannot hold, drawn as a picture with real shaping.

A receipt printer knows 128 accented letters at a time; Arabic, Devanagari, Chinese,
Armenian or a Romanian "ă" are not among them, and cheap printers print blanks or question
marks instead. We draw such lines with Pillow at the printer's resolution, using the fonts
``checkin.printing.fonts`` picks per script, with Raqm (HarfBuzz + FriBiDi) shaping so that
Arabic letters join and Devanagari conjuncts form. Without Raqm, Arabic is still joined and
ordered with arabic-reshaper and python-bidi; Devanagari would lose its conjuncts, which is
logged once.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

from checkin.printing import fonts

log = logging.getLogger(__name__)

HAS_RAQM = bool(features.check("raqm"))
# Font objects are shared; two printers' queue workers may draw at once.
_LOCK = threading.RLock()
_LAYOUT = ImageFont.Layout.RAQM if HAS_RAQM else ImageFont.Layout.BASIC


@lru_cache(maxsize=64)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, layout_engine=_LAYOUT)


def is_rtl(text: str) -> bool:
    """Whether the first strong character reads right to left."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


@cache
def _warn_no_shaping() -> None:
    log.warning("Pillow has no Raqm: complex scripts are drawn without full shaping")


def _prepare(run: str) -> str:
    """Without Raqm, join and reorder Arabic ourselves (the best we can do)."""
    if HAS_RAQM:
        return run
    _warn_no_shaping()
    if is_rtl(run):
        import arabic_reshaper
        from bidi import get_display

        return str(get_display(arabic_reshaper.reshape(run)))
    return run


def _runs(text: str, size: int, bold: bool) -> list[tuple[str, ImageFont.FreeTypeFont]]:
    out = [(_prepare(part), font(path, size)) for part, path in fonts.runs(text, bold)]
    return out[::-1] if is_rtl(text) else out  # runs of a right-to-left line read from the right


def measure(text: str, size: int, bold: bool = False) -> float:
    with _LOCK:
        return _measure(text, size, bold)


def _measure(text: str, size: int, bold: bool) -> float:
    return sum(f.getlength(part) for part, f in _runs(text, size, bold))


def wrap(text: str, width: int, size: int, bold: bool = False) -> list[str]:
    """Greedy word wrap to ``width`` pixels; a word longer than a line is cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if measure(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while measure(word, size, bold) > width and len(word) > 1:
            cut = len(word)
            while cut > 1 and measure(word[:cut], size, bold) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


def render(
    lines: list[str],
    *,
    width: int,
    size: int,
    bold: bool = False,
    align: str = "left",
    invert: bool = False,
    margin: int = 0,
) -> Image.Image:
    """A 1-bit image ``width`` dots wide holding ``lines``, each aligned as asked.

    The same lines come back on every slip (the event's practical lines on a printer whose
    code page lacks a dash), so drawings are cached; callers get their own copy.
    """
    with _LOCK:
        return _render(tuple(lines), width, size, bold, align, invert, margin).copy()


@lru_cache(maxsize=256)
def _render(
    lines: tuple[str, ...], width: int, size: int, bold: bool, align: str, invert: bool, margin: int
) -> Image.Image:
    """See :func:`render`.

    A right-to-left line set "left" is set right: that is where its reader starts.
    """
    line_height = int(size * 1.45)
    baseline = int(size * 1.08)
    image = Image.new("L", (width, line_height * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        runs = _runs(line, size, bold)
        total = sum(f.getlength(part) for part, f in runs)
        side = "right" if align == "left" and is_rtl(line) else align
        x = {"left": float(margin), "center": (width + margin - total) / 2, "right": width - total}[side]
        if invert:
            draw.rectangle(
                (
                    max(0, x - size // 4),
                    n * line_height,
                    min(width, x + total + size // 4),
                    (n + 1) * line_height - 1,
                ),
                fill=0,
            )
        for part, f in runs:
            draw.text((x, n * line_height + baseline), part, font=f, fill=255 if invert else 0, anchor="ls")
            x += f.getlength(part)
    return image.point(lambda v: 255 if v >= 128 else 0, mode="1")
