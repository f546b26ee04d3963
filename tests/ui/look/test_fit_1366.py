"""At 1366×768 — the laptops the desks get — nothing in the header or the status bar is cut:
the event's name and the status bar's day (in its longest form, out of the event's days)
are drawn whole (issue 20, item 8)."""

from __future__ import annotations

from datetime import date
from typing import Any


def _whole(label: Any) -> bool:
    """The label is as wide as its text plus its style's padding (its size hint)."""
    return bool(label.width() >= label.sizeHint().width() and label.width() > 0)


def test_title_and_day_are_whole_at_1366(desk: Any, qtbot: Any) -> None:
    w = desk.window
    w.status.today = lambda: date(2026, 12, 6)  # outside the event: the day's longest text
    w.status.paint()
    qtbot.waitUntil(lambda: "hors événement" in w.status.day.text())
    w.resize(1366, 768)
    qtbot.waitUntil(lambda: w.width() == 1366)
    w.centralWidget().layout().activate()
    w.statusBar().layout().activate()
    title = w.nav.title
    assert title.width() >= title.fontMetrics().horizontalAdvance(title.text())
    assert _whole(w.status.day), (w.status.day.width(), w.status.day.sizeHint().width())
    for label in (w.status.desk, w.status.counts, w.printers.label, w.status.backup):
        assert _whole(label), label.text()
