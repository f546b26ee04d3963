"""The staff's live view: arrivals per quarter hour, per category and per delegation,
expected against arrived, and who has not come yet — readable at a glance.

Bars are painted (no chart library to load at start-up) with their numbers written on
them, so the figures are read, not guessed from lengths. The figures are computed on the
task pool and refreshed every 30 s while the view is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checkin.base.i18n import _, language
from checkin.event.model import EventConfig
from checkin.replica import attendance
from checkin.replica.db import Replica
from checkin.ui.qt import (
    QColor,
    QFont,
    QHBoxLayout,
    QLabel,
    QListView,
    QPainter,
    QRectF,
    QScrollArea,
    QStringListModel,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

Bar = tuple[str, int, int, str]  # label, value, total (0 = none), colour


@dataclass
class Figures:
    arrived: int = 0
    expected: int = 0
    per_quarter: list[tuple[str, int]] = field(default_factory=list)
    per_category: list[tuple[str, int, int]] = field(default_factory=list)  # name, arrived, expected
    per_delegation: list[tuple[str, int, int]] = field(default_factory=list)
    no_shows: list[str] = field(default_factory=list)


def compute(replica: Replica, event: EventConfig, day: str) -> Figures:
    """Runs on a worker: the reports' reading of the replica (:mod:`checkin.replica.attendance`),
    so the staff view, the status bar and the attendance report say the same."""
    with replica.read() as conn:
        data = attendance.load(conn, event, hub=False)
    lang = language()

    def label(name: str) -> str:
        cat = event.category_by_name(name)
        return cat.label(lang) if cat else name

    def by_size(rows: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        return sorted(rows, key=lambda row: -row[2])

    categories = attendance.breakdown(data, day, "category")
    delegations = [row for row in attendance.breakdown(data, day, "delegation") if row[0] != "—"]
    no_shows = [
        f"{p.full_name} — {p.organisation}" if p.organisation else p.full_name for p in data.noshows(day)
    ]
    return Figures(
        arrived=len(data.present(day)),
        expected=len(data.expected(day)),
        per_quarter=[(q, n) for q, n in attendance.quarter_hours(data, day) if n],
        per_category=by_size([(label(c), here, n) for c, n, here in categories if n]),
        per_delegation=by_size([(d, here, n) for d, n, here in delegations if n])[:12],
        no_shows=sorted(no_shows, key=str.casefold),
    )


class BarChart(QWidget):
    """Horizontal bars with the figures written on them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.setMinimumHeight(120)

    def set_bars(self, bars: list[Bar]) -> None:
        self.bars = bars
        self.setMinimumHeight(max(120, 30 * len(bars) + 8))
        self.setAccessibleDescription(
            "; ".join(f"{b[0]}: {b[1]}" + (f"/{b[2]}" if b[2] else "") for b in bars)
        )
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setPixelSize(16)
        p.setFont(font)
        label_w = min(260, self.width() // 3)
        top = 4
        scale = max([max(b[1], b[2]) for b in self.bars] + [1])
        width = self.width() - label_w - 90
        for name, value, total, colour in self.bars:
            row = QRectF(0, top, self.width(), 26)
            p.setPen(QColor("#111111"))
            p.drawText(
                QRectF(0, top, label_w - 8, 26),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                p.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, label_w - 8),
            )
            if total:
                p.fillRect(QRectF(label_w, top + 3, width * total / scale, 20), QColor("#D5D8DC"))
            p.fillRect(QRectF(label_w, top + 3, width * value / scale, 20), QColor(colour))
            text = f"{value}" + (f" / {total}" if total else "")
            p.drawText(
                QRectF(label_w + width * max(value, total) / scale + 6, top, 90, 26),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
            top = int(row.bottom()) + 4
        p.end()


class StaffPage(QWidget):
    def __init__(self, event: EventConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.event_config = event
        self.figures = Figures()
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 26px; font-weight: bold;")
        self.total = QLabel()
        self.total.setStyleSheet("font-size: 22px;")
        self.labels = {k: QLabel() for k in ("quarter", "category", "delegation", "no_shows")}
        for label in self.labels.values():
            label.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.quarter = BarChart()
        self.category = BarChart()
        self.delegation = BarChart()
        self.no_shows = QListView()
        self.no_show_model = QStringListModel(self)
        self.no_shows.setModel(self.no_show_model)
        self.no_shows.setStyleSheet("font-size: 16px;")
        left = QVBoxLayout()
        for key, chart in (
            ("quarter", self.quarter),
            ("category", self.category),
            ("delegation", self.delegation),
        ):
            left.addWidget(self.labels[key])
            left.addWidget(chart)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.labels["no_shows"])
        right.addWidget(self.no_shows, 1)
        charts = QWidget()
        charts.setLayout(left)
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        scroller.setWidget(charts)
        columns = QHBoxLayout()
        columns.addWidget(scroller, 3)
        columns.addLayout(right, 2)
        arrivals = QWidget()
        arrivals.setObjectName("staff_arrivals")
        inner = QVBoxLayout(arrivals)
        inner.setContentsMargins(0, 6, 0, 0)
        inner.addWidget(self.total)
        inner.addLayout(columns, 1)
        self.tabs = QTabWidget()  # « Arrivées », and « Salles » when the window adds the rooms
        self.tabs.setObjectName("staff_tabs")
        self.tabs.setStyleSheet("QTabBar::tab { font-size: 17px; padding: 6px 18px; }")
        self.tabs.addTab(arrivals, "")
        self.rooms: QWidget | None = None
        layout = self.box = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def add_rooms(self, rooms: QWidget) -> None:
        """The rooms' occupancy (the door's view, which the window builds) as a second tab,
        scrolled when the event has more rooms than the window has height."""
        self.rooms = rooms
        scroller = QScrollArea()
        scroller.setObjectName("staff_rooms")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        scroller.setWidget(rooms)
        self.tabs.addTab(scroller, "")
        self.retranslate()

    def show_rooms(self) -> None:
        if self.rooms is not None:
            self.tabs.setCurrentIndex(1)

    def show_figures(self, figures: Figures) -> None:
        self.figures = figures
        self.quarter.set_bars([(q, n, 0, "#1F4E9D") for q, n in figures.per_quarter])
        self.category.set_bars([(c, a, n, "#14632B") for c, a, n in figures.per_category])
        self.delegation.set_bars([(d, a, n, "#7A1F5C") for d, a, n in figures.per_delegation])
        self.no_show_model.setStringList(figures.no_shows)
        self.retranslate()

    def retranslate(self) -> None:
        f = self.figures
        self.title.setText(_("Arrivées en direct"))
        self.tabs.setTabText(0, _("Arrivées"))
        if self.rooms is not None:
            self.tabs.setTabText(1, _("Salles"))
        share = round(100 * f.arrived / f.expected) if f.expected else 0
        self.total.setText(
            _(
                "{arrived} arrivé·e·s sur {expected} attendu·e·s ({share} %)",
                arrived=f.arrived,
                expected=f.expected,
                share=share,
            )
        )
        self.labels["quarter"].setText(_("Arrivées par quart d'heure"))
        self.labels["category"].setText(_("Par catégorie (arrivé·e·s / attendu·e·s)"))
        self.labels["delegation"].setText(_("Par délégation (arrivé·e·s / attendu·e·s)"))
        self.labels["no_shows"].setText(_("Pas encore arrivé·e·s : {n}", n=len(f.no_shows)))
        self.no_shows.setAccessibleName(_("Personnes pas encore arrivées"))
