"""A desk warm before the first person: the first badge of the morning no slower than the
hundredth.

The first badge a desk prints pays for everything loaded on first use: ReportLab parsing
and registering the TrueType fonts, the layout read and checked, the QR encoder imported
and its tables built, the logos decoded — and, through CUPS, ``lpstat`` and the scheduler
answering their first question. Measured at the peak's real pace, the first minute ran at
1.7 s from scan to PDF where the rest ran at about 1 s. So when the desk opens, one badge
of each configured layout is rendered to nowhere (an in-memory PDF, never a file) and each
CUPS queue is asked its state, off the window's thread (``ui/tasks.py``). Nothing here may
stop a desk from opening: every failure is logged, never raised.
"""

from __future__ import annotations

import importlib
import io
import logging
import time
from collections.abc import Callable, Iterable
from functools import partial

from checkin.event.model import EventConfig
from checkin.printing import cups
from checkin.printing.badge import BadgeRenderer, attendee_from
from checkin.printing.config import PrinterConfig
from checkin.printing.config import load as load_printers

log = logging.getLogger(__name__)


# Extension modules the badge path loads on first use (what ``warm`` would load).
LAZY_EXTENSIONS = ("zxingcpp",)


def preload() -> None:
    """Import, on the calling thread (the GUI's), the extension modules a badge loads lazily.

    Loading a shared library from a background thread while the GUI thread is inside the
    loading of a Qt library deadlocks: seen at a desk's start, the GUI thread loading
    QtMultimedia (its initialisation logs through our Python message handler, so it waits
    for the GIL while holding the loader's lock) and the warm-up loading ``zxingcpp``
    (holding the GIL, waiting for the loader's lock). Imported here first, nothing is
    loaded off the GUI thread."""
    for name in LAZY_EXTENSIONS:
        try:
            importlib.import_module(name)
        except ImportError:  # optional: the badge falls back to another QR encoder
            pass


def warm(event: EventConfig, printers: Iterable[PrinterConfig] | None = None) -> dict[str, float]:
    """Warm each badge layout and CUPS queue the desk prints to; milliseconds each took.

    ``printers`` defaults to the desk's configured printers. Never raises."""
    timings: dict[str, float] = {}
    try:
        configured = list(printers) if printers is not None else list(load_printers().values())
    except Exception as exc:  # a bad settings file is told by the window, not here
        log.warning("warm-up: printers not read: %s", exc)
        configured = []
    layouts = sorted({cfg.layout for cfg in configured if cfg.backend != "escpos"} or {"a6"})
    for layout in layouts:
        _timed(timings, f"badge:{layout}", partial(_render, event, layout))
    for cfg in configured:
        if cfg.backend == "cups":
            queue = cfg.target or cfg.name
            ask = partial(cups.check_enabled, queue, name=cfg.name, server=cfg.server)
            _timed(timings, f"cups:{queue}", ask)
    log.info("desk warmed: %s", ", ".join(f"{k} {v:.0f} ms" for k, v in timings.items()) or "nothing")
    return timings


def _timed(timings: dict[str, float], what: str, step: Callable[[], object]) -> None:
    started = time.perf_counter()
    try:
        step()
    except Exception as exc:  # a warm-up that fails costs the first badge its speed, no more
        log.warning("warm-up of %s failed: %s", what, exc)
        return
    timings[what] = (time.perf_counter() - started) * 1000


def _render(event: EventConfig, layout: str) -> None:
    """A badge of ``layout`` drawn into memory: fonts, layout, QR encoder and logos loaded."""
    person = attendee_from(
        {
            "first_name": "Élodie",
            "last_name": "De La Tour",
            "organisation": "Ville de Saint-Étienne",
            "function": "Adjointe au maire",
            "country": "France",
            "code": f"{event.walkin_prefix}WARMUP00",
            "category": event.categories[0].name if event.categories else "",
            "days": tuple(d.iso for d in event.days),
        }
    )
    BadgeRenderer(event, layout).render([person], io.BytesIO())
