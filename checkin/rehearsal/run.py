"""``checkin rehearse``: the 08:30 peak played through real desks before the doors open.

1. A workspace of its own (:mod:`checkin.rehearsal.workspace`): a synthetic export of the
   requested size in a hub, one replica per desk pulled from it, a print folder per desk.
2. The morning as a queue (:mod:`checkin.rehearsal.queueing`): the brief's curve gives each
   person an arrival time, the shortest line gives them a desk and a moment at the counter.
3. Each desk is a process of its own, as each desk is a laptop of its own: the real desk
   window (offscreen) on its replica, live sync with the hub on, badges into the real print
   queue (PDF files, or a CUPS queue). It replays its counter's moments — scanner bursts as
   key events with their Shift presses into the window's burst filter, name searches,
   walk-ins, garbled and unknown codes — compressed ``speed`` times, and measures for real:
   scan → answer on screen, scan → badge PDF written, the print queue's depth, exchanges.
4. The report (:mod:`checkin.rehearsal.report`): the charts, and the organiser's answer —
   how many desks keep everyone's wait under X minutes.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.demo.mail import garble
from checkin.event.model import EventConfig
from checkin.rehearsal import queueing
from checkin.rehearsal.workspace import Workspace, assert_isolated, synthetic_world
from checkin.replica import attendees
from checkin.replica.db import open_replica

log = logging.getLogger(__name__)

QUIET_GAP_S = 30.0


@dataclass
class Options:
    desks: int = 4
    attendees: int = 1300
    curve: str = "brief"
    speed: float = 20.0  # simulated seconds per real second
    max_wait_min: float = 5.0
    service: tuple[float, float] = (15.0, 30.0)
    seed: int = 2026
    cups_queue: str = ""  # a CUPS queue to print badges through ("" = PDF files), or one per desk: "Q1,Q2"
    cups_server: str = ""
    cups_outbox: str = ""  # where that queue writes its PDFs (cups-pdf), to time them
    sync_interval_s: float = 2.0
    keep: bool = False  # keep the workspace (for a look at the desks' files)
    real_hub: str = ""  # the desk's real hub, checked to be out of reach
    window: tuple[float, float] | None = None  # replay only these minutes (from the opening)


@dataclass
class Outcome:
    options: Options
    day: str
    opening: str  # the opening plenary, local time
    morning: queueing.Morning
    desks: list[dict[str, Any]] = field(default_factory=list)  # each desk process's result
    hub_checkins: int = 0
    recommendation: dict[str, Any] = field(default_factory=dict)
    load: str = ""
    workspace: str = ""


def opening_time(replica_path: Path, day: str) -> str:
    """The first plenary of the day in the programme (09:30 when there is none)."""
    replica = open_replica(replica_path, create=False)
    try:
        with replica.read() as conn:
            row = conn.exec_driver_sql(
                "SELECT min(start) FROM session WHERE day = ? AND lower(kind) LIKE 'pl%'", (day,)
            ).first()
    finally:
        replica.close()
    return str(row[0]) if row and row[0] else "09:30"


def build_plans(
    ws: Workspace, event: EventConfig, opts: Options, day: str
) -> tuple[queueing.Morning, list[dict[str, Any]]]:
    replica = open_replica(ws.template, create=False)
    try:
        with replica.read() as conn:
            people = sorted(
                (
                    a
                    for a in attendees.all_live(conn)
                    if a.status == "confirmed" and (not a.days or day in a.days)
                ),
                key=lambda a: a.registration,
            )
    finally:
        replica.close()
    if not people:
        raise KnownError(_("Personne n'est attendu ce jour-là : rien à répéter."))
    visits = queueing.visits(len(people), curve=opts.curve, service=opts.service, seed=opts.seed)
    morning = queueing.simulate(visits, opts.desks, curve=opts.curve)
    plans: list[dict[str, Any]] = [{"desk": f"Répétition {n + 1}", "actions": []} for n in range(opts.desks)]
    for served in morning.served:
        person = people[served.visit.person]
        kind = served.visit.kind
        at = served.start
        actions = plans[served.desk]["actions"]
        base = {"uid": person.uid, "code": person.code, "name": person.full_name, "kind": kind}
        if kind == "scan":
            actions.append({**base, "t": at + 2, "do": "scan", "text": person.code, "expect": "admitted"})
        elif kind == "garbled":
            actions.append(
                {**base, "t": at + 1, "do": "scan", "text": garble(person.code), "expect": "unreadable"}
            )
            actions.append({**base, "t": at + 4, "do": "scan", "text": person.code, "expect": "admitted"})
        elif kind == "unknown":
            fake = "AICT26-" + "".join("QWXZ"[(ord(c) + i) % 4] for i, c in enumerate(person.code[-8:]))
            actions.append({**base, "t": at + 1, "do": "scan", "text": fake, "expect": "unknown"})
            actions.append(
                {**base, "t": at + 8, "do": "search", "text": person.full_name, "expect": "admitted"}
            )
        elif kind == "search":
            actions.append(
                {**base, "t": at + 6, "do": "search", "text": person.full_name, "expect": "admitted"}
            )
        else:  # a walk-in: someone not registered, typed in by the lead
            actions.append(
                {
                    **base,
                    "t": at + 40,
                    "do": "walkin",
                    "first_name": "Invité",
                    "last_name": f"Sur-place {served.visit.person}",
                    "expect": "admitted",
                }
            )
    if opts.window is not None:
        # Only a slice of the morning (minutes from the opening plenary), replayed as it
        # comes: at --speed 1 the desks carry exactly the peak's real load.
        opening_s = -morning.doors_minute * 60
        lo, hi = (opening_s + m * 60 for m in opts.window)
        for plan in plans:
            plan["actions"] = [a for a in plan["actions"] if lo <= a["t"] < hi]
    everything = sorted((a for plan in plans for a in plan["actions"]), key=lambda a: a["t"])
    replay, previous = 0.0, 0.0
    for action in everything:
        # Quiet stretches of the morning (no desk doing anything) are skipped: a gap longer
        # than QUIET_GAP_S simulated seconds is replayed as QUIET_GAP_S; the busy hour is not.
        replay += min(action["t"] - previous, QUIET_GAP_S) / opts.speed
        previous = action["t"]
        action["r"] = round(replay, 4)
    for plan in plans:
        plan["actions"].sort(key=lambda a: a["t"])
    return morning, plans


def desk_queue(queues: str, n: int) -> str:
    """Desk ``n``'s CUPS queue: the one queue of all desks, or the n-th of a comma-separated
    list (cycled). Each desk is a laptop with its printer of its own: desks sharing one CUPS
    queue wait for each other's jobs there (cups-pdf prints one job at a time), which a real
    morning does not have."""
    names = [q.strip() for q in queues.split(",") if q.strip()]
    return names[n % len(names)] if names else ""


def _spawn(
    ws: Workspace, n: int, plan: dict[str, Any], opts: Options, day: str, go: Path, event: EventConfig
) -> subprocess.Popen[bytes]:
    db = ws.clone_desk(n)
    home = ws.home(n)
    spec = {
        **plan,
        "db": str(db),
        "hub": ws.hub,
        "day": day,
        "speed": opts.speed,
        "sync_interval_s": opts.sync_interval_s,
        "go": str(go),
        "ready": str(ws.root / f"ready-{n}"),
        "out": str(ws.root / f"result-{n}.json"),
        "cups_queue": desk_queue(opts.cups_queue, n),
        "cups_server": opts.cups_server,
        "cups_outbox": opts.cups_outbox,
        "event": str(event.source) if event.source else "",
    }
    path = ws.root / f"plan-{n}.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    env = dict(os.environ, CHECKIN_HOME=str(home), QT_QPA_PLATFORM="offscreen", CHECKIN_LANG="fr")
    env.pop("CHECKIN_DB", None)
    with (ws.root / f"desk-{n}.log").open("wb") as log_file:
        return subprocess.Popen(
            [sys.executable, "-m", "checkin.ui.rehearsal.desk", str(path)],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )


def rehearse(event: EventConfig, opts: Options, *, day: str | None = None, progress: Any = None) -> Outcome:
    say = progress or (lambda _text: None)
    if opts.desks < 1 or opts.attendees < 1:
        raise KnownError(_("Il faut au moins un poste et un participant."))
    day = day or event.days[0].iso
    say(
        _(
            "Préparation : {n} inscriptions synthétiques, un hub et {desks} postes de répétition…",
            n=opts.attendees,
            desks=opts.desks,
        )
    )
    ws = synthetic_world(event, opts.attendees, seed=opts.seed)
    try:
        assert_isolated(ws, opts.real_hub)
        morning, plans = build_plans(ws, event, opts, day)
        go = ws.root / "go"
        procs = _start_desks(ws, plans, opts, day, go, event)
        _replay(ws, plans, procs, go, say)
        results = _results(ws, plans, procs, opts)
        outcome = Outcome(opts, day, opening_time(ws.template, day), morning, results, workspace=str(ws.root))
        outcome.hub_checkins = _hub_checkins(ws.hub, day)
        outcome.recommendation = _recommendation(len(morning.served), opts)
        outcome.load = _load()
        return outcome
    except KnownError:
        opts.keep = True  # what went wrong stays there to be read (the message names the folder)
        raise
    finally:
        if not opts.keep:
            ws.remove()


def _start_desks(
    ws: Workspace, plans: list[dict[str, Any]], opts: Options, day: str, go: Path, event: EventConfig
) -> list[subprocess.Popen[bytes]]:
    """One process per desk, each waiting on its ``go`` file once its window is up."""
    procs = [_spawn(ws, n, plan, opts, day, go, event) for n, plan in enumerate(plans)]
    deadline = time.monotonic() + 120
    while not all((ws.root / f"ready-{n}").exists() for n in range(opts.desks)):
        if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
            _stop(procs)
            raise KnownError(_("Un poste de répétition n'a pas démarré : voir {path}", path=ws.root))
        time.sleep(0.1)
    return procs


def _replay(
    ws: Workspace,
    plans: list[dict[str, Any]],
    procs: list[subprocess.Popen[bytes]],
    go: Path,
    say: Callable[[str], object],
) -> None:
    """Start every desk at the same moment and wait for all of them to finish."""
    last = max((a["t"] for plan in plans for a in plan["actions"]), default=0.0)
    replay = max((a["r"] for plan in plans for a in plan["actions"]), default=0.0)
    say(
        _(
            "Répétition en cours : {minutes} min de matinée en {seconds} s…",
            minutes=round(last / 60),
            seconds=round(replay),
        )
    )
    go.write_text(str(time.time() + 1.0), encoding="utf-8")
    timeout = replay * 2 + 180  # a loaded machine replays late; the report says how late
    started = time.monotonic()
    for proc in procs:
        remaining = max(1.0, timeout - (time.monotonic() - started))
        try:
            proc.wait(remaining)
        except subprocess.TimeoutExpired:
            _stop(procs)
            raise KnownError(_("La répétition n'a pas fini à temps : voir {path}", path=ws.root)) from None


def _results(
    ws: Workspace, plans: list[dict[str, Any]], procs: list[subprocess.Popen[bytes]], opts: Options
) -> list[dict[str, Any]]:
    """Each desk's result file. A desk that died is a finding of the rehearsal, not the end
    of it: said in the report with the first line of what it left, the others still counted."""
    results = []
    for n in range(opts.desks):
        out = ws.root / f"result-{n}.json"
        if out.exists():
            results.append(json.loads(out.read_text(encoding="utf-8")))
            continue
        log_text = (ws.root / f"desk-{n}.log").read_text(encoding="utf-8", errors="replace")
        first = next((line for line in log_text.splitlines() if line.strip()), "?")
        results.append(
            {
                "desk": plans[n]["desk"],
                "crashed": first[:200],
                "exit_code": procs[n].returncode,
                "scans": [],
                "queue_depth": [],
                "exchanges_over_time": [],
                "exchanges": 0,
                "badges_done": 0,
                "checkins": 0,
            }
        )
        opts.keep = True  # its log stays to be read
    if all(r.get("crashed") for r in results):
        raise KnownError(_("Aucun poste de répétition n'a rendu de résultat : voir {path}", path=ws.root))
    return results


def _recommendation(arrivals: int, opts: Options) -> dict[str, Any]:
    """How many desks keep the wait under the goal: for the service time drawn as in the
    rehearsal, and at its fastest and slowest bounds."""
    desks, table = queueing.desks_needed(
        arrivals, opts.max_wait_min, curve=opts.curve, service=opts.service, seed=opts.seed
    )
    bounds = {
        label: queueing.desks_needed(
            arrivals, opts.max_wait_min, curve=opts.curve, service=(s, s), seed=opts.seed
        )[0]
        for label, s in (("15", opts.service[0]), ("30", opts.service[1]))
    }
    return {
        "desks": desks,
        "table": table,
        "at_fastest": bounds["15"],
        "at_slowest": bounds["30"],
    }


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def _hub_checkins(url: str, day: str) -> int:
    from sqlalchemy import text

    from checkin.sync.hub import open_hub

    hub = open_hub(url)
    try:
        with hub.read() as conn:
            return int(
                conn.execute(
                    text("SELECT count(*) FROM hub_fact WHERE kind = 'checkin' AND day = :day"), {"day": day}
                ).scalar_one()
            )
    finally:
        hub.close()


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return ""


FIRST_MINUTE_S = 60.0  # a desk's first minute of the replay, from its first gesture


def _quantile(values: list[float], p: float) -> float | None:
    return round(values[min(len(values) - 1, int(p * len(values)))], 1) if values else None


def first_minute(desk: dict[str, Any]) -> list[dict[str, Any]]:
    """A desk's gestures made in the first minute of real time from its first gesture (the
    replay's real clock, ``replay_s``; empty for a result that does not have it)."""
    timed = [s for s in desk["scans"] if s.get("replay_s") is not None]
    if not timed:
        return []
    start = min(float(s["replay_s"]) for s in timed)
    return [s for s in timed if float(s["replay_s"]) - start < FIRST_MINUTE_S]


