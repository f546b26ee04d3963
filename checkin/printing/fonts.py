"""The fonts a badge or a ticket needs, and which one draws which characters.

The fonts ship in ``checkin/resources/fonts`` (Noto and Droid Sans Fallback, with their licences) so a
badge looks the same on every laptop. A name is split into *runs*, each drawn with the first
family that holds all its letters; spaces, punctuation, digits and combining marks stay with
the run around them so that shaping (Arabic joining, Devanagari conjuncts) sees whole words.
A character no shipped font can draw is logged and replaced — never printed as a silent box.

This module is used by the PDF renderer (ReportLab) and by the ESC/POS ticket (Pillow), so it
knows nothing about either: it only deals in paths and code points.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import uharfbuzz as hb

from checkin.base import paths

log = logging.getLogger(__name__)

FONT_DIR: Path = paths.resources_dir() / "fonts"

REPLACEMENT = "?"


@dataclass(frozen=True)
class Family:
    """One shipped family: a regular face and, when the family has one, a bold face."""

    name: str
    regular: str
    bold: str | None


# Order matters: the first family that covers a letter wins. Noto Sans covers Latin
# (Vietnamese included), Greek and Cyrillic; the CJK fallback comes last because it also
# holds Latin letters that look worse than Noto's.
FAMILIES: tuple[Family, ...] = (
    Family("NotoSans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    Family("NotoSansArabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    Family("NotoSansArmenian", "NotoSansArmenian-Regular.ttf", "NotoSansArmenian-Bold.ttf"),
    Family(
        "NotoSansDevanagari",
        "NotoSansDevanagari-Regular.ttf",
        "NotoSansDevanagari-Bold.ttf",
    ),
    Family("DroidSansFallback", "DroidSansFallbackFull.ttf", None),
)

# Characters that belong to no script of their own: they follow the run around them.
_NEUTRAL_CATEGORIES = frozenset(
    {
        "Zs",
        "Po",
        "Pd",
        "Ps",
        "Pe",
        "Pi",
        "Pf",
        "Pc",
        "Nd",
        "Sm",
        "Sc",
        "Sk",
        "So",
        "Cf",
        "Mn",
        "Mc",
        "Me",
    }
)


def family_path(family: Family, bold: bool = False) -> Path:
    name = family.bold if bold and family.bold else family.regular
    return FONT_DIR / name


@cache
def coverage(path: Path) -> frozenset[int]:
    """The code points a font file maps to a glyph (read once per file)."""
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    return frozenset(face.unicodes)


def covers(path: Path, char: str) -> bool:
    return ord(char) in coverage(path)


def _family_for(char: str, bold: bool) -> Family | None:
    for family in FAMILIES:
        if covers(family_path(family, bold), char):
            return family
    return None


def _is_neutral(char: str) -> bool:
    return unicodedata.category(char) in _NEUTRAL_CATEGORIES


def missing(text: str, bold: bool = False) -> list[str]:
    """Characters of ``text`` that no shipped font can draw (what the log would report)."""
    return [c for c in dict.fromkeys(text) if not c.isspace() and _family_for(c, bold) is None]


def _substitute(char: str, bold: bool) -> str:
    """A drawable stand-in for a character no font holds: its base letter, or ``?``."""
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if base and base != char and all(_family_for(c, bold) for c in base):
        return base
    return REPLACEMENT


def runs(text: str, bold: bool = False) -> list[tuple[str, Path]]:
    """Split ``text`` into ``(substring, font file)`` runs, in logical order.

    Neutral characters (spaces, punctuation, digits, marks, joiners) join the run before
    them when its font has them, else the next run; a leading neutral waits for the first
    letter. Uncovered characters are logged (without the surrounding text: it may be a
    name) and replaced by a stand-in.
    """
    out: list[tuple[str, Family]] = []
    pending = ""  # leading neutrals not yet attached to a run
    for char in unicodedata.normalize("NFC", text):
        if not char.isspace() and _family_for(char, bold) is None:
            if unicodedata.category(char) == "Cf":
                continue  # an invisible format character no font maps: harmless to drop
            log.warning(
                "No shipped font draws U+%04X (%s); replaced",
                ord(char),
                unicodedata.name(char, "?"),
            )
            char = _substitute(char, bold)
        if _is_neutral(char):
            if out and covers(family_path(out[-1][1], bold), char):
                out[-1] = (out[-1][0] + char, out[-1][1])
            else:
                pending += char
            continue
        family = _family_for(char, bold) or FAMILIES[0]
        if pending:
            _attach_pending(out, pending, family, bold)
        if out and out[-1][1] == family:
            out[-1] = (out[-1][0] + char, family)
        else:
            out.append((char, family))
        pending = ""
    if pending:
        _attach_pending(out, pending, out[-1][1] if out else FAMILIES[0], bold)
    return [(s, family_path(f, bold)) for s, f in out]


def _attach_pending(out: list[tuple[str, Family]], pending: str, family: Family, bold: bool) -> None:
    """Give neutral characters waiting for a home to ``family``, or to a family that has them."""
    if all(covers(family_path(family, bold), c) for c in pending):
        target = family
    else:
        target = next(
            (f for f in FAMILIES if all(covers(family_path(f, bold), c) for c in pending)),
            FAMILIES[0],
        )
    if out and out[-1][1] == target:
        out[-1] = (out[-1][0] + pending, target)
    else:
        out.append((pending, target))


def font_path(text: str, bold: bool = False) -> Path:
    """The single font file that draws most of ``text`` (for tools that take one font).

    Ties go to the earlier family, so plain Latin gets Noto Sans.
    """
    best = FAMILIES[0]
    best_count = -1
    letters = [c for c in text if not _is_neutral(c) and not c.isspace()]
    for family in FAMILIES:
        cov = coverage(family_path(family, bold))
        count = sum(ord(c) in cov for c in letters)
        if count > best_count:
            best, best_count = family, count
    return family_path(best, bold)
