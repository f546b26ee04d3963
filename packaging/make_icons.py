"""Render the application icon (checkin/resources/icons/checkin.svg) to the PNG sizes the
desktops want, and to Windows' .ico and macOS' .icns for the bundles.

    python packaging/make_icons.py                # PNGs into checkin/resources/icons/
    python packaging/make_icons.py --bundle DIR   # also checkin.ico and checkin.icns into DIR

The PNGs are committed (the window uses them as its icon; Linux desktops read them through
the .desktop file); the test suite renders them again and compares.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import resvg_py
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "checkin" / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(size: int) -> Image.Image:
    data = bytes(resvg_py.svg_to_bytes(svg_path=str(ICONS / "checkin.svg"), width=size, height=size))
    return Image.open(io.BytesIO(data)).convert("RGBA")


def bundle_icons(folder: Path) -> tuple[Path, Path]:
    """checkin.ico (Windows) and checkin.icns (macOS) in ``folder``, for PyInstaller."""
    folder.mkdir(parents=True, exist_ok=True)
    big = render(512)
    ico, icns = folder / "checkin.ico", folder / "checkin.icns"
    big.save(ico, sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    big.save(icns)
    return ico, icns


def main(argv: list[str]) -> int:
    for size in SIZES:
        render(size).save(ICONS / f"checkin-{size}.png", optimize=True)
    if "--bundle" in argv:
        bundle_icons(Path(argv[argv.index("--bundle") + 1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
