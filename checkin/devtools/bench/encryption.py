"""The cost of encryption at rest, side by side in one run (``checkin bench --encryption``).

The core bench (:mod:`checkin.devtools.bench.core`) runs twice in this process, files plain
(``CHECKIN_ENCRYPT=0``) then encrypted, and a cold open (the file opened, the key derived,
the first scan answered) is timed on each replica. The load average is given with the
figures: on a shared machine a single run says little without it.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from checkin.arrivals import scan
from checkin.base import keys
from checkin.event.model import EventConfig
from checkin.importer import import_file
from checkin.replica.db import open_replica

FIGURES = ("import_rows_per_s", "scan_p99_ms", "search_p99_ms", "peak_rss_mb")


def run(event: EventConfig, attendees: int) -> dict[str, Any]:
    from checkin.devtools.bench import core

    os.environ.setdefault(keys.ENV, "bench passphrase")
    saved = os.environ.get("CHECKIN_ENCRYPT")
    result: dict[str, Any] = {"attendees": attendees, "load_average_start": os.getloadavg()[0]}
    try:
        for label, flag in (("plain", "0"), ("encrypted", "1")):
            os.environ["CHECKIN_ENCRYPT"] = flag
            figures = core.run(event, attendees)
            side = {name: figures[name] for name in FIGURES}
            side["cold_open_ms"] = cold_open_ms(event, min(attendees, 20_000))
            side["load_average"] = figures["load_average"]
            result[label] = side
    finally:
        if saved is None:
            os.environ.pop("CHECKIN_ENCRYPT", None)
        else:
            os.environ["CHECKIN_ENCRYPT"] = saved
    result["load_average_end"] = os.getloadavg()[0]
    return result


def cold_open_ms(event: EventConfig, attendees: int, tries: int = 5) -> float:
    """Median milliseconds from nothing open to the first scan's answer (key derived anew)."""
    from checkin.demo.synthetic import write_export

    with tempfile.TemporaryDirectory(prefix="checkin-bench-open-") as tmp:
        folder = Path(tmp)
        db = folder / "desk.sqlite"
        replica = open_replica(db)
        import_file(replica, event, write_export(folder / "export.csv", attendees, event, 7))
        replica.close()
        timings = []
        for _ in range(tries):
            keys._derive.cache_clear()  # a new process has no key yet
            started = time.perf_counter()
            replica = open_replica(db)
            scan.decide(replica, event, "AICT26-NOPE0000", day=event.days[0].iso, desk="Bench")
            timings.append((time.perf_counter() - started) * 1000)
            replica.close()
    return round(statistics.median(timings), 1)
