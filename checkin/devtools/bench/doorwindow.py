"""A room door's speed (issue 20): from the scanner's last key to the answer on screen,
offscreen, over ``--scans`` entries into the opening plenary (Grand Salon, open to all, at
09:20 on the first day), then the same people's exits. Each answer redraws the header's
``inside / capacity`` (a count over the day's movements), so the time grows with them.

``python -m checkin.devtools.bench.doorwindow [--scans N] [--attendees N]`` prints JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from checkin.base import paths
from checkin.demo.secret import use_demo_secret
from checkin.devtools.bench.desk import _pct, _spin, _unscanned, build_database, send_burst


def run(scans: int = 200, attendees: int = 2000) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    load_start = os.getloadavg()[0]
    with paths.temporary_home("checkin-bench-door-") as home:
        use_demo_secret()  # synthetic people: never a prompt, whatever the keyring
        marks = _measure(home, scans, attendees)
    result: dict[str, Any] = {"scans": len(marks["enter"]), "attendees": attendees}
    for name in ("enter", "exit"):
        result[f"{name}_p50_ms"] = _pct(marks[name], 0.5)
        result[f"{name}_p99_ms"] = _pct(marks[name], 0.99)
    result["outcomes"] = marks["outcomes"]
    result["load_average"] = [round(load_start, 2), round(os.getloadavg()[0], 2)]
    return result


def _measure(home: Path, scans: int, attendees: int) -> dict[str, Any]:
    from checkin.base.settings import DeskSettings
    from checkin.event import model as event_mod
    from checkin.ui.door.app import build_door

    db = build_database(attendees, home / "db")
    day, codes = _unscanned(db)
    ev = event_mod.load()
    at = datetime.fromisoformat(f"{day}T09:20:00").replace(tzinfo=ZoneInfo(ev.timezone))
    settings = DeskSettings.load()
    settings.muted = True
    door = build_door(db, "Grand Salon", day=day, settings=settings, event=ev, now=lambda: at)
    station: Any = door.window
    station.resize(1366, 768)
    station.show()
    answers: list[tuple[float, str]] = []
    station.answered.connect(lambda d: answers.append((time.perf_counter(), d.outcome)))
    marks: dict[str, Any] = {"enter": [], "exit": [], "outcomes": {}}
    try:
        for direction in ("enter", "exit"):
            station.exit_button.setChecked(direction == "exit")
            for code in codes[:scans]:
                answers.clear()
                t0 = send_burst(station, code)
                deadline = time.monotonic() + 10
                while not answers and time.monotonic() < deadline:
                    _spin(1)
                if answers:
                    marks[direction].append((answers[0][0] - t0) * 1000)
                    key = f"{direction}:{answers[0][1]}"
                    marks["outcomes"][key] = marks["outcomes"].get(key, 0) + 1
    finally:
        door.close()
    return marks


if __name__ == "__main__":
    args = sys.argv[1:]
    scans = int(args[args.index("--scans") + 1]) if "--scans" in args else 200
    people = int(args[args.index("--attendees") + 1]) if "--attendees" in args else 2000
    print(json.dumps(run(scans, people), indent=1))
