"""Work off the window's thread: its outcome reaches the widget that asked, unless that
widget is gone by then (the desk closed) — then it is logged, never handed to a deleted
object ("Internal C++ object already deleted" was the crash path)."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from checkin.ui import tasks
from checkin.ui.qt import QApplication, QLabel


class Shown(QLabel):
    def show_result(self, value: str) -> None:
        self.setText(value)


def _count_when(release: threading.Event, label: Shown) -> tasks._Relay:
    """A count that ends once ``release`` is set, shown by the label's own method."""
    return tasks.run(lambda: (release.wait(10), "42 arrivées")[1], label.show_result)


def test_the_outcome_reaches_the_widget_whose_method_asked(qapp: Any, qtbot: Any) -> None:
    label = Shown()
    done = threading.Event()
    done.set()
    _count_when(done, label)
    qtbot.waitUntil(lambda: label.text() == "42 arrivées", timeout=5000)


def test_an_outcome_after_the_widget_is_gone_is_logged_not_handed_to_it(
    qapp: Any, qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    label = Shown()
    release = threading.Event()
    relay = _count_when(release, label)  # no owner given: the label's own method
    label.deleteLater()
    QApplication.processEvents()
    QApplication.sendPostedEvents(None, 0)  # the deferred delete, now
    caplog.set_level(logging.INFO, logger="checkin.ui.tasks")
    with qtbot.waitSignal(relay.done, timeout=5000):
        release.set()
    QApplication.processEvents()
    assert "background task ended after its window closed" in caplog.text
