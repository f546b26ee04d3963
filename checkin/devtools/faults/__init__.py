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

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from checkin.base.i18n import _

PARTS = ("kills", "fuzz", "hub", "printer")


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "bench-faults", help=_("campagne de pannes : kill -9, fuzzing, hub perdu, imprimante bloquée")
    )
    p.add_argument("--kills", type=int, default=200)
    p.add_argument("--cases", type=int, default=10_000, help=_("entrées par analyseur"))
    p.add_argument("--hub-trials", type=int, default=50)
    p.add_argument("--printer-trials", type=int, default=10)
    p.add_argument("--only", default=",".join(PARTS), help=_("parties : kills, fuzz, hub, printer"))
    p.add_argument("--dir", help=_("dossier de travail (par défaut un dossier temporaire)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_command, needs_event=True)


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


def run_command(args: argparse.Namespace) -> int:
    workdir = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="checkin-bench-faults-"))
    os.environ.setdefault("CHECKIN_HOME", str(workdir / "home"))  # prints and settings stay there
    result = run(
        workdir,
        kills=args.kills,
        cases=args.cases,
        hub_trials=args.hub_trials,
        printer_trials=args.printer_trials,
        only=tuple(p for p in args.only.split(",") if p),
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0
