"""Telling a keyboard-wedge scanner from a person, wherever the focus is.

A USB scanner in keyboard mode "types" a code and a terminator (Enter, Tab, CR/LF) into
whichever widget has the focus. Volunteers leave the focus in the search box, on a button,
in a dialog — so the desk listens to every key press of the application (an event filter
on ``QApplication``) and holds printable keys for a few milliseconds:

* keys that come faster than a person types (every gap ≤ ``max_gap_ms``), at least
  ``min_length`` of them, ending with a terminator, are a **scan**: they are swallowed (no
  text stays in the focused field) and :attr:`BurstFilter.scanned` is emitted;
* anything else is given back, in order, to the widget that had the focus, so a person's
  typing, arrows and shortcuts behave as usual (at most ``max_gap_ms`` late).

The timing comes from each event's timestamp (or an injectable clock when the platform
gives none), so tests replay bursts deterministically.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from checkin.ui.qt import QApplication, QEvent, QKeyEvent, QObject, Qt, QTimer, QWidget, Signal

log = logging.getLogger(__name__)

_TERMINATOR_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab}
_TERMINATOR_TEXT = {"\r", "\n", "\t"}
_SHORTCUT_MODS = (
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
)


@dataclass
class _Held:
    """A key press held back while we wait to know if it belongs to a burst."""

    target: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    stamp: float


@dataclass
class BurstConfig:
    max_gap_ms: float = 40.0  # scanners: 1–20 ms between keys; people: 80 ms and more
    min_length: int = 4
    max_length: int = 512


@dataclass
class _Buffer:
    keys: list[_Held] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(k.text for k in self.keys)

    def clear(self) -> None:
        self.keys.clear()


def is_terminator(event: QKeyEvent) -> bool:
    return Qt.Key(event.key()) in _TERMINATOR_KEYS or event.text() in _TERMINATOR_TEXT


class BurstFilter(QObject):
    """Application-wide key filter that turns scanner bursts into :attr:`scanned`."""

    scanned = Signal(str)

    def __init__(
        self,
        config: BurstConfig | None = None,
        *,
        clock: Callable[[], float] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.config = config or BurstConfig()
        self._clock = clock or (lambda: time.monotonic() * 1000.0)
        self._buffer = _Buffer()
        self._replaying = False
        self.enabled = True
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self.flush)

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def uninstall(self, app: QApplication) -> None:
        self.flush()
        app.removeEventFilter(self)

    # -- the filter -------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if self._replaying or not self.enabled or event.type() != QEvent.Type.KeyPress:
            return False
        if not isinstance(obj, QWidget) or not isinstance(event, QKeyEvent):
            return False
        # A key event ignored by a widget travels to its parents through this filter
        # again: only the first delivery (to the focused widget, or the window when
        # nothing has the focus) counts.
        focus = QApplication.focusWidget()
        if obj is not focus and not (focus is None and obj.isWindow()):
            return False
        stamp = float(event.timestamp()) or self._clock()
        if is_terminator(event):
            return self._on_terminator(stamp)
        text = event.text()
        printable = len(text) == 1 and text.isprintable()
        if not printable or event.modifiers() & _SHORTCUT_MODS or event.isAutoRepeat():
            self.flush()
            return False
        if self._buffer.keys and not 0 <= stamp - self._buffer.keys[-1].stamp <= self.config.max_gap_ms:
            self.flush()
        if len(self._buffer.keys) >= self.config.max_length:
            self.flush()
        self._buffer.keys.append(_Held(obj, event.key(), event.modifiers(), text, stamp))
        self._flush_timer.start(int(self.config.max_gap_ms) + 1)
        return True

    def _on_terminator(self, stamp: float) -> bool:
        keys = self._buffer.keys
        if len(keys) >= self.config.min_length and 0 <= stamp - keys[-1].stamp <= self.config.max_gap_ms:
            text = self._buffer.text
            self._buffer.clear()
            self._flush_timer.stop()
            log.debug("scanner burst of %d characters", len(text))
            self.scanned.emit(text)
            return True
        self.flush()
        return False

    def flush(self) -> None:
        """Give held keys back, in order, to the widget that had the focus."""
        self._flush_timer.stop()
        if not self._buffer.keys:
            return
        held = list(self._buffer.keys)
        self._buffer.clear()
        self._replaying = True
        try:
            for key in held:
                try:
                    target_alive = key.target.isVisible() or key.target.parent() is not None
                except RuntimeError:  # the widget was deleted meanwhile
                    target_alive = False
                if not target_alive:
                    continue
                press = QKeyEvent(QEvent.Type.KeyPress, key.key, key.modifiers, key.text)
                QApplication.sendEvent(key.target, press)
        finally:
            self._replaying = False

    @property
    def pending(self) -> str:
        """What is held right now (for tests and the benchmark)."""
        return self._buffer.text
