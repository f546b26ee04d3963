"""Telling a keyboard-wedge scanner from a person, wherever the focus is.

A USB scanner in keyboard mode is a keyboard: it sends key *positions* for the layout it
was set to, with a Shift press before each capital (AltGr, Caps Lock toggles or a dead
key of the desk's layout when its characters need them), 2–50 ms apart, then a terminator
(Enter, keypad Enter, Tab, CR LF) or nothing at all. The desk listens to every key event of
the application (an event filter on ``QApplication``) and works on the events' own
timestamps, so a busy GUI thread that receives a whole burst at once changes nothing.

**A person never waits.** The first key of anything is delivered at once; the widget's
state is noted just before (text and cursor of a field, index of a list or combo box…).
Only when a second key follows within ``max_gap_ms`` (faster than people type) is a burst
*likely*: from then on keys are held. Then either

* the burst ends with a terminator and has at least ``min_length`` characters, or ends by
  an idle gap with at least ``min_length_idle`` (scanners set to send no terminator): it is
  a **scan** — the held keys are dropped, the first key is taken back (the widget's state
  restored), trailing terminator keys (the LF of CR LF) are swallowed, and
  :attr:`BurstFilter.captured` / :attr:`BurstFilter.scanned` are emitted;
* or it is not (a fast pair of keys, a short burst): the held keys are given back, in
  order, to the widget that had the focus.

Modifier presses and releases (Shift, AltGr / ISO_Level3_Shift, Caps Lock, …) and key
releases never end a burst; keys that cannot belong to a scan (arrows, Backspace,
Escape, F-keys, shortcuts with Ctrl or Meta, auto-repeat) end it.

Dead keys. On X11 a text field's input context composes a dead key with the next key
before the application sees them: the dead key's press never arrives (only its release),
the composed character comes as a ``QInputMethodEvent`` — and it is delivered *before* key
presses that were queued earlier. Elsewhere (a button has the focus) the dead key's press
arrives with no text and the next key arrives plain. The filter rebuilds one text from
either stream, in the order of the keys' timestamps: a composed character where the dead
key composes (``^`` + ``e`` → ``ê``), the dead key's own sign and the character where it
does not (``´`` + ``7`` → ``´7``, as Windows and macOS type it). See ARCHITECTURE.md for
what each platform delivers.
"""

from __future__ import annotations

import itertools
import logging
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from checkin.ui.qt import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QEvent,
    QInputMethodEvent,
    QKeyEvent,
    QLineEdit,
    QObject,
    QPersistentModelIndex,
    QPlainTextEdit,
    Qt,
    QTextEdit,
    QTimer,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)

K = Qt.Key
_MODIFIER_KEYS = {
    K.Key_Shift,
    K.Key_Control,
    K.Key_Meta,
    K.Key_Alt,
    K.Key_AltGr,
    K.Key_CapsLock,
    K.Key_NumLock,
    K.Key_ScrollLock,
    K.Key_Super_L,
    K.Key_Super_R,
    K.Key_Hyper_L,
    K.Key_Hyper_R,
    K.Key_Mode_switch,
}
_TERMINATORS = {K.Key_Return: "enter", K.Key_Enter: "keypad-enter", K.Key_Tab: "tab"}
# Control characters some scanners send as Ctrl+letter: CR = Ctrl+M, LF = Ctrl+J.
_CONTROL_TERMINATORS = {K.Key_M: "cr", K.Key_J: "lf"}
_TERMINATOR_TEXT = {"\r": "cr", "\n": "lf", "\t": "tab"}
_CTRL = Qt.KeyboardModifier.ControlModifier
_ALT = Qt.KeyboardModifier.AltModifier
_META = Qt.KeyboardModifier.MetaModifier

# Dead keys: Qt key → the combining mark it adds and the sign it types on its own.
DEAD_KEYS: dict[int, tuple[str, str]] = {
    K.Key_Dead_Grave: ("\u0300", "`"),
    K.Key_Dead_Acute: ("\u0301", "´"),
    K.Key_Dead_Circumflex: ("\u0302", "^"),
    K.Key_Dead_Tilde: ("\u0303", "~"),
    K.Key_Dead_Macron: ("\u0304", "¯"),
    K.Key_Dead_Breve: ("\u0306", "˘"),
    K.Key_Dead_Abovedot: ("\u0307", "˙"),
    K.Key_Dead_Diaeresis: ("\u0308", "¨"),
    K.Key_Dead_Abovering: ("\u030a", "°"),
    K.Key_Dead_Doubleacute: ("\u030b", "˝"),
    K.Key_Dead_Caron: ("\u030c", "ˇ"),
    K.Key_Dead_Cedilla: ("\u0327", "¸"),
    K.Key_Dead_Ogonek: ("\u0328", "˛"),
}


