"""The kiosk's speed (issue 20, item 7): from the scanner's last key to the badge job handed
to the printer, over ~100 scans of people not yet in, offscreen, with the real print queue
(the ``files`` printer writes each badge's PDF).

Three marks per scan, from the terminator key sent to the kiosk window:

* **queued**: the job is in the print queue (the answer is on screen before that);
* **printing**: the printer's worker took the job (handed to the printer);
* **done**: the badge's PDF is written by the printer back-end.

Scans come one after the other, each once the previous badge is done, as attendees do at
one kiosk. ``python -m checkin.devtools.bench.kiosk [--scans N] [--attendees N]`` prints JSON.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from checkin.base import paths
from checkin.demo.secret import use_demo_secret
from checkin.devtools.bench.desk import _pct, _spin, _unscanned, build_database, send_burst


def run(scans: int = 100, attendees: int = 2000) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    load_start = os.getloadavg()[0]
    with paths.temporary_home("checkin-bench-kiosk-") as home:
        use_demo_secret()  # synthetic people: never a prompt, whatever the keyring
        marks = _measure(home, scans, attendees)
    result: dict[str, Any] = {"scans": len(marks["done"]), "attendees": attendees}
    for name, values in marks.items():
        result[f"{name}_p50_ms"] = _pct(values, 0.5)
        result[f"{name}_p99_ms"] = _pct(values, 0.99)
    result["load_average"] = [round(load_start, 2), round(os.getloadavg()[0], 2)]
    return result


def _measure(home: Path, scans: int, attendees: int) -> dict[str, list[float]]:
    from checkin.base.settings import DeskSettings
    from checkin.ui.kiosk.app import build_kiosk

    db = build_database(attendees, home / "db")
    day, codes = _unscanned(db)
    settings = DeskSettings.load()
    settings.muted = True
    kiosk = build_kiosk(db, print_only=False, day=day, settings=settings)
    station = kiosk.station
    station.resize(1366, 768)
    station.show()
    seen: dict[str, dict[str, float]] = {}
    lock = threading.Lock()

    def listen(job: Any) -> None:  # on the queue's threads: the time the state changed
        with lock:
            seen.setdefault(job.id, {}).setdefault(job.state, time.perf_counter())

    kiosk.bridge.queue.add_listener(listen)
    marks: dict[str, list[float]] = {"queued": [], "printing": [], "done": []}
    try:
        for code in codes[:scans]:
            t0 = send_burst(station, code)
            job = _wait_job(station, seen, lock)
            if job is None:
                continue
            for name in marks:
                marks[name].append((seen[job][name] - t0) * 1000)
    finally:
        kiosk.close()
    return marks


def _wait_job(station: Any, seen: dict[str, dict[str, float]], lock: threading.Lock) -> str | None:
    """The job this scan queued, once its badge is done (None: no badge within 20 s)."""
    queued: list[str] = []
    station.badge_queued.connect(queued.append)
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline:
            _spin(1)
            with lock:
                if queued and "done" in seen.get(queued[0], {}):
                    return queued[0]
    finally:
        station.badge_queued.disconnect(queued.append)
    return None


if __name__ == "__main__":
    args = sys.argv[1:]
    scans = int(args[args.index("--scans") + 1]) if "--scans" in args else 100
    people = int(args[args.index("--attendees") + 1]) if "--attendees" in args else 2000
    print(json.dumps(run(scans, people), indent=1))
