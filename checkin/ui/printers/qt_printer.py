"""The operating system's printers through Qt (``QPrinter``), for Windows and macOS desks.

The badge is still rendered once, by ReportLab; this back-end only puts the PDF's pages on
paper: the page size is the PDF's own (an exact custom size, not the nearest standard
one), full page, no margins and no fit-to-page, so 105 × 148 mm stays 105 × 148 mm. Pages
are rasterised at the printer's resolution with QtPdf when this Qt build has it, else with
poppler's ``pdftoppm``; with neither, the job fails with a clear reason.
"""

from __future__ import annotations

import importlib
import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from checkin.base.i18n import _
from checkin.printing.errors import PrinterError

log = logging.getLogger(__name__)

_MEDIABOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")
MM_PER_POINT = 25.4 / 72


def page_size_mm(pdf: bytes) -> tuple[float, float]:
    """The first page's size, from its MediaBox (ReportLab writes it in clear)."""
    found = _MEDIABOX.search(pdf)
    if not found:
        raise PrinterError(_("Le document à imprimer n'a pas de format de page."))
    x0, y0, x1, y1 = (float(v) for v in found.groups())
    return (x1 - x0) * MM_PER_POINT, (y1 - y0) * MM_PER_POINT


def _pages_qtpdf(pdf: bytes, dpi: int, size_mm: tuple[float, float]) -> list[QImage] | None:
    try:
        qtpdf: Any = importlib.import_module("PySide6.QtPdf")
    except ImportError:
        return None
    from PySide6.QtCore import QBuffer, QByteArray, QSize

    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QBuffer.OpenModeFlag.ReadOnly)
    document = qtpdf.QPdfDocument()
    document.load(buffer)
    width = round(size_mm[0] / 25.4 * dpi)
    height = round(size_mm[1] / 25.4 * dpi)
    return [document.render(i, QSize(width, height)) for i in range(document.pageCount())]


def _pages_poppler(pdf: bytes, dpi: int) -> list[QImage] | None:
    if shutil.which("pdftoppm") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "job.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", str(source), str(Path(tmp) / "page")],
            check=True,
            timeout=120,
        )
        return [QImage(str(p)) for p in sorted(Path(tmp).glob("page*.png"))]


def rasterise(pdf: bytes, dpi: int) -> list[QImage]:
    size = page_size_mm(pdf)
    pages = _pages_qtpdf(pdf, dpi, size) or _pages_poppler(pdf, dpi)
    if not pages:
        raise PrinterError(
            _("Impossible de préparer le badge pour cette imprimante (QtPdf ou poppler manquant).")
        )
    return pages


def configure(printer: QPrinter, size_mm: tuple[float, float], title: str) -> None:
    """Exact page size, full page, no margins: what keeps the badge at its stock size."""
    page = QPageSize(
        QSizeF(*size_mm),
        QPageSize.Unit.Millimeter,
        "badge",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )
    orientation = QPageLayout.Orientation.Portrait
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(page, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    printer.setDocName(title)


class QtBackend:
    """A system printer by name (``""`` for the default one)."""

    def __init__(self, name: str, target: str = "", *, output_file: str = "") -> None:
        self.name = name
        self.target = target
        self.output_file = output_file  # print to a PDF file instead (tests, previews)

    def _printer(self) -> QPrinter:
        if self.output_file:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(self.output_file)
            return printer
        info = QPrinterInfo.printerInfo(self.target) if self.target else QPrinterInfo.defaultPrinter()
        if info.isNull():
            raise PrinterError(_("Imprimante introuvable : {name}", name=self.target or self.name))
        return QPrinter(info, QPrinter.PrinterMode.HighResolution)

    def submit(self, data: bytes, *, job_id: str, title: str, media: str) -> str:
        printer = self._printer()
        size = page_size_mm(data)
        configure(printer, size, title)
        pages = rasterise(data, min(printer.resolution(), 600))
        painter = QPainter()
        if not painter.begin(printer):
            raise PrinterError(_("L'imprimante {name} refuse le travail.", name=self.name))
        try:
            target = printer.paperRect(QPrinter.Unit.DevicePixel)
            for index, image in enumerate(pages):
                if index:
                    printer.newPage()
                painter.drawImage(QRectF(0, 0, target.width(), target.height()), image)
        finally:
            painter.end()
        return self.output_file or f"{self.target or 'default'}:{job_id}"

    def already_done(self, job_id: str) -> bool | None:
        return None  # the OS spooler cannot be asked by job id; the queue records the handle


def backend(cfg: Any) -> QtBackend:
    """Factory for ``checkin.printing.config.build`` (``backend = "qt"``)."""
    return QtBackend(cfg.name, cfg.target)


def system_printers() -> list[str]:
    return [info.printerName() for info in QPrinterInfo.availablePrinters()]
