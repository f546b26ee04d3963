"""How fast badges render and print, measured (never asserted in timed tests).

Three figures: the median time of one badge (a PDF in memory, what a desk prints), badges
per second for a batch on 4×A6 sheets with the vector QR path — side by side with the
common approach (one ReportLab ``QrCodeWidget`` per badge) in the same run — and the delay
from enqueueing a job to the back-end receiving it.
"""

from __future__ import annotations

import io
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from checkin.event import model as event_mod
from checkin.printing.badge import BadgeRenderer, qr_runs, shape
from checkin.printing.queue import PdfBadgeRenderer, PrintQueue
from checkin.printing.sheets import render_sheets
from checkin.replica import attendees
from checkin.replica.db import open_replica


class _TimingBackend:
    """Records when each job reaches it; prints nothing."""

    name = "bench"

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.event = threading.Event()

    def submit(self, data: bytes, *, job_id: str, title: str, media: str) -> str:
        self.arrived[job_id] = time.perf_counter()
        self.event.set()
        return job_id

    def already_done(self, job_id: str) -> bool:
        return job_id in self.arrived


def _people(folder: Path, n: int) -> tuple[Any, list[attendees.AttendeeView]]:
    from checkin.demo import synthetic
    from checkin.importer import import_file

    ev = event_mod.load()
    export = synthetic.write_export(folder / "export.csv", n, ev)
    replica = open_replica(folder / "bench.sqlite")
    import_file(replica, ev, export)
    with replica.read() as conn:
        people = attendees.all_live(conn)
    return replica, people


def run(n: int = 1000) -> dict[str, Any]:
    ev = event_mod.load()
    with tempfile.TemporaryDirectory() as tmp:
        replica, people = _people(Path(tmp), n)
        people = people[:n]
        renderer = BadgeRenderer(ev, "a6")
        renderer.render(people[:5], io.BytesIO())  # fonts loaded and registered once

        # one badge, cold caches for its strings (a new person at the desk)
        single: list[float] = []
        for person in people[5:105]:
            shape.cache_clear()
            qr_runs.cache_clear()
            t0 = time.perf_counter()
            renderer.render([person], io.BytesIO())
            single.append((time.perf_counter() - t0) * 1000)

        shape.cache_clear()
        qr_runs.cache_clear()
        t0 = time.perf_counter()
        fast = render_sheets(people, ev, io.BytesIO(), sheet="a4-4xa6")
        fast_s = time.perf_counter() - t0

        widget_n = min(len(people), 250)
        shape.cache_clear()
        t0 = time.perf_counter()
        render_sheets(people[:widget_n], ev, io.BytesIO(), sheet="a4-4xa6", qr="widget")
        widget_s = time.perf_counter() - t0

        backend = _TimingBackend()
        queue = PrintQueue(replica, {"bench": backend}, PdfBadgeRenderer(ev), timeout=10)
        queue.start()
        handoff: list[float] = []
        try:
            for person in people[200:230]:
                backend.event.clear()
                t0 = time.perf_counter()
                job_id = queue.enqueue_badge(person.uid, desk="bench")
                backend.event.wait(10)
                handoff.append((backend.arrived[job_id] - t0) * 1000)
        finally:
            queue.stop()
            replica.close()

    fast_rate = fast.badges / fast_s
    widget_rate = widget_n / widget_s
    return {
        "badges": len(people),
        "single_badge_ms_median": round(statistics.median(single), 2),
        "single_badge_ms_p95": round(sorted(single)[int(len(single) * 0.95) - 1], 2),
        "batch_4xa6_badges_per_s": round(fast_rate, 1),
        "batch_4xa6_widget_badges_per_s": round(widget_rate, 1),
        "widget_sample": widget_n,
        "speedup_vs_widget": round(fast_rate / widget_rate, 2),
        "enqueue_to_handoff_ms_median": round(statistics.median(handoff), 2),
        "enqueue_to_handoff_ms_max": round(max(handoff), 2),
    }