def is_dead_key(key: int) -> bool:
    return K.Key_Dead_Grave <= key <= K.Key_Dead_Longsolidusoverlay


def compose(dead: int, text: str) -> str:
    """What a dead key followed by ``text`` types: the composed character when there is
    one, else the dead key's own sign and the text (as Windows and macOS type it)."""
    mark, sign = DEAD_KEYS.get(dead, ("", ""))
    if text == " ":
        return sign
    if mark and len(text) == 1:
        composed = unicodedata.normalize("NFC", text + mark)
        if len(composed) == 1:
            return composed
    return sign + text


@dataclass
class BurstConfig:
    # Scanners type 2–50 ms apart (their inter-character delay), plus the timestamps'
    # jitter on a busy laptop; people 100 ms and more (see checkin.base.settings).
    max_gap_ms: float = 80.0
    min_length: int = 4  # characters before a terminator
    min_length_idle: int = 6  # characters of a burst ended by an idle gap (no terminator)
    # Silence (on the GUI thread's clock) that ends a scan sent without terminator. Longer
    # than a gap: a desk busy for a moment must not cut such a scan in two.
    idle_scan_ms: float = 200.0
    max_length: int = 2048


@dataclass
class Stroke:
    """One key (or composed character) of a burst, with what Qt said about it."""

    kind: str  # "char", "dead", "composed"
    text: str
    stamp: float
    seq: int
    key: int = 0
    modifiers: int = 0
    scan_code: int = 0
    virtual_key: int = 0
    native_modifiers: int = 0
    held: bool = False  # swallowed (given back later if this is no scan)
    placed: bool = True  # composed: its position known from its key's release


@dataclass
class Burst:
    """A recognised scan: the text and how the scanner typed it (for the scanner check)."""

    text: str
    terminator: str  # enter, keypad-enter, tab, cr, lf, cr-lf, or "" (idle gap)
    strokes: list[Stroke]
    modifiers: list[str] = field(default_factory=list)  # modifier keys pressed, in order
    focus: str = ""  # the class of the widget that had the focus

    @property
    def gaps_ms(self) -> list[float]:
        stamps = [s.stamp for s in self.strokes]
        return [round(b - a, 1) for a, b in itertools.pairwise(stamps)]

    @property
    def duration_ms(self) -> float:
        return round(self.strokes[-1].stamp - self.strokes[0].stamp, 1) if self.strokes else 0.0

    @property
    def platform(self) -> str:
        return QApplication.platformName() if QApplication.instance() else ""


# -- taking the first key back --------------------------------------------------------
def snapshot(widget: QWidget) -> Callable[[], None] | None:
    """A function that puts ``widget`` back as it is now (None: nothing a key changes)."""
    if isinstance(widget, QLineEdit):
        text, cursor = widget.text(), widget.cursorPosition()
        start, length = widget.selectionStart(), len(widget.selectedText())

        def restore_line() -> None:
            if widget.text() != text:
                widget.setText(text)
            if start >= 0 and length:
                widget.setSelection(start, length)
            else:
                widget.setCursorPosition(cursor)

        return restore_line
    if isinstance(widget, QAbstractSpinBox):
        inner = widget.findChild(QLineEdit)
        return snapshot(inner) if inner is not None else None
    if isinstance(widget, QComboBox):
        index = widget.currentIndex()
        edit = widget.lineEdit()
        edited = snapshot(edit) if edit is not None else None

        def restore_combo() -> None:
            if widget.currentIndex() != index:
                widget.setCurrentIndex(index)
            if edited is not None:
                edited()

        return restore_combo
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        plain = widget.toPlainText()
        position = widget.textCursor().position()

        def restore_text() -> None:
            if widget.toPlainText() != plain:
                widget.setPlainText(plain)
                cursor = widget.textCursor()
                cursor.setPosition(min(position, len(plain)))
                widget.setTextCursor(cursor)

        return restore_text
    if isinstance(widget, QAbstractItemView):
        current = QPersistentModelIndex(widget.currentIndex())

        def restore_view() -> None:
            if current.isValid() and widget.currentIndex() != current:
                widget.setCurrentIndex(
                    widget.model().index(current.row(), current.column(), current.parent())
                )

        return restore_view
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        checked = widget.isChecked()
        return lambda: widget.setChecked(checked)
    return None


def _alive(widget: QWidget | None) -> bool:
    if widget is None:
        return False
    try:
        widget.objectName()
    except RuntimeError:  # deleted meanwhile
        return False
    return True