def _latencies(scans: list[dict[str, Any]], key: str, do: str | None = None) -> list[float]:
    """The measured ``key`` of these gestures, sorted (only the gestures ``do`` when given)."""
    return sorted(float(s[key]) for s in scans if s.get(key) is not None and (do is None or s["do"] == do))


def _spread(name: str, values: list[float], first: list[float]) -> dict[str, Any]:
    """p50, p99 and max over the whole run and over the first minute alone, with the counts."""
    return {
        f"{name}_max": values[-1] if values else None,
        f"{name}_n": len(values),
        f"{name}_p50_first_minute": _quantile(first, 0.5),
        f"{name}_p99_first_minute": _quantile(first, 0.99),
        f"{name}_max_first_minute": first[-1] if first else None,
        f"{name}_n_first_minute": len(first),
    }


def figures(outcome: Outcome) -> dict[str, Any]:
    """The rehearsal's numbers (what the report shows, and ``--json``)."""
    scans = [s for d in outcome.desks for s in d["scans"]]
    answer = _latencies(scans, "answer_ms", "scan")
    found = _latencies(scans, "answer_ms", "search")
    badge = _latencies(scans, "badge_ms")
    cups = _latencies(scans, "cups_ms")
    # Each desk's first minute beside the whole run: a desk still cold costs its first
    # minute, which the whole run's p99 hides.
    first = [s for d in outcome.desks for s in first_minute(d)]
    wrong = [s for s in scans if s["outcome"] != s["expect"]]
    late = sorted(float(s.get("late_ms", 0.0)) for s in scans)
    admitted = [s for s in scans if s["outcome"] == "admitted"]
    q = _quantile

    summary = outcome.morning.summary()
    return {
        "desks": outcome.options.desks,
        "attendees": outcome.options.attendees,
        "day_arrivals": len(outcome.morning.served),
        "speed": outcome.options.speed,
        "actions": len(scans),
        "answers_as_expected": len(scans) - len(wrong),
        "answers_wrong": len(wrong),
        "wrong_examples": [{k: s[k] for k in ("do", "expect", "outcome", "text")} for s in wrong[:5]],
        "scan_answer_ms_p50": q(answer, 0.5),
        "scan_answer_ms_p99": q(answer, 0.99),
        "search_to_admitted_ms_p50": q(found, 0.5),
        "search_to_admitted_ms_p99": q(found, 0.99),
        "scan_badge_ms_p50": q(badge, 0.5),
        "scan_badge_ms_p99": q(badge, 0.99),
        "scan_cups_pdf_ms_p50": q(cups, 0.5),
        "scan_cups_pdf_ms_p99": q(cups, 0.99),
        "replay_late_ms_p50": q(late, 0.5),
        "replay_late_ms_p99": q(late, 0.99),
        "admissions": len(admitted),
        "badges_cups_pdf_seen": sum(1 for s in admitted if s.get("cups_ms") is not None),
        "replayed_minutes": list(outcome.options.window) if outcome.options.window else None,
        "badges_printed": sum(d.get("badges_done", 0) for d in outcome.desks),
        "exchanges": sum(d.get("exchanges", 0) for d in outcome.desks),
        "hub_checkins": outcome.hub_checkins,
        "desk_checkins": [d.get("checkins", 0) for d in outcome.desks],
        "max_wait_min": summary["max_wait_min"],
        "p95_wait_min": summary["p95_wait_min"],
        "wait_goal_min": outcome.options.max_wait_min,
        "desks_recommended": outcome.recommendation.get("desks"),
        "desks_if_15s": outcome.recommendation.get("at_fastest"),
        "desks_if_30s": outcome.recommendation.get("at_slowest"),
        "load": outcome.load,
        "desks_crashed": [
            {"desk": d["desk"], "error": d["crashed"]} for d in outcome.desks if d.get("crashed")
        ],
        **_spread("scan_answer_ms", answer, _latencies(first, "answer_ms", "scan")),
        **_spread("scan_badge_ms", badge, _latencies(first, "badge_ms")),
        **_spread("scan_cups_pdf_ms", cups, _latencies(first, "cups_ms")),
    }
