"""Real X key events for the Xvfb tests: an X server, keyboard layouts, a scanner and a person.

* :class:`XServer` starts ``Xvfb -displayfd`` on a free display (``-noreset``: without it
  the server resets its keymap to US whenever its last client leaves, and ``setxkbmap``
  would seem to do nothing) and sets the desk's layout with ``setxkbmap``.
* :class:`Keymap` reads a layout from the system's xkb data with libxkbcommon (ctypes, the
  library Qt itself uses): for a character, the X keycode and the modifiers (Shift, AltGr)
  that type it *in that layout*. A scanner set to the US layout is played with the US
  keymap's keycodes whatever the desk's layout is — which is what makes the desk receive
  ``QICTé-…`` for ``AICT26-…`` on AZERTY, as a real scanner does.
* :class:`Typist` sends the events through XTEST (python-xlib) with the X server doing
  the waiting: each request carries its delay in milliseconds, so the gaps between keys
  are exact whatever the test process is doing. ``xdotool type`` is never used (it types
  the right text whatever the layout).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import time
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

SHIFT_KEYCODE = 50  # <LFSH>
ALTGR_KEYCODE = 108  # <RALT>: ISO_Level3_Shift on fr/de/be/ch, Alt_R on us
CONTROL_KEYCODE = 37  # <LCTL>
TERMINATOR_KEYCODES = {"enter": 36, "keypad-enter": 104, "tab": 23}
J_KEYCODE = 44  # <AC07>: "j" on all five layouts (Ctrl+J is LF)

# Dead keysyms → the combining mark they add.
_DEAD_MARKS = {0xFE50: "\u0300", 0xFE51: "\u0301", 0xFE52: "\u0302", 0xFE53: "\u0303", 0xFE57: "\u0308"}
_MASK_SHIFT = 0x1
_MASK_LOCK = 0x2
_MASK_MOD5 = 0x80  # LevelThree (AltGr)


def available() -> str:
    """Why the Xvfb tests cannot run here ("" when they can)."""
    for tool in ("Xvfb", "setxkbmap"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    try:
        import Xlib  # noqa: F401
    except ImportError:
        return "python-xlib is not installed"
    try:
        _lib()
    except OSError:
        return "libxkbcommon is not installed"
    return ""


class _Names(ctypes.Structure):
    _fields_ = [(n, ctypes.c_char_p) for n in ("rules", "model", "layout", "variant", "options")]


@cache
def _lib() -> Any:
    lib = ctypes.CDLL("libxkbcommon.so.0")
    lib.xkb_context_new.restype = ctypes.c_void_p
    lib.xkb_context_new.argtypes = [ctypes.c_int]
    lib.xkb_keymap_new_from_names.restype = ctypes.c_void_p
    lib.xkb_keymap_new_from_names.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Names), ctypes.c_int]
    for name in ("xkb_keymap_min_keycode", "xkb_keymap_max_keycode"):
        getattr(lib, name).argtypes = [ctypes.c_void_p]
        getattr(lib, name).restype = ctypes.c_uint32
    lib.xkb_keymap_num_levels_for_key.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint32]
    lib.xkb_keymap_key_get_syms_by_level.argtypes = [
        ctypes.c_void_p,
        ctypes.c_uint32,
        ctypes.c_uint32,
        ctypes.c_uint32,
        ctypes.POINTER(ctypes.POINTER(ctypes.c_uint32)),
    ]
    lib.xkb_keymap_key_get_mods_for_level.argtypes = [
        ctypes.c_void_p,
        ctypes.c_uint32,
        ctypes.c_uint32,
        ctypes.c_uint32,
        ctypes.POINTER(ctypes.c_uint32),
        ctypes.c_size_t,
    ]
    lib.xkb_keymap_key_get_mods_for_level.restype = ctypes.c_size_t
    lib.xkb_keysym_to_utf32.argtypes = [ctypes.c_uint32]
    lib.xkb_keysym_to_utf32.restype = ctypes.c_uint32
    return lib


@dataclass(frozen=True)
class Key:
    keycode: int
    shift: bool
    altgr: bool


class Keymap:
    """Character → the key (and modifiers) that types it in ``layout``, from xkb data."""

    def __init__(self, layout: str) -> None:
        self.layout = layout
        self.keys: dict[str, Key] = {}
        self.dead: dict[str, Key] = {}  # combining mark → the dead key that adds it
        lib = _lib()
        ctx = lib.xkb_context_new(0)
        names = _Names(b"evdev", b"pc105", layout.encode(), b"", b"")
        keymap = lib.xkb_keymap_new_from_names(ctx, ctypes.byref(names), 0)
        if not keymap:
            raise RuntimeError(f"no xkb keymap for layout {layout}")
        # Only the main block (digits row to the bottom letter row, space): a scanner never
        # uses the keypad's digits for text here, and some keysyms repeat there.
        for keycode in [*range(10, 22), *range(24, 36), *range(38, 50), *range(51, 62), 65, 94]:
            for level in range(lib.xkb_keymap_num_levels_for_key(keymap, keycode, 0)):
                syms = ctypes.POINTER(ctypes.c_uint32)()
                if lib.xkb_keymap_key_get_syms_by_level(keymap, keycode, 0, level, ctypes.byref(syms)) != 1:
                    continue
                mark = _DEAD_MARKS.get(syms[0])
                char = chr(lib.xkb_keysym_to_utf32(syms[0]) or 0)
                if mark is None and (not char.isprintable() or char in self.keys):
                    continue
                if mark is not None and mark in self.dead:
                    continue
                masks = (ctypes.c_uint32 * 8)()
                count = lib.xkb_keymap_key_get_mods_for_level(keymap, keycode, 0, level, masks, 8)
                usable = [m for m in masks[:count] if not m & _MASK_LOCK and not m & ~0x81]
                if not usable:
                    continue
                mask = min(usable)
                key = Key(keycode, bool(mask & _MASK_SHIFT), bool(mask & _MASK_MOD5))
                if mark is not None:
                    self.dead[mark] = key
                else:
                    self.keys[char] = key

    def key(self, char: str) -> Key:
        try:
            return self.keys[char]
        except KeyError:
            raise KeyError(f"{char!r} has no key in the {self.layout} layout") from None


@cache
def keymap(layout: str) -> Keymap:
    return Keymap(layout)


# An event: (press?, keycode, delay in ms before the server processes it)
Event = tuple[bool, int, int]


def scanner_events(text: str, layout: str, gap_ms: int, terminator: str = "enter") -> list[Event]:
    """The key events of a USB scanner set to ``layout`` typing ``text``: for each
    character a modifier press and the key press in one report, then the release; the
    scanner's inter-character delay between characters; then the terminator."""
    events: list[Event] = []
    km = keymap(layout)
    first = True
    for char in text:
        key = km.key(char)
        delay = 0 if first else gap_ms
        first = False
        mods = ([SHIFT_KEYCODE] if key.shift else []) + ([ALTGR_KEYCODE] if key.altgr else [])
        for mod in mods:
            events.append((True, mod, delay))
            delay = 0
        events.append((True, key.keycode, delay))
        events.append((False, key.keycode, 1))
        for mod in reversed(mods):
            events.append((False, mod, 0))
    if terminator in TERMINATOR_KEYCODES:
        code = TERMINATOR_KEYCODES[terminator]
        events += [(True, code, gap_ms), (False, code, 1)]
    elif terminator == "cr-lf":
        code = TERMINATOR_KEYCODES["enter"]
        events += [(True, code, gap_ms), (False, code, 1)]
        events += [(True, CONTROL_KEYCODE, gap_ms), (True, J_KEYCODE, 0), (False, J_KEYCODE, 1)]
        events += [(False, CONTROL_KEYCODE, 0)]
    return events


