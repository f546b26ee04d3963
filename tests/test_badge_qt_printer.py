"""The QPrinter back-end keeps the stock's exact size (printed here to Qt's PDF output)."""

from __future__ import annotations

import io
import os
import re
import subprocess
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import zxingcpp
from PIL import Image

from checkin.event import model as event_mod
from checkin.printing.badge import BadgeRenderer, attendee_from


@pytest.mark.parametrize("layout", ["a6", "cr80"])
def test_qt_backend_prints_at_the_exact_page_size(layout: str, tmp_path: Path, qapp: object) -> None:
    from checkin.ui.printers.qt_printer import QtBackend, page_size_mm

    person = attendee_from(
        {
            "uid": "u",
            "code": "AICT26-QTQTQTQT",
            "first_name": "Zoé",
            "last_name": "Ølund",
        }
    )
    renderer = BadgeRenderer(event_mod.load(), layout)
    pdf = io.BytesIO()
    renderer.render([person], pdf)
    expected = page_size_mm(pdf.getvalue())
    out = tmp_path / "qt.pdf"
    handle = QtBackend("qt", output_file=str(out)).submit(
        pdf.getvalue(), job_id="j1", title="badge", media=renderer.layout.media
    )
    assert handle == str(out)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
    assert found
    width, height = (float(v) * 25.4 / 72 for v in found.groups())
    assert abs(width - expected[0]) < 0.3 and abs(height - expected[1]) < 0.3, (
        width,
        height,
        expected,
    )
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-png",
            "-singlefile",
            str(out),
            str(tmp_path / "qt"),
        ],
        check=True,
    )
    with Image.open(tmp_path / "qt.png") as image:
        assert [r.text for r in zxingcpp.read_barcodes(image)] == ["AICT26-QTQTQTQT"]
