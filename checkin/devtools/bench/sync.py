"""The sync benchmark and simulation: many desks, one hub, exact counts.

``checkin bench-sync --hub URL`` (an empty PostgreSQL database, or an SQLite file path):

1. imports a synthetic export of ``attendees`` registrations into the hub (timed);
2. times the first pull of all of them into an empty desk (goal ≤ 15 s for 100,000);
3. times an incremental exchange of 50 new facts (goal ≤ 300 ms on a local PostgreSQL);
4. runs the simulation: ``desks`` processes, each admitting ``admissions`` distinct people
   and exchanging every 250 admissions (as live mode does, without the conflict list), all
   at once against the hub; then every desk exchanges once more and the counts are checked
   exactly: the hub and every desk hold ``desks × admissions`` check-ins, each person
   admitted once.

:func:`simulate` is also what the tests run, smaller.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from checkin.event import model as event_module
from checkin.replica import cipher, facts
from checkin.replica.attendees import all_live
from checkin.replica.db import open_replica
from checkin.sync.exchange import exchange
from checkin.sync.hub import hub_fact, open_hub
from checkin.sync.hubimport import import_into_hub

EXCHANGE_EVERY = 250


def _clone_desk(template: Path, target: Path) -> None:
    """A copy of a prepared desk with its own identity (a copied file would share it)."""
    shutil.copyfile(template, target)
    with cipher.connect(target) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'desk_id'", (str(uuid.uuid4()),))


def _desk_worker(args: tuple[str, str, int, int, int, str]) -> dict[str, Any]:
    db, url, index, admissions, every, day = args
    replica = open_replica(db)
    hub = open_hub(url)
    timings: list[float] = []
    try:
        with replica.read() as conn:
            people = sorted(
                (a for a in all_live(conn) if a.status == "confirmed"), key=lambda a: a.registration
            )
        mine = people[index * admissions : (index + 1) * admissions]
        if len(mine) < admissions:
            raise RuntimeError("not enough registrations for the simulation")
        name = f"Accueil {index + 1}"
        for n, person in enumerate(mine, 1):
            facts.record_checkin(replica, person, day=day, desk=name)
            if n % every == 0:  # as live mode does: no conflict list each time
                started = time.perf_counter()
                exchange(replica, hub, desk=name, report=False)
                timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        exchange(replica, hub, desk=name, report=False)
        timings.append(time.perf_counter() - started)
    finally:
        hub.close()
        replica.close()
    return {"desk": index, "exchanges": len(timings), "seconds": timings}


def simulate(
    url: str, template: Path, workdir: Path, *, desks: int, admissions: int, every: int = EXCHANGE_EVERY
) -> dict[str, Any]:
    """Run the desks concurrently; return timings and the exact counts found afterwards."""
    day = event_module.load().days[0].iso
    paths = [workdir / f"sim-desk-{i}.sqlite" for i in range(desks)]
    for path in paths:
        _clone_desk(template, path)
    jobs = [(str(p), url, i, admissions, every, day) for i, p in enumerate(paths)]
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(desks) as pool:
        results = pool.map(_desk_worker, jobs)
    elapsed = time.perf_counter() - started
    # Everyone exchanges once more, so that every desk has every other desk's work.
    hub = open_hub(url)
    desk_counts: list[int] = []
    desk_people: list[int] = []
    try:
        for path in paths:
            replica = open_replica(path)
            try:
                exchange(replica, hub)
                with replica.read() as conn:
                    desk_counts.append(
                        int(
                            conn.exec_driver_sql(
                                "SELECT count(*) FROM fact WHERE kind = 'checkin'"
                            ).scalar_one()
                        )
                    )
                    desk_people.append(
                        int(
                            conn.exec_driver_sql(
                                "SELECT count(DISTINCT attendee_uid) FROM fact WHERE kind = 'checkin'"
                            ).scalar_one()
                        )
                    )
            finally:
                replica.close()
        with hub.read() as conn:
            hub_count = int(
                conn.execute(
                    select(func.count()).select_from(hub_fact).where(hub_fact.c.kind == "checkin")
                ).scalar_one()
            )
    finally:
        hub.close()
    timings = [t for r in results for t in r["seconds"]]
    return {
        "desks": desks,
        "admissions_per_desk": admissions,
        "seconds": round(elapsed, 2),
        "exchanges": len(timings),
        "exchanges_per_second": round(len(timings) / elapsed, 1),
        "exchange_median_ms": round(statistics.median(timings) * 1000, 1),
        "exchange_max_ms": round(max(timings) * 1000, 1),
        "hub_checkins": hub_count,
        "desk_checkins": desk_counts,
        "desk_people": desk_people,
    }


def run(
    url: str, *, desks: int, admissions: int, attendees: int, workdir: str | None = None
) -> dict[str, Any]:
    from checkin.demo import synthetic

    event = event_module.load()
    folder = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="checkin-bench-sync-"))
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"attendees": attendees}
    hub = open_hub(url, create=True)
    try:
        export = synthetic.write_export(
            folder / "export.csv", max(attendees, desks * admissions + 100), event
        )
        from checkin.devtools.bench.core import sqlite3_import_floor

        floor_s, floor_how = sqlite3_import_floor(export, folder / "floor.sqlite")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else -1.0
        started = time.perf_counter()
        import_into_hub(hub, event, export)
        out["hub_import_seconds"] = round(time.perf_counter() - started, 2)
        out["floor"] = floor_how
        out["floor_seconds"] = round(floor_s, 2)
        out["hub_import_vs_floor"] = round(out["hub_import_seconds"] / floor_s, 1) if floor_s else None
        out["load_average"] = [
            round(load, 2),
            round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else -1.0,
        ]
        template = folder / "desk-template.sqlite"
        replica = open_replica(template)
        started = time.perf_counter()
        first = exchange(replica, hub)
        out["first_pull_seconds"] = round(time.perf_counter() - started, 2)
        out["first_pull_rows"] = first.pulled
        # Incremental: 50 new check-ins at this desk, pushed and the (empty) rest pulled.
        with replica.read() as conn:
            people = sorted(all_live(conn), key=lambda a: a.registration)[-50:]
        incremental: list[float] = []
        for attempt in range(5):
            for person in people:
                facts.record_checkin(
                    replica, person, day=event.days[attempt % len(event.days)].iso, desk="Bench"
                )
            started = time.perf_counter()
            result = exchange(replica, hub)
            incremental.append(time.perf_counter() - started)
            assert result.pushed == 50
        out["incremental_50_ms"] = [round(t * 1000, 1) for t in incremental]
        out["incremental_50_median_ms"] = round(statistics.median(incremental) * 1000, 1)
        # The simulation starts from the template without the bench's own facts.
        replica.close()
        fresh = folder / "desk-fresh.sqlite"
        replica = open_replica(fresh)
        exchange(replica, hub)
        replica.close()
    finally:
        hub.close()
    if desks <= 0:
        return out  # --desks 0: the timings above only
    _progress(out)
    out["simulation"] = simulate(url, fresh, folder, desks=desks, admissions=admissions)
    expected = desks * admissions + 5 * 50
    sim = out["simulation"]
    out["counts_exact"] = sim["hub_checkins"] == expected and all(c == expected for c in sim["desk_checkins"])
    return out


def _progress(data: dict[str, Any]) -> None:
    """The figures so far, on stderr (the simulation takes minutes)."""
    import json
    import sys

    print(json.dumps(data), file=sys.stderr, flush=True)