def person_events(text: str, layout: str, gaps_ms: list[int]) -> list[Event]:
    """A person typing on the laptop's own keyboard (its layout): Shift pressed a little
    before a capital, each key held 60–90 ms, ``gaps_ms`` (cycled) between key presses, a
    dead key then the letter where the layout has no key for it (``ë`` on AZERTY)."""
    km = keymap(layout)
    timeline: list[tuple[float, bool, int]] = []
    t = 0.0
    strokes: list[Key] = []
    for char in text:
        if char in km.keys:
            strokes.append(km.key(char))
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        if not marks or marks[0] not in km.dead:
            raise KeyError(f"{char!r} cannot be typed in the {layout} layout")
        strokes += [km.dead[marks[0]], km.key(base)]
    for i, key in enumerate(strokes):
        if i:
            t += gaps_ms[i % len(gaps_ms)]
        hold = 60 + (i * 7) % 30
        mods = ([SHIFT_KEYCODE] if key.shift else []) + ([ALTGR_KEYCODE] if key.altgr else [])
        for mod in mods:
            timeline.append((t - 30, True, mod))
            timeline.append((t + hold + 5, False, mod))
        timeline.append((t, True, key.keycode))
        timeline.append((t + hold, False, key.keycode))
    timeline.sort(key=lambda e: e[0])
    events: list[Event] = []
    previous = timeline[0][0] if timeline else 0.0
    for at, press, keycode in timeline:
        events.append((press, keycode, round(at - previous)))
        previous = at
    return events


def _raise_priority() -> None:
    """Run ahead of the machine's other work where we may (root in CI). The X server
    stamps each key when it reads it: starved by a loaded machine, it stamps keys sent
    2 ms apart 300 ms apart, which no scanner on a laptop's own display server does."""
    try:
        os.nice(-10)
    except OSError:
        pass


def _realtime() -> None:
    """The X server alone: a real-time priority where allowed (it sleeps between events,
    so it takes nothing from the rest), else a raised one."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
    except (OSError, AttributeError):
        _raise_priority()


class XServer:
    """An Xvfb of our own on a free display, until :meth:`stop`."""

    def __init__(self, width: int = 1366, height: int = 768) -> None:
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write),
                "-noreset",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
                f"{width}x{height}x24",
            ],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_realtime,
        )
        os.close(write)
        number = b""
        deadline = time.monotonic() + 20
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(read, 16)
            if not chunk:
                break
            number += chunk
        os.close(read)
        if not number.strip():
            self.proc.kill()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{int(number)}"
        self.layout = ""

    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display}

    def set_layout(self, layout: str) -> None:
        subprocess.run(["setxkbmap", "-layout", layout], env=self.env(), check=True, timeout=30)
        out = subprocess.run(
            ["setxkbmap", "-query"], env=self.env(), check=True, timeout=30, capture_output=True, text=True
        ).stdout
        assert f"layout:     {layout}" in out, out
        self.layout = layout

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Typist:
    """Sends key events to the X server through XTEST, timed by the server."""

    def __init__(self, display: str) -> None:
        from Xlib import display as xdisplay

        self.conn = xdisplay.Display(display)
        if not self.conn.has_extension("XTEST"):
            raise RuntimeError("the X server has no XTEST")

    def send(self, events: list[Event]) -> None:
        from Xlib import X
        from Xlib.ext import xtest

        for press, keycode, delay in events:
            # XTEST's time field is a delay: the server waits that long before it
            # processes the event (and this client's next requests).
            xtest.fake_input(self.conn, X.KeyPress if press else X.KeyRelease, keycode, time=delay)
        self.conn.sync()

    def close(self) -> None:
        self.conn.close()
