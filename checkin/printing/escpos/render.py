"""Slip bytes for a given printer: one renderer for every layout, built on python-escpos.

The bytes are built with python-escpos's ``Dummy`` printer, so a slip can be checked (golden
files), timed and sent to any connection alike. Text goes out in ONE code page chosen for
the printer (CP1252 or CP858 on Epson, configurable): the page is selected once with
``ESC t n`` and every line that the page can hold is sent as text, so "Hélène Côté" prints
with its accents at the printer's full speed. A line holding any character the page lacks
(a Romanian "ă", a Cyrillic, Arabic or Devanagari name) is drawn as a raster image instead:
the printer never gets the chance to print a question mark or a blank.
"""

from __future__ import annotations

import logging
import textwrap
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import qrcode
from escpos.capabilities import CAPABILITIES, get_profile
from escpos.codepages import CodePages
from escpos.constants import QR_ECLEVEL_H, QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q
from escpos.magicencode import Encoder
from escpos.printer import Dummy
from PIL import Image

from checkin.base.i18n import _, tr
from checkin.printing import fonts
from checkin.printing.errors import ProfileError
from checkin.printing.escpos import raster
from checkin.printing.escpos.data import SlipData
from checkin.printing.escpos.layout import Element, Layout

log = logging.getLogger(__name__)

DEFAULT_PROFILE = "TM-T20II"
ALIASES = {"generic": "default", "tm-t88": "TM-T88V", "tm-t20": "TM-T20II", "epson": "TM-T20II"}
PREFERRED_PAGES = ("CP1252", "CP858", "CP850", "CP437")
NO_PAGE = ("none", "ascii", "raster")  # clones with a broken table: everything non-ASCII as images
FONT_A_DOTS = 12  # font A is 12 × 24 dots on every ESC/POS printer we target
RASTER_EM = 22  # em size (dots) of rastered text at magnification 1, close to font A
_QR_EC = {"L": QR_ECLEVEL_L, "M": QR_ECLEVEL_M, "Q": QR_ECLEVEL_Q, "H": QR_ECLEVEL_H}
_QR_IMAGE_EC = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


@dataclass(frozen=True)
class Device:
    """What the renderer needs to know about a printer."""

    profile: str
    width_mm: int
    codepage: str  # "" when no code page is trusted (ASCII only)
    codepage_index: int
    dots: int  # printable width in dots
    columns: int  # font A characters per line
    native_qr: bool
    charset: frozenset[str]

    def encodable(self, text: str) -> bool:
        return all((" " <= ch < "\x7f") or ch in self.charset for ch in text)


def _profile_name(name: str | None) -> str:
    wanted = (name or DEFAULT_PROFILE).strip()
    if wanted.lower() in ALIASES:
        return ALIASES[wanted.lower()]
    for known in CAPABILITIES["profiles"]:
        if known.lower() == wanted.lower():
            return str(known)
    raise ProfileError(
        _("Profil d'imprimante inconnu : {name} (par exemple : TM-T20II, TM-T88V, generic)", name=wanted)
    )


@cache
def device(profile: str | None = None, width: int = 80, codepage: str | None = None) -> Device:
    """The printer's capabilities for a profile, a paper width and a code page."""
    name = _profile_name(profile)
    prof = get_profile(name)
    if width not in (80, 58):
        raise ProfileError(_("Largeur de papier non prise en charge : {width} mm (80 ou 58)", width=width))
    media = prof.profile_data.get("media", {})
    dpi = media.get("dpi") if isinstance(media.get("dpi"), int) else 203
    pixels = media.get("width", {}).get("pixels")
    if width == 80 and isinstance(pixels, int) and pixels >= 480:
        dots = pixels
    else:
        dots = round((72 if width == 80 else 48) * dpi / 25.4)
    dots -= dots % 8
    pages = prof.get_code_pages()
    if codepage and codepage.lower() in NO_PAGE:
        page, index, charset = "", -1, frozenset[str]()
    else:
        page = _codepage_name(codepage, pages)
        index = int(pages[page])
        table = Encoder(pages)._get_codepage_char_map(page)
        charset = frozenset(ch for ch, byte in table.items() if _decodes(page, byte, ch))
    return Device(
        profile=name,
        width_mm=width,
        codepage=page,
        codepage_index=index,
        dots=dots,
        columns=dots // FONT_A_DOTS,
        native_qr=bool(prof.supports("qrCode")),
        charset=charset,
    )