@dataclass
class _Open:
    """The burst being typed."""

    target: QWidget
    undo: Callable[[], None] | None
    last: float  # the newest event stamp of the burst
    strokes: list[Stroke] = field(default_factory=list)
    modifiers: list[str] = field(default_factory=list)
    pressed: set[int] = field(default_factory=set)  # scan codes whose press we saw
    released: bool = False  # held keys were given back (an idle gap that was not one)
    estimated: bool = False  # opened by input-method text, whose time is an estimate
    seen: float = 0.0  # when the newest event of the burst was read (the GUI thread's clock)

    @property
    def characters(self) -> int:
        return sum(1 for s in self.strokes if s.kind != "dead")


class BurstFilter(QObject):
    """Application-wide key filter that turns scanner bursts into :attr:`scanned`."""

    scanned = Signal(str)
    captured = Signal(object)  # the Burst, emitted before ``scanned``

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
        self._open: _Open | None = None
        self._seq = 0
        self._offset: float | None = None  # clock − event stamp, to place input-method text
        self._trailing_until = -1.0  # after a scan: swallow the rest of its terminator
        self._trailing_kind = ""
        self._last_burst: Burst | None = None
        self._replaying = False
        self.enabled = True
        self._idle_due = 0.0
        self._confirming = False
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._on_idle)

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def uninstall(self, app: QApplication) -> None:
        self.flush()
        app.removeEventFilter(self)

    @property
    def pending(self) -> str:
        """What is held right now (for tests and the benchmark)."""
        if self._open is None:
            return ""
        return "".join(s.text for s in self._open.strokes if s.held)

    # -- the filter -------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if self._replaying or not self.enabled:
            return False
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.InputMethod):
            return False
        # A key event ignored by a widget travels to its parents through this filter
        # again: only the first delivery (to the focused widget, or the window when
        # nothing has the focus) counts.
        focus = QApplication.focusWidget()
        if not isinstance(obj, QWidget) or (obj is not focus and not (focus is None and obj.isWindow())):
            return False
        if kind == QEvent.Type.InputMethod:
            assert isinstance(event, QInputMethodEvent)
            return self._on_commit(obj, event)
        assert isinstance(event, QKeyEvent)
        stamp = self._stamp(event)
        if kind == QEvent.Type.KeyRelease:
            self._on_release(event, stamp)
            return False
        return self._on_press(obj, event, stamp)

    def _stamp(self, event: QKeyEvent) -> float:
        now = self._clock()
        given = float(event.timestamp())
        if not given:
            return now
        self._offset = now - given
        return given

    def _continues(self, stamp: float) -> bool:
        """Whether an event stamped ``stamp`` belongs to the open burst. Key timestamps
        only grow; a burst opened by input-method text has an estimated time, which the
        keys queued ahead of it may precede by the GUI thread's delay."""
        burst = self._open
        if burst is None:
            return False
        gap = stamp - burst.last
        early = 1000.0 if burst.estimated else self.config.max_gap_ms
        return -early <= gap <= self._tolerance()

    def _tolerance(self) -> float:
        """The longest gap the open burst may still have. Once a few keys have come at a
        scanner's pace, a gap is judged against that pace (2.5 times the median gap, at
        most twice ``max_gap_ms``): a 40 ms scanner on a loaded laptop whose display
        server stamps one key 90 ms after the other is still one burst, while a person
        (never three keys within ``max_gap_ms``) gets no such allowance."""
        limit = self.config.max_gap_ms
        burst = self._open
        if burst is None:
            return limit
        stamps = sorted(s.stamp for s in burst.strokes)
        if len(stamps) < 3:
            return limit
        gaps = sorted(b - a for a, b in itertools.pairwise(stamps))
        median = gaps[len(gaps) // 2]
        return min(max(limit, 2.5 * median), 2 * limit)

    def _arm(self, interval: float | None = None) -> None:
        if interval is None and self._open is not None:
            self._open.seen = self._clock()
        wait = interval if interval is not None else self._tolerance() + 20
        self._idle_due = self._clock() + wait
        self._confirming = interval is not None
        self._idle.start(int(wait))

    # -- presses ----------------------------------------------------------------------
    def _on_press(self, obj: QWidget, event: QKeyEvent, stamp: float) -> bool:
        key = event.key()
        mods = event.modifiers()
        text = event.text()
        if stamp <= self._trailing_until and self._terminator_kind(event):
            self._trailing_until = -1.0
            if self._last_burst is not None and self._last_burst.terminator == "enter":
                self._last_burst.terminator = "cr-lf"
            return True  # the LF of CR LF: part of the scan that just ended
        if key in _MODIFIER_KEYS:
            if self._continues(stamp):
                assert self._open is not None
                self._open.last = max(self._open.last, stamp)
                self._open.modifiers.append(Qt.Key(key).name.removeprefix("Key_"))
                self._arm()
            return False
        if event.isAutoRepeat():
            self.flush()
            return False
        terminator = self._terminator_kind(event)
        if terminator:
            return self._on_terminator(terminator, stamp)
        dead = is_dead_key(key) and not text
        printable = bool(text) and text.isprintable()
        # AltGr is Ctrl+Alt on Windows: a character typed with it is still a character.
        shortcut = bool(mods & _META) or (bool(mods & _CTRL) and not mods & _ALT)
        if not (printable or dead) or shortcut:
            self.flush()  # arrows, Backspace, Escape, F-keys, shortcuts: a person
            return False
        if self._continues(stamp):
            burst = self._open
            assert burst is not None
            if burst.characters >= self.config.max_length:
                self.flush()
                return self._start(obj, event, stamp)
            burst.strokes.append(self._stroke(event, stamp, "dead" if dead else "char", held=True))
            burst.pressed.add(event.nativeScanCode())
            burst.last = stamp if burst.estimated else max(burst.last, stamp)
            burst.estimated = False
            self._arm()
            return True
        self._end_idle()
        if mods & _ALT and not mods & _CTRL:
            return False  # Alt+letter: a mnemonic, never the start of a scan
        return self._start(obj, event, stamp)

    def _start(self, obj: QWidget, event: QKeyEvent, stamp: float) -> bool:
        dead = is_dead_key(event.key()) and not event.text()
        burst = _Open(obj, snapshot(obj), stamp)
        burst.strokes.append(self._stroke(event, stamp, "dead" if dead else "char", held=False))
        burst.pressed.add(event.nativeScanCode())
        self._open = burst
        self._arm()
        return False  # the first key goes through at once

    def _stroke(self, event: QKeyEvent, stamp: float, kind: str, *, held: bool) -> Stroke:
        self._seq += 1
        return Stroke(
            kind,
            event.text(),
            stamp,
            self._seq,
            event.key(),
            event.modifiers().value,
            event.nativeScanCode(),
            event.nativeVirtualKey(),
            event.nativeModifiers(),
            held=held,
        )

    @staticmethod
    def _terminator_kind(event: QKeyEvent) -> str:
        key = event.key()
        mods = event.modifiers()
        if key in _TERMINATORS and not mods & (_CTRL | _ALT | _META):
            return _TERMINATORS[Qt.Key(key)]
        if mods & _CTRL and not mods & _ALT and key in _CONTROL_TERMINATORS:
            return _CONTROL_TERMINATORS[Qt.Key(key)]
        return _TERMINATOR_TEXT.get(event.text(), "")

    def _on_terminator(self, kind: str, stamp: float) -> bool:
        burst = self._open
        if burst is not None and self._continues(stamp) and burst.characters >= self.config.min_length:
            self._trailing_until = stamp + self.config.max_gap_ms
            self._emit(kind)
            return True
        self.flush()
        return False

    # -- releases and input-method text -------------------------------------------------
    def _on_release(self, event: QKeyEvent, stamp: float) -> None:
        burst = self._open
        if burst is None or not self._continues(stamp) or event.isAutoRepeat():
            return
        burst.last = max(burst.last, stamp)
        code = event.nativeScanCode()
        key = event.key()
        if code in burst.pressed:
            burst.pressed.discard(code)
        elif key not in _MODIFIER_KEYS and code:
            # A key whose press never came: an input method took it (a dead key, or the
            # key it composed with). Its release tells where it was in the burst.
            if is_dead_key(key):
                burst.strokes.append(self._stroke(event, stamp - 0.5, "dead", held=True))
            else:
                waiting = [s for s in burst.strokes if s.kind == "composed" and not s.placed]
                if waiting:
                    waiting[0].stamp = stamp - 0.5
                    waiting[0].placed = True
        self._arm()

    def _on_commit(self, obj: QWidget, event: QInputMethodEvent) -> bool:
        text = event.commitString()
        if not text or event.preeditString():
            return False
        now = self._clock()
        stamp = now - self._offset if self._offset is not None else now
        burst = self._open
        self._seq += 1
        if burst is not None and self._continues(stamp):
            last = max(s.stamp for s in burst.strokes)
            burst.strokes.append(
                Stroke("composed", text, max(last, stamp), self._seq, held=True, placed=False)
            )
            burst.last = max(burst.last, stamp)
            self._arm()
            return True
        self._end_idle()
        self._open = _Open(obj, snapshot(obj), stamp, estimated=True)
        self._open.strokes.append(Stroke("composed", text, stamp, self._seq, held=False, placed=False))
        self._arm()
        return False

    # -- ending a burst -----------------------------------------------------------------
    def _on_idle(self) -> None:
        burst = self._open
        if burst is None:
            return
        # The timer runs on the GUI thread's clock, the keys on the platform's. When the
        # GUI thread was busy, keys typed meanwhile may be waiting behind this timer:
        # wait once more, briefly, so they are read before the burst is called finished.
        late = self._clock() - self._idle_due
        if not self._confirming or late > 10:
            self._arm(15)
            return
        self._settle()

    def _settle(self, *, forced: bool = False) -> None:
        burst = self._open
        if burst is None:
            return
        if burst.characters >= self.config.min_length_idle and not burst.released:
            silent = self._clock() - burst.seen
            if not forced and silent < self.config.idle_scan_ms:
                self._arm(self.config.idle_scan_ms - silent)
                return
            self._emit("")
        else:
            self._give_back()

    def _end_idle(self) -> None:
        """A new key came after a gap: settle the burst before it (if the idle timer has
        not had its turn yet, the GUI thread being busy)."""
        self._idle.stop()
        if self._open is not None:
            self._settle(forced=True)
        self._open = None

    def _emit(self, terminator: str) -> None:
        burst = self._open
        assert burst is not None
        self._idle.stop()
        self._open = None
        if burst.undo is not None and _alive(burst.target):
            burst.undo()
        result = Burst(
            assemble(burst.strokes),
            terminator,
            sorted(burst.strokes, key=lambda s: (s.stamp, s.seq)),
            burst.modifiers,
            type(burst.target).__name__ if _alive(burst.target) else "",
        )
        self._last_burst = result
        log.debug("scanner burst of %d characters, terminator %r", len(result.text), terminator)
        self.captured.emit(result)
        self.scanned.emit(result.text)

    def flush(self) -> None:
        """Give held keys back, in order, to the widget that had the focus; forget the burst."""
        self._idle.stop()
        if self._open is not None:
            self._give_back()
        self._open = None

    def _give_back(self) -> None:
        burst = self._open
        if burst is None:
            return
        held = sorted((s for s in burst.strokes if s.held), key=lambda s: (s.stamp, s.seq))
        for stroke in held:
            stroke.held = False
        burst.released = True
        if not held or not _alive(burst.target):
            return
        self._replaying = True
        try:
            for stroke in held:
                if stroke.kind == "composed":
                    commit = QInputMethodEvent()
                    commit.setCommitString(stroke.text)
                    QApplication.sendEvent(burst.target, commit)
                else:
                    press = QKeyEvent(
                        QEvent.Type.KeyPress,
                        stroke.key,
                        Qt.KeyboardModifier(stroke.modifiers),
                        stroke.scan_code,
                        stroke.virtual_key,
                        stroke.native_modifiers,
                        stroke.text,
                    )
                    QApplication.sendEvent(burst.target, press)
        finally:
            self._replaying = False


def assemble(strokes: list[Stroke]) -> str:
    """The burst's text in the order the keys were typed, dead keys composed."""
    out: list[str] = []
    dead: Stroke | None = None
    for stroke in sorted(strokes, key=lambda s: (s.stamp, s.seq)):
        if stroke.kind == "dead":
            if dead is not None:
                out.append(DEAD_KEYS.get(dead.key, ("", ""))[1])
            dead = stroke
            continue
        if dead is not None:
            # An input method composed it already (the dead key is in the composed text).
            out.append(stroke.text if stroke.kind == "composed" else compose(dead.key, stroke.text))
            dead = None
            continue
        out.append(stroke.text)
    if dead is not None:
        out.append(DEAD_KEYS.get(dead.key, ("", ""))[1])
    return "".join(out)


def describe(burst: Any) -> dict[str, Any]:
    """A burst as plain data (logs, the scanner check, the Xvfb tests)."""
    return {
        "text": burst.text,
        "terminator": burst.terminator,
        "gaps_ms": burst.gaps_ms,
        "duration_ms": burst.duration_ms,
        "first_ms": burst.strokes[0].stamp if burst.strokes else 0,
        "last_ms": burst.strokes[-1].stamp if burst.strokes else 0,
        "modifiers": list(burst.modifiers),
        "focus": burst.focus,
        "keys": [[s.kind, s.text, s.scan_code, s.virtual_key] for s in burst.strokes],
    }
