"""The scanner check's test page: an A4 PDF any office printer can print.

A QR code (what registration e-mails carry) and two Code 128 barcodes (for 1D scanners
and wristbands), each carrying the test texts of :func:`checkin.arrivals.scanner_check.payloads`:
letters that tell the keyboard layouts apart in both cases, every digit, the code's
separator and the signs of a link. The lead scans any one of them at the desk.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from checkin.arrivals.scanner_check import payloads
from checkin.base.i18n import _
from checkin.event.model import EventConfig


def write_page(path: Path, event: EventConfig) -> Path:
    """Write the test page to ``path`` (byte-reproducible)."""
    tests = payloads(event.code_pattern)
    width, height = A4
    c = Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle(_("Vérification du scanner"))
    c.setFont("Helvetica-Bold", 20)
    c.drawString(20 * mm, height - 25 * mm, _("Vérification du scanner"))
    c.setFont("Helvetica", 11)
    lines = [
        event.short_name,
        _("1. Au poste : Réglages (F10) → « Vérifier le scanner… » (responsable)."),
        _("2. Scannez UN des codes ci-dessous (le QR code, ou un code-barres)."),
        _("3. Le poste dit en clair ce que le scanner tape et ce qu'il faut changer."),
    ]
    y = height - 35 * mm
    for line in lines:
        c.drawString(20 * mm, y, line)
        y -= 6 * mm

    # The QR code, large, as on a confirmation e-mail.
    side = 70 * mm
    widget = QrCodeWidget(tests["qr"], barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(widget)
    qr_top = y - 4 * mm
    renderPDF.draw(drawing, c, (width - side) / 2, qr_top - side)
    y = qr_top - side - 5 * mm
    c.setFont("Helvetica-Bold", 12)
    c.drawCentredString(width / 2, y, _("QR code"))
    y -= 12 * mm

    for name, title in (
        ("code", _("Code-barres 1 (format d'un code)")),
        ("link", _("Code-barres 2 (un lien)")),
    ):
        barcode = Code128(tests[name], barWidth=0.27 * mm, barHeight=16 * mm, quiet=True, lquiet=8 * mm)
        bar_width = barcode.width
        x = (width - bar_width) / 2
        c.setFont("Helvetica-Bold", 12)
        c.drawCentredString(width / 2, y, title)
        y -= 20 * mm
        barcode.drawOn(c, x, y)
        c.setFont("Courier", 9)
        c.drawCentredString(width / 2, y - 5 * mm, tests[name])
        y -= 18 * mm

    c.setFont("Helvetica", 9)
    c.drawString(
        20 * mm,
        15 * mm,
        _("Ces codes ne sont pas des billets : ils ne servent qu'à vérifier les réglages du scanner."),
    )
    c.showPage()
    c.save()
    return path
