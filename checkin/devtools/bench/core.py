"""The core's benchmark: import, scan and search at the scale of a large event.

``checkin bench --attendees 100000 --json`` builds a synthetic event in a temporary folder,
imports it, then times scans (parse, look up, record durably) and searches (realistic
partial names, with and without accents). Goals on a 2-core laptop: import ≥ 20,000
rows/s, scan p99 ≤ 5 ms, search p99 ≤ 20 ms, peak RSS ≤ 300 MB.

The import is measured beside its floor, in the same run: the ``sqlite3`` shell's
``.import`` of the same file into a table indexed like the replica's attendees, its search
index filled after (``floor.py``), and the ratio between the two is reported; the plain
floor (a table with no index) is reported beside it. The longest write step
says how long a scan could have waited behind the import.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from checkin.arrivals import scan, search
from checkin.base import codes
from checkin.base.text import fold
from checkin.devtools.bench.floor import indexed_floor
from checkin.event.model import EventConfig
from checkin.importer import import_file, workers
from checkin.replica.db import Replica, open_replica


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _load() -> float:
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else -1.0


def sqlite3_import_floor(export: Path, db: Path) -> tuple[float, str]:
    """Seconds for the ``sqlite3`` shell to ``.import`` the export into a plain table
    (Python's csv module and ``executemany`` when the shell is not installed)."""
    shell = shutil.which("sqlite3")
    with export.open("rb") as fh:
        head = fh.read(4096)
    delimiter = ";" if head.count(b";") > head.count(b",") else ","
    started = time.perf_counter()
    if shell:
        subprocess.run(
            [shell, str(db)],
            input=f".mode csv\n.separator {delimiter}\n.import '{export}' registrations\n",
            text=True,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started, "sqlite3 .import"
    import csv
    import sqlite3

    with export.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        header = next(reader)
        con = sqlite3.connect(db)
        con.execute(f"CREATE TABLE registrations ({', '.join(f'c{i}' for i in range(len(header)))})")
        con.executemany(f"INSERT INTO registrations VALUES ({', '.join('?' * len(header))})", reader)
        con.commit()
        con.close()
    return time.perf_counter() - started, "python csv + executemany"


def _peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    peak = resource.getrusage(who).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def run(
    event: EventConfig, attendees: int = 100_000, scans: int = 2000, searches: int = 2000, seed: int = 7
) -> dict[str, Any]:
    from checkin.demo.synthetic import write_export

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="checkin-bench-") as tmp:
        folder = Path(tmp)
        export = write_export(folder / "export.csv", attendees, event, seed)
        plain_s, floor_how = sqlite3_import_floor(export, folder / "floor.sqlite")
        indexed_s = indexed_floor(export, folder / "indexed-floor.sqlite")
        floor_s = indexed_s if indexed_s is not None else plain_s
        floor_how = f"{floor_how} (indexed like the replica)" if indexed_s is not None else floor_how
        replica = open_replica(folder / "bench.sqlite")
        load_before = _load()
        started = time.perf_counter()
        summary = import_file(replica, event, export)
        import_s = time.perf_counter() - started
        started = time.perf_counter()
        again = import_file(replica, event, export)
        again_s = time.perf_counter() - started
        load_after = _load()
        worker_peak = _peak_rss_mb(resource.RUSAGE_CHILDREN)  # before the hub's child below
        hub_s, hub_peak = _hub_import(event, export, folder / "hub.sqlite")
        with replica.read() as conn:
            rows = list(
                conn.exec_driver_sql("SELECT code, first_name, last_name, organisation FROM attendee").all()
            )
        scan_ms, outcomes = _time_scans(replica, event, rows, rng, scans)
        search_ms, hits = _time_searches(replica, rows, rng, searches)
        replica.close()
    return {
        "event": event.id,
        "attendees": attendees,
        "rows_imported": summary.created,
        "import_s": round(import_s, 2),
        "import_rows_per_s": round(summary.read / import_s),
        "import_steps": summary.steps,
        "import_longest_step_ms": round(summary.longest_step_ms, 1),
        "reimport_unchanged_s": round(again_s, 2),
        "reimport_rows_per_s": round(again.read / again_s),
        "floor": floor_how,
        "floor_s": round(floor_s, 2),
        "import_vs_floor": round(import_s / floor_s, 1) if floor_s else None,
        "plain_floor_s": round(plain_s, 2),
        "import_vs_plain_floor": round(import_s / plain_s, 1) if plain_s else None,
        "import_workers": workers.WORKERS if attendees >= workers.POOL_MIN_ROWS else 0,
        "load_average": [load_before, load_after],
        "scans": len(scan_ms),
        "scan_outcomes": outcomes,
        "scan_p50_ms": round(statistics.median(scan_ms), 3),
        "scan_p99_ms": round(_percentile(scan_ms, 0.99), 3),
        "searches": len(search_ms),
        "search_hit_rate": round(hits / max(len(search_ms), 1), 3),
        "search_p50_ms": round(statistics.median(search_ms), 3),
        "search_p99_ms": round(_percentile(search_ms, 0.99), 3),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "peak_rss_worker_mb": round(worker_peak, 1),
        "hub_import_s": round(hub_s, 2),
        "hub_import_vs_floor": round(hub_s / floor_s, 1) if floor_s else None,
        "peak_rss_hub_import_mb": round(hub_peak, 1),
        "load_average_hub_import": [load_after, _load()],
    }


def _hub_import(event: EventConfig, export: Path, hub_file: Path) -> tuple[float, float]:
    """Seconds to import the export into an empty SQLite hub (``checkin hub import``), and
    that process's peak RSS: run in a spawned child of its own, as the command runs alone."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_hub_import_child, args=(event, export, hub_file, send))
    child.start()
    send.close()
    seconds, peak = receive.recv()
    child.join()
    return float(seconds), float(peak)


def _hub_import_child(event: EventConfig, export: Path, hub_file: Path, send: Any) -> None:
    from checkin.sync.hub import open_hub
    from checkin.sync.hubimport import import_into_hub

    hub = open_hub(f"sqlite:///{hub_file}", create=True)
    started = time.perf_counter()
    import_into_hub(hub, event, export)
    seconds = time.perf_counter() - started
    hub.close()
    send.send((seconds, _own_peak_mb()))


def _own_peak_mb() -> float:
    """This process's own peak RSS. A started child's ``ru_maxrss`` begins at its parent's
    size when forked (Linux keeps it across ``exec``); ``VmHWM`` belongs to its own memory."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _peak_rss_mb()


def _time_scans(
    replica: Replica, event: EventConfig, rows: list[Any], rng: random.Random, scans: int
) -> tuple[list[float], dict[str, int]]:
    """Scans of real codes (some garbled by a mis-set scanner, some links, some twice)."""
    day = event.days[0].iso
    sample = rng.sample(rows, min(scans, len(rows)))
    texts: list[str] = []
    for i, (code, *_rest) in enumerate(sample):
        if i % 10 == 0:
            texts.append(codes.garble(code, "us", "fr"))  # a mis-set scanner
        elif i % 10 == 1:
            texts.append(f"https://inscriptions.example.org/billet/{code}\r\n")
        else:
            texts.append(code)
    texts += [t for t in texts[: scans // 10]]  # some badges scanned twice
    scan_ms: list[float] = []
    outcomes: dict[str, int] = {}
    for text in texts:
        t0 = time.perf_counter()
        decision = scan.decide(replica, event, text, day=day, desk="Bench")
        scan_ms.append((time.perf_counter() - t0) * 1000)
        outcomes[decision.outcome] = outcomes.get(decision.outcome, 0) + 1
    return scan_ms, outcomes


def _time_searches(
    replica: Replica, rows: list[Any], rng: random.Random, searches: int
) -> tuple[list[float], int]:
    """Searches of realistic partial names, with and without accents."""
    queries: list[str] = []
    for _code, first, last, org in rng.sample(rows, min(searches, len(rows))):
        pick = rng.random()
        name = last if pick < 0.5 else (first if pick < 0.8 else org)
        name = name or last or first
        cut = name[: rng.randint(3, 7)]
        queries.append(fold(cut) if rng.random() < 0.5 else cut)  # with and without accents
    search_ms: list[float] = []
    hits = 0
    for query in queries:
        t0 = time.perf_counter()
        found = search.find(replica, query, 20)
        search_ms.append((time.perf_counter() - t0) * 1000)
        hits += bool(found)
    return search_ms, hits
