"""``checkin bench-faults``: the fault campaign, as a benchmark with counts.

* ``kills`` (:mod:`.kills`): kill -9 during admissions with badge printing on;
* ``fuzz`` (:mod:`.fuzz`): every parser of outside input, ``--cases`` inputs each;
* ``hub`` (:mod:`.hub`): the hub vanishing mid-exchange;
* ``printer`` (:mod:`.printer`): a printer that hangs.

The test suite runs each part small (``tests/core/test_faults.py``); the benchmark runs the
full counts (200 kills, 10,000 cases per parser). Each part reports what it counted; the
figures that must be zero are named in the docstring of each module.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

PARTS = ("kills", "fuzz", "hub", "printer")


def run(
    workdir: Path,
    *,
    kills: int = 200,
    cases: int = 10_000,
    hub_trials: int = 50,
    printer_trials: int = 10,
    only: tuple[str, ...] = PARTS,
) -> dict[str, Any]:
    from checkin.devtools.faults import fuzz, hub, printer
    from checkin.devtools.faults import kills as kill_part

    out: dict[str, Any] = {"load_before": os.getloadavg() if hasattr(os, "getloadavg") else None}
    started = time.perf_counter()
    if "kills" in only:
        out["kills"] = kill_part.run(workdir / "kills", kills=kills)
    if "fuzz" in only:
        out["fuzz"] = fuzz.run(workdir / "fuzz", cases=cases)
    if "hub" in only:
        out["hub"] = hub.run(workdir / "hub", trials=hub_trials)
    if "printer" in only:
        out["printer"] = printer.run(workdir / "printer", trials=printer_trials)
    out["seconds"] = round(time.perf_counter() - started, 1)
    out["load_after"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    return out