def _codepage_name(wanted: str | None, pages: dict[str, str]) -> str:
    if wanted:
        try:
            name = str(CodePages.get_encoding_name(wanted.upper()))
        except (KeyError, ValueError, TypeError):
            name = wanted.upper()
        if name in pages and name != "Unknown":
            return name
        raise ProfileError(
            _(
                "Page de codes {page} inconnue de ce profil (disponibles : {pages})",
                page=wanted,
                pages=", ".join(p for p in pages if p != "Unknown"),
            )
        )
    return next((p for p in PREFERRED_PAGES if p in pages), next(iter(pages)))


def _decodes(page: str, byte: int, ch: str) -> bool:
    """Keep only the table's real characters (undefined slots are listed as spaces)."""
    if ch == " " or not ch.strip():
        return False
    codec = CodePages.data.get(page, {}).get("python_encode")
    if not codec:
        return True
    try:
        return bytes([byte]).decode(codec) == ch
    except UnicodeDecodeError:
        return False


@dataclass
class Built:
    data: bytes
    raster_lines: int  # how many lines went out as images (names in other scripts…)


class Slip:
    """One slip being built; each method appends printer commands."""

    def __init__(self, dev: Device) -> None:
        self.dev = dev
        self.p = Dummy(profile=dev.profile)
        self.raster_lines = 0
        self.p.hw("INIT")
        # ESC t n, once: the whole slip is in this page. Without a trusted page, only ASCII
        # goes out as text, under the power-on page PC437.
        self.p.charcode(dev.codepage or "CP437")

    def _style(
        self, align: str = "left", bold: bool = False, width: int = 1, height: int = 1, invert: bool = False
    ) -> None:
        self.p.set(align=align, bold=bold, invert=invert, custom_size=True, width=width, height=height)

    def text(
        self,
        text: str,
        *,
        align: str = "left",
        bold: bool = False,
        width: int = 1,
        height: int = 1,
        invert: bool = False,
        fit: bool = False,
        max_lines: int = 0,
        indent: int = 0,
        first_indent: int = 0,
    ) -> None:
        """A paragraph: as text if the code page holds it, else as an image."""
        text = " ".join(text.split())
        if not text:
            return
        as_text = self.dev.encodable(text)
        if fit:
            width, height = self._fit(text, width, height, as_text, bold)
        if as_text:
            cols = max(1, self.dev.columns // width)
            lines = textwrap.wrap(
                text,
                cols,
                initial_indent=" " * first_indent,
                subsequent_indent=" " * indent,
                break_on_hyphens=False,
            ) or [""]
            if max_lines:
                lines = lines[:max_lines]
            self._style(align, bold, width, height, invert)
            self.p.text("\n".join(lines) + "\n")
            self._style()
            return
        size = RASTER_EM * height
        margin = first_indent * FONT_A_DOTS  # an indented line keeps its indent as a picture
        lines = raster.wrap(text, self.dev.dots - margin, size, bold)
        if max_lines:
            lines = lines[:max_lines]
        self._style()
        self.p.image(
            raster.render(
                lines, width=self.dev.dots, size=size, bold=bold, align=align, invert=invert, margin=margin
            ),
            impl="bitImageRaster",
        )
        self.raster_lines += len(lines)

    def _fit(self, text: str, width: int, height: int, as_text: bool, bold: bool) -> tuple[int, int]:
        """The largest magnification (down from the layout's) at which no word is cut."""
        longest = max(text.split(), key=len)
        for step in range(max(width, height), 0, -1):
            w, h = min(width, step), min(height, step)
            if as_text and len(longest) <= self.dev.columns // w:
                return w, h
            if not as_text and raster.measure(longest, RASTER_EM * h, bold) <= self.dev.dots:
                return w, h
        return 1, 1

    def rule(self) -> None:
        self._style()
        self.p.text("-" * self.dev.columns + "\n")

    def feed(self, lines: int) -> None:
        if lines:
            self.p.ln(lines)

    def qr(self, data: str, module: int, ec: str) -> None:
        if not data:
            return
        if self.dev.native_qr:
            self._style(align="center")
            self.p.qr(data, ec=_QR_EC[ec], size=module, native=True)
            self.p.ln()
            self._style()
            return
        code = qrcode.QRCode(error_correction=_QR_IMAGE_EC[ec], box_size=module, border=2)
        code.add_data(data)
        symbol = code.make_image().get_image().convert("1")
        canvas = Image.new("1", (self.dev.dots, symbol.height), 1)
        canvas.paste(symbol, ((self.dev.dots - symbol.width) // 2, 0))
        self._style()
        self.p.image(canvas, impl="bitImageRaster")

    def logo(self, path: Path, percent: int) -> None:
        """The event's logo, centred, ``percent`` of the paper's width, in black dots."""
        from checkin.printing.logo import logo_image, on_white

        width = self.dev.dots * percent // 100
        grey = on_white(logo_image(path, width)).convert("L")
        dots = grey.point(lambda v: 0 if v < 160 else 255).convert("1")
        canvas = Image.new("1", (self.dev.dots, dots.height), 1)
        canvas.paste(dots, ((self.dev.dots - dots.width) // 2, 0))
        self._style()
        self.p.image(canvas, impl="bitImageRaster")
        self.raster_lines += 1

    def cut(self, mode: str) -> None:
        self._style()
        self.p.cut(mode="PART" if mode == "partial" else "FULL")

    def columns_line(self, left: str, right: str) -> None:
        """``left ........ right`` across the line (counts on the closing slip)."""
        room = self.dev.columns - len(right) - 1
        if len(left) > room:
            self.text(left)
            left = ""
        self.text(
            left + " " + "." * max(0, room - len(left) - 1) + " " + right
            if left
            else right.rjust(self.dev.columns)
        )

    @property
    def data(self) -> bytes:
        return bytes(self.p.output)


def build(layout: Layout, slip: SlipData, dev: Device) -> Built:
    """The bytes of ``slip`` drawn with ``layout`` for the printer ``dev``."""
    out = Slip(dev)
    for element in layout.elements:
        _draw(out, element, slip)
    return Built(out.data, out.raster_lines)


def render(layout: Layout, slip: SlipData, dev: Device) -> bytes:
    return build(layout, slip, dev).data


def _fill(template: str, values: dict[str, str]) -> str:
    return template.format_map(values)


def _draw(out: Slip, el: Element, slip: SlipData) -> None:
    if el.when and not slip.values.get(el.when, "").strip():
        return
    lang = slip.language
    if el.type == "text":
        text = _fill(el.text, slip.values)
        out.text(
            text,
            align=el.align,
            bold=el.bold,
            width=el.width,
            height=el.height,
            invert=el.invert,
            fit=el.fit,
            max_lines=el.max_lines,
        )
    elif el.type == "rule":
        out.rule()
    elif el.type == "feed":
        out.feed(el.lines)
    elif el.type == "qr":
        out.qr(_fill(el.text, slip.values), el.module, el.ec)
    elif el.type == "programme":
        _programme(out, slip, lang)
    elif el.type == "practical":
        for key in el.keys or tuple(slip.practical):
            if slip.practical.get(key):
                out.text(slip.practical[key], indent=2)
    elif el.type == "counts":
        _counts(out, slip, lang)
    elif el.type == "logo":
        if slip.logo is not None:
            out.logo(slip.logo, el.percent)
    elif el.type == "cut":
        out.cut(el.mode)


def _programme(out: Slip, slip: SlipData, lang: str) -> None:
    if not slip.programme:
        out.text(tr(lang, "Aucune séance inscrite ce jour."))
        return
    for item in slip.programme:
        when = f"{item.start}-{item.end}" if item.end else item.start
        out.text(f"{when} {item.title}", bold=False, indent=len(when) + 1)
        for extra in (item.room, item.note):
            if extra:
                out.text(extra, indent=len(when) + 1, first_indent=len(when) + 1)


def _counts(out: Slip, slip: SlipData, lang: str) -> None:
    counts = slip.counts
    if counts is None:
        return
    out.text(tr(lang, "Entrées par catégorie"), bold=True)
    if not counts.per_category:
        out.text(tr(lang, "Aucune entrée ce jour."))
    for name, n in counts.per_category:
        out.columns_line(name, str(n))
    out.columns_line(tr(lang, "Total des entrées"), str(counts.admitted))
    out.columns_line(tr(lang, "Entrées annulées"), str(counts.undone))
    out.feed(1)
    out.columns_line(tr(lang, "Réimpressions"), str(sum(n for _r, n in counts.reprints)))
    for reason, n in counts.reprints:
        out.columns_line("  " + reason, str(n))
    out.columns_line(tr(lang, "Inscriptions sur place"), str(counts.walkins))


SAMPLE_ACCENTS = "Hélène Côté — Délégation"
SAMPLE_SCRIPTS = "Լուսինե · 李明 · नरेंद्र शर्मा · Ђорђе · نور خوري"


def test_page(dev: Device) -> Built:
    """The set-up print: the code page as the printer prints it, beside what it should be.

    Each row of the upper half of the code page is sent as raw bytes and then drawn as an
    image of the expected characters, so a desk sees at once a clone printing blanks or
    wrong letters, and picks another ``--codepage``. Then both kinds of QR code.
    """
    out = Slip(dev)
    out.text(_("Test d'impression checkin"), align="center", bold=True, width=2, height=2, fit=True)
    page = dev.codepage or _("aucune (ASCII, le reste en images)")
    out.text(
        _(
            "Profil {profile}, papier {width} mm, {dots} points, {columns} colonnes",
            profile=dev.profile,
            width=dev.width_mm,
            dots=dev.dots,
            columns=dev.columns,
        )
    )
    out.text(_("Page de codes : {page} (ESC t {index})", page=page, index=max(dev.codepage_index, 0)))
    out.rule()
    out.text(SAMPLE_ACCENTS, bold=True)
    out.text("Hélène Côté, Délégation à Besançon")
    out.text("àâäçéèêëîïôöùûüÿ ÀÂÇÉÈÊËÎÏÔÙÛÜ")
    out.text("€ « » œ Œ ’ … ñ ß ø å")
    out.text(SAMPLE_SCRIPTS)
    if dev.codepage:
        out.rule()
        out.text(_("Table 0x80-0xFF : texte envoyé, puis image attendue"), bold=True)
        codec = CodePages.data.get(dev.codepage, {}).get("python_encode", "")
        for high in range(0x8, 0x10):
            row = bytes(range(high * 16, high * 16 + 16))
            expected = "".join(_drawable(_char(row[i : i + 1], codec), dev) for i in range(16))
            out.p.text(f"{high:X}x ")
            out.p._raw(bytes(b if _char(bytes([b]), codec) in dev.charset else 0x2E for b in row) + b"\n")
            out.p.image(
                raster.render([f"{high:X}x " + expected], width=dev.dots, size=RASTER_EM),
                impl="bitImageRaster",
            )
            out.raster_lines += 1
    out.rule()
    if dev.native_qr:
        out.text(_("QR natif (GS ( k) :"))
        out.qr("checkin test QR natif", 6, "M")
    else:
        out.text(_("Ce profil n'a pas de QR natif."))
    out.text(_("QR en image :"))
    out.dev = replace(dev, native_qr=False)
    out.qr("checkin test QR image", 6, "M")
    out.dev = dev
    out.cut("partial")
    return Built(out.data, out.raster_lines)


def _drawable(ch: str, dev: Device) -> str:
    """The character as the expected row shows it: "·" for an empty slot or a glyph no
    shipped font has (box drawing), so the picture never shows a misleading "?"."""
    return ch if ch in dev.charset and not fonts.missing(ch) else "·"


def _char(byte: bytes, codec: str) -> str:
    try:
        return byte.decode(codec) if codec else ""
    except UnicodeDecodeError:
        return ""
