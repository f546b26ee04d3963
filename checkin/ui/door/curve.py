"""A room's day in a small chart: how many people it held, every ten minutes, against its
capacity (the dashed line); drawn, not a chart library (Qt Charts is not shipped)."""

from __future__ import annotations

from checkin.ui.qt import QColor, QPainter, QPen, QPoint, QSize, Qt, QWidget


class DayCurve(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[str, int]] = []
        self.capacity: int | None = None
        self.setMinimumSize(QSize(260, 60))

    def set_curve(self, points: list[tuple[str, int]], capacity: int | None) -> None:
        self.points, self.capacity = points, capacity
        self.setToolTip(
            f"{points[0][0]}–{points[-1][0]} · max {max(v for _t, v in points)}" if points else ""
        )
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width() - 4, self.height() - 6
        p.setPen(QPen(QColor("#B0B7BD"), 1))
        p.drawRect(0, 0, self.width() - 1, self.height() - 1)
        if len(self.points) < 2:
            p.end()
            return
        top = max([self.capacity or 0, *(v for _t, v in self.points), 1])

        def y(v: int) -> int:
            return int(3 + h - h * v / top)

        if self.capacity:
            dashed = QPen(QColor("#A01818"), 1, Qt.PenStyle.DashLine)
            p.setPen(dashed)
            p.drawLine(QPoint(2, y(self.capacity)), QPoint(2 + w, y(self.capacity)))
        step = w / (len(self.points) - 1)
        line = [QPoint(int(2 + i * step), y(v)) for i, (_t, v) in enumerate(self.points)]
        p.setPen(QPen(QColor("#1F4E9D"), 2))
        p.drawPolyline(line)
        p.end()
