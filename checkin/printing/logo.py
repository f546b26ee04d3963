"""The event's logo (PNG or SVG beside the event file) as an image, for badges and slips.

An SVG is rasterised by resvg (a self-contained renderer, no system library) at the size
asked for, so a badge gets a sharp logo at print resolution and a thermal slip one at the
printer's dot width. Images are cached by file, modification time and size.
"""

from __future__ import annotations

import io
import logging
from functools import cache
from pathlib import Path

from PIL import Image

from checkin.base.errors import KnownError
from checkin.base.i18n import _

log = logging.getLogger(__name__)


def logo_image(path: Path, width_px: int) -> Image.Image:
    """The logo as an RGBA image ``width_px`` wide (its proportions kept)."""
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise KnownError(_("Logo de l'événement introuvable : {path}", path=path)) from exc
    return _render(path, mtime, max(1, int(width_px)))


def logo_png(path: Path, width_px: int) -> bytes:
    """The same image, PNG-encoded (what ReportLab's ``drawImage`` reads)."""
    out = io.BytesIO()
    logo_image(path, width_px).save(out, format="PNG")
    return out.getvalue()


@cache
def _render(path: Path, _mtime: float, width_px: int) -> Image.Image:
    image: Image.Image
    try:
        if path.suffix.lower() == ".svg":
            import resvg_py

            data = bytes(resvg_py.svg_to_bytes(svg_path=str(path), width=width_px))
            image = Image.open(io.BytesIO(data))
        else:
            image = Image.open(path)
        image.load()
    except (OSError, ValueError) as exc:
        raise KnownError(_("Logo de l'événement illisible ({path}) : {error}", path=path, error=exc)) from exc
    image = image.convert("RGBA")
    if image.width != width_px:
        height = max(1, round(image.height * width_px / image.width))
        image = image.resize((width_px, height), Image.Resampling.LANCZOS)
    return image


def on_white(image: Image.Image) -> Image.Image:
    """The image flattened onto white (transparent areas print as paper)."""
    flat = Image.new("RGB", image.size, "white")
    flat.paste(image, mask=image.getchannel("A"))
    return flat
