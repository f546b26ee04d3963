"""The cost of encryption at rest, side by side in one run (``checkin bench --encryption``).

The core bench (:mod:`checkin.devtools.bench.core`) runs twice, files plain
(``CHECKIN_ENCRYPT=0``) then encrypted, each side in a process of its own so that its peak
memory is its own; on each side a cold open (the file opened, the key derived, the first
scan answered) is timed, and a desk's first pull of the whole event from an SQLite hub of
the same size (hub and replica plain, or both encrypted). The load average is given with
the figures: on a shared machine a single run says little without it.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from checkin.arrivals import scan
from checkin.base import keys
from checkin.event import model as event_module
from checkin.event.model import EventConfig
from checkin.importer import import_file
from checkin.replica.db import open_replica

FIGURES = ("import_rows_per_s", "scan_p99_ms", "search_p99_ms")


def run(event: EventConfig, attendees: int) -> dict[str, Any]:
    os.environ.setdefault(keys.ENV, "bench passphrase")  # children inherit it
    result: dict[str, Any] = {"attendees": attendees, "load_average_start": os.getloadavg()[0]}
    spawn = multiprocessing.get_context("spawn")
    for label, flag in (("plain", "0"), ("encrypted", "1")):
        answer = spawn.SimpleQueue()
        child = spawn.Process(
            target=_child,
            args=(answer, str(event.source) if event.source else "", attendees, flag),
            name=f"bench-{label}",
        )
        child.start()
        result[label] = answer.get()
        child.join()
    result["load_average_end"] = os.getloadavg()[0]
    return result


def _child(answer: Any, source: str, attendees: int, flag: str) -> None:
    os.environ["CHECKIN_ENCRYPT"] = flag
    answer.put(side(event_module.load(source or None), attendees))


def side(event: EventConfig, attendees: int) -> dict[str, Any]:
    """One side's figures, in the current process (encrypted or not as it is set)."""
    from checkin.devtools.bench import core

    figures = core.run(event, attendees)
    found = {name: figures[name] for name in FIGURES}
    found["cold_open_ms"] = cold_open_ms(event, min(attendees, 20_000))
    found["first_pull_s"], found["first_pull_rows"] = first_pull(event, attendees)
    found["load_average"] = [*figures["load_average"], round(os.getloadavg()[0], 2)]
    found["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    found["peak_rss_import_workers_mb"] = figures["peak_rss_worker_mb"]
    return found


def first_pull(event: EventConfig, attendees: int) -> tuple[float, int]:
    """Seconds for a new desk to pull every registration from an SQLite hub of ``attendees``."""
    from checkin.demo.synthetic import write_export
    from checkin.sync.exchange import exchange
    from checkin.sync.hub import open_hub
    from checkin.sync.hubimport import import_into_hub

    with tempfile.TemporaryDirectory(prefix="checkin-bench-pull-") as tmp:
        folder = Path(tmp)
        hub = open_hub(str(folder / "hub.sqlite"), create=True)
        try:
            import_into_hub(hub, event, write_export(folder / "export.csv", attendees, event, 11))
            replica = open_replica(folder / "desk.sqlite")
            started = time.perf_counter()
            pulled = exchange(replica, hub).pulled
            seconds = time.perf_counter() - started
            replica.close()
        finally:
            hub.close()
    return round(seconds, 2), pulled


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
