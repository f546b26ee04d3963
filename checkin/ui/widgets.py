"""Small widgets shared by the pages: the painted outcome symbol and the error banner.

Symbols are painted rather than taken from a font, so they look the same on every laptop
(a missing emoji font would otherwise show an empty box exactly where the answer is).
"""

from __future__ import annotations

from checkin.base.i18n import _
from checkin.ui.qt import (
    QColor,
    QHBoxLayout,
    QLabel,
    QPainter,
    QPen,
    QPoint,
    QPushButton,
    QRectF,
    QSize,
    Qt,
    QWidget,
    Signal,
)


class SymbolIcon(QWidget):
    """A big symbol in a circle: ok, cross, warning, stop, question, pause, scan."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.symbol = "scan"
        self.colour = QColor("#111111")
        self.setFixedSize(QSize(150, 150))

    def set_symbol(self, symbol: str, colour: str) -> None:
        self.symbol = symbol
        self.colour = QColor(colour)
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height()) - 12
        box = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        pen = QPen(self.colour, side / 11)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        c = box.center()
        s = side / 2
        if self.symbol == "warning":
            pts = [
                QPoint(int(c.x()), int(box.top() + 4)),
                QPoint(int(box.right() - 4), int(box.bottom() - 8)),
                QPoint(int(box.left() + 4), int(box.bottom() - 8)),
            ]
            p.drawPolygon(pts)
            p.drawLine(QPoint(int(c.x()), int(c.y() - s * 0.35)), QPoint(int(c.x()), int(c.y() + s * 0.25)))
            p.drawPoint(QPoint(int(c.x()), int(c.y() + s * 0.55)))
        else:
            p.drawEllipse(
                box.adjusted(pen.widthF() / 2, pen.widthF() / 2, -pen.widthF() / 2, -pen.widthF() / 2)
            )
            if self.symbol == "ok":
                p.drawPolyline(
                    [
                        QPoint(int(c.x() - s * 0.45), int(c.y() + s * 0.02)),
                        QPoint(int(c.x() - s * 0.12), int(c.y() + s * 0.35)),
                        QPoint(int(c.x() + s * 0.48), int(c.y() - s * 0.35)),
                    ]
                )
            elif self.symbol == "cross":
                d = s * 0.38
                p.drawLine(QPoint(int(c.x() - d), int(c.y() - d)), QPoint(int(c.x() + d), int(c.y() + d)))
                p.drawLine(QPoint(int(c.x() + d), int(c.y() - d)), QPoint(int(c.x() - d), int(c.y() + d)))
            elif self.symbol == "stop":
                d = s * 0.5
                p.drawLine(QPoint(int(c.x() - d), int(c.y())), QPoint(int(c.x() + d), int(c.y())))
            elif self.symbol == "pause":
                d = s * 0.35
                p.drawLine(
                    QPoint(int(c.x() - d / 2), int(c.y() - d)), QPoint(int(c.x() - d / 2), int(c.y() + d))
                )
                p.drawLine(
                    QPoint(int(c.x() + d / 2), int(c.y() - d)), QPoint(int(c.x() + d / 2), int(c.y() + d))
                )
            elif self.symbol == "question":
                font = p.font()
                font.setPixelSize(int(s * 1.2))
                font.setBold(True)
                p.setFont(font)
                p.drawText(box, Qt.AlignmentFlag.AlignCenter, "?")
            else:  # "scan": a target frame
                d = s * 0.45
                for sx in (-1, 1):
                    for sy in (-1, 1):
                        corner = QPoint(int(c.x() + sx * d), int(c.y() + sy * d))
                        p.drawLine(corner, QPoint(int(corner.x() - sx * d * 0.5), corner.y()))
                        p.drawLine(corner, QPoint(corner.x(), int(corner.y() - sy * d * 0.5)))
        p.end()


class Banner(QWidget):
    """A non-modal strip for a recoverable problem; the work goes on underneath."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            "#banner { background: #FFF3CD; border: 2px solid #8A4B00; }"
            "#banner QLabel { color: #111111; font-size: 18px; }"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.dismiss)
        row.addWidget(self.label, 1)
        row.addWidget(self.close_button)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.close_button.setText(_("Fermer"))
        self.close_button.setAccessibleName(_("Fermer le message"))

    def show_message(self, text: str) -> None:
        self.label.setText("⚠  " + text)
        self.label.setAccessibleName(text)
        self.show()

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()

    @property
    def text(self) -> str:
        return self.label.accessibleName() if self.isVisible() else ""


def tell(dialog: QWidget, message: str) -> None:
    """Say ``message`` inside an open dialog (its error line, or a line added on top): the
    window's banner is hidden behind a modal dialog."""
    label = dialog.findChild(QLabel, "scan_notice")
    if label is None:
        label = QLabel(dialog)
        label.setObjectName("scan_notice")
        label.setWordWrap(True)
        label.setStyleSheet(
            "color: #A01818; font-size: 17px; font-weight: bold; background: #FDECEA; padding: 6px;"
        )
        layout = dialog.layout()
        if layout is not None and hasattr(layout, "insertWidget"):
            layout.insertWidget(0, label)
        elif layout is not None:
            layout.addWidget(label)
    label.setText(message)
    label.show()
