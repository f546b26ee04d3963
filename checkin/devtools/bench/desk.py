"""``checkin bench-desk``: the window's speed at the scale of a large event (offscreen).

Three figures, as a volunteer feels them:

* **scan**: from the scanner's last key (the terminator) to the answer painted — burst
  detection, the decision with its durable write, the panel repainted; badge printing
  runs meanwhile on its threads, as at a real desk;
* **search**: from a key typed in the search box to the results painted, typed as a
  volunteer types (120–200 ms between keys, on the real clock). Reported twice: with the
  scanner filter active (``search_with_scanner_hold``: the name is kept for continuity;
  the filter no longer holds a person's keys) and without it (the search and paint alone);
* **cold start**: from launching Python to the desk window shown and ready for a scan,
  on an existing database (measured in a fresh process);
* **scan during long work** (:func:`during`): the scan figure again while the window's
  own background work runs — the 100,000-row export imported into an empty desk, a
  re-import of it (5 % of rows changed) and a first pull of 100,000 registrations from a hub, into an empty desk and into a
  desk that already holds them. A scan refused because the write lock was not had in
  time (a sentence in the banner) is counted apart: it is a failure, not a fast answer.

The database (synthetic event + programme + B2B, imported by the real importer) is built
once under the temp folder and reused.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checkin.replica import cipher


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))], 2)


def build_database(attendees: int, folder: Path | None = None) -> Path:
    from checkin.demo import synthetic
    from checkin.event import model as event_mod
    from checkin.importer import import_file
    from checkin.replica import contents
    from checkin.replica.db import open_replica

    own = folder is None  # the bench's folder: only this function writes there
    folder = folder or Path(tempfile.gettempdir()) / f"checkin-bench-desk-{attendees}"
    db = folder / "bench.sqlite"
    if db.exists():
        if own:  # built before replicas were marked: still the bench's invented people
            replica = open_replica(db, create=False)
            try:
                if not contents.invented_by(replica):
                    contents.mark_invented(replica, "bench")
            finally:
                replica.close()
        return db
    ev = event_mod.load()
    files = synthetic.build_event_files(folder, attendees, ev)
    partial = folder / "building.sqlite"
    partial.unlink(missing_ok=True)
    replica = open_replica(partial)
    try:
        for key in ("export", "programme", "meetings"):
            import_file(replica, ev, files[key])
        contents.mark_invented(replica, "bench")  # its window is never purged by the retention date
    finally:
        replica.close()
    partial.replace(db)
    return db


def cold_start(db: Path) -> float:
    """Seconds from launching a fresh Python to the window ready for a scan."""
    code = "import sys, time\nfrom checkin.devtools.bench import desk as bench\nbench._ready_child(sys.argv[1])\n"
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, str(db)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    elapsed = time.perf_counter() - started
    if "READY" not in out.stdout:
        raise RuntimeError(out.stderr[-2000:])
    return round(elapsed, 3)


def _ready_child(db: str) -> None:
    from checkin.ui.app import build_desk
    from checkin.ui.qt import QTimer

    desk = build_desk(db, show_crash_dialog=False, defer_printing=True)
    desk.window.resize(1366, 768)
    desk.window.show()
    desk.window.scan.page.code_field.setFocus()
    desk.window.repaint()

    def ready() -> None:
        print("READY", flush=True)
        desk.close()
        QTimer.singleShot(0, lambda: None)

    from checkin.ui.qt import QApplication

    QTimer.singleShot(0, ready)
    QTimer.singleShot(0, QApplication.quit)
    QApplication.exec()


def _next_export(source: Path, target: Path) -> Path:
    """The organiser's next export: the same people, one row in 20 with a changed first
    name, one in 50 cancelled (as a re-import at the event brings)."""
    import csv

    if target.exists():
        return target
    with source.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header = rows[0]
    first, status = header.index("Prénom"), header.index("Statut")
    for n, row in enumerate(rows[1:], 1):
        if n % 20 == 0:
            row[first] = row[first] + "-Marie"
        if n % 50 == 0:
            row[status] = "Annulée"
    partial = target.with_suffix(".partial")
    with partial.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    partial.replace(target)
    return target


def build_hub(db: Path) -> Path:
    """A hub holding the bench event's registrations (imported from its export), cached."""
    from checkin.event import model as event_mod
    from checkin.sync.hub import open_hub
    from checkin.sync.hubimport import import_into_hub

    target = db.parent / "hub.sqlite"
    if target.exists():
        return target
    partial = db.parent / "hub-building.sqlite"
    partial.unlink(missing_ok=True)
    hub = open_hub(str(partial), create=True)
    try:
        import_into_hub(hub, event_mod.load(), db.parent / "inscriptions.csv")
    finally:
        hub.close()
    partial.replace(target)
    return target


def during(db: Path, scenario: str, *, pause_ms: int = 100, limit_s: float = 600.0) -> dict[str, Any]:
    """Scan latency while the window runs ``scenario`` (``import-empty``: the export into
    an empty desk; ``import``: the next export into a loaded one; ``pull-empty``,
    ``pull-loaded``) on its task pool, exactly as staff start it from the staff view."""
    import shutil

    work = Path(tempfile.mkdtemp(prefix=f"checkin-bench-{scenario}-"))
    day, codes = _unscanned(db)
    desk = _busy_desk(db, scenario, work / "desk.sqlite", day)
    scans = _scans_while_busy(desk.window, codes, pause_ms, limit_s)
    result = desk.window.staff.tools.result.text()
    desk.close()
    shutil.rmtree(work, ignore_errors=True)
    answered, refused = scans.answered, scans.refused
    return {
        "scenario": scenario,
        "work_s": round(scans.work_s, 1),
        "work_result": result,
        "scans": len(answered) + len(refused),
        "scan_p50_ms": _pct(answered, 0.5) if answered else None,
        "scan_p99_ms": _pct(answered, 0.99) if answered else None,
        "scan_max_ms": round(max(answered), 1) if answered else None,
        "refused": len(refused),
        "outcomes": scans.outcomes,
        # the five slowest scans: ms, what they answered, seconds into the work
        "scan_slowest": [[round(ms, 1), what, round(at, 1)] for ms, what, at in scans.slowest],
    }


def _unscanned(db: Path) -> tuple[str, list[str]]:
    """The first day, and up to 5,000 codes of people expected that day and not yet in."""
    con = cipher.connect(db, readonly=True)
    day = con.execute("SELECT min(day) FROM session").fetchone()[0] or "2026-07-08"
    codes = [
        r[0]
        for r in con.execute(
            "SELECT code FROM attendee WHERE status = 'confirmed' AND (live_uid = uid OR live_uid = '')"
            " AND (days = '' OR days LIKE ?) AND uid NOT IN (SELECT attendee_uid FROM fact)"
            " ORDER BY random() LIMIT 5000",
            (f"%{day}%",),
        )
    ]
    con.close()
    return day, codes


def _busy_desk(db: Path, scenario: str, target: Path, day: str) -> Any:
    """A desk window on a copy of ``db`` (or an empty replica for ``pull-empty``), with the
    scenario's long work started from its staff tools."""
    import shutil

    from checkin.ui.app import build_desk

    hub = build_hub(db) if scenario.startswith("pull") else None
    if scenario in ("pull-empty", "import-empty"):
        from checkin.replica.db import open_replica

        open_replica(target).close()
    else:
        shutil.copyfile(db, target)
    desk = build_desk(target, day=day, show_crash_dialog=False)
    w = desk.window
    w.resize(1366, 768)
    w.show()
    w.scan.page.code_field.setFocus()
    tools = w.staff.tools
    if scenario == "import-empty":
        tools.import_file(db.parent / "inscriptions.csv")
    elif scenario == "import":
        tools.import_file(_next_export(db.parent / "inscriptions.csv", db.parent / "inscriptions-next.csv"))
    else:
        assert hub is not None
        tools.hub.setText(str(hub))
        tools.sync_now()
    return desk


@dataclass
class _BusyScans:
    answered: list[float] = field(default_factory=list)
    slowest: list[tuple[float, str, float]] = field(default_factory=list)  # ms, outcome, at s
    refused: list[float] = field(default_factory=list)  # no answer: the write lock not had in time
    outcomes: dict[str, int] = field(default_factory=dict)
    work_s: float = 0.0


def _scans_while_busy(w: Any, codes: list[str], pause_ms: int, limit_s: float) -> _BusyScans:
    """Scan one code after another (a burst, then Enter, timed to the answer painted) as long
    as the staff tools are busy; then wait for their work to end."""
    from checkin.ui.qt import QApplication

    tools = w.staff.tools
    scans = _BusyScans()
    seen: list[Any] = []
    w.answer_shown.connect(seen.append)
    stamp = 1_000_000
    started = time.perf_counter()
    for code in codes:
        if not tools.busy or time.perf_counter() - started > limit_s:
            break
        target_widget = QApplication.focusWidget() or w
        for ch in code:
            QApplication.sendEvent(target_widget, _key(ch, stamp))
            stamp += 3
        before, error_before = len(seen), w.frame.last_error
        w.frame.last_error = ""
        t0 = time.perf_counter()
        QApplication.sendEvent(target_widget, _key("\r", stamp))
        w.scan.page.panel.repaint()
        w.banner.repaint()
        elapsed = (time.perf_counter() - t0) * 1000
        if len(seen) > before:
            scans.answered.append(elapsed)
            outcome = seen[-1].outcome
        else:
            scans.refused.append(elapsed)
            outcome = "refused: " + (w.frame.last_error or "?")[:70]
        scans.outcomes[outcome] = scans.outcomes.get(outcome, 0) + 1
        scans.slowest = sorted([*scans.slowest, (elapsed, outcome, t0 - started)], reverse=True)[:5]
        w.frame.last_error = w.frame.last_error or error_before
        stamp += 5000
        _spin(pause_ms)
    scans.work_s = time.perf_counter() - started
    while tools.busy and time.perf_counter() - started < limit_s:
        _spin(50)
    return scans


def _spin(ms: int) -> None:
    """Run the event loop for ``ms`` milliseconds."""
    from checkin.ui.qt import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _now_ms() -> int:
    return int(time.monotonic() * 1000)


def _key(ch: str, stamp: int, *, release: bool = False, shifted: bool = False) -> Any:
    """A key event carrying ``ch``, stamped ``stamp`` ms; with ``shifted``, capitals carry
    the Shift modifier as a scanner's keys do."""
    from checkin.ui.qt import QEvent, QKeyEvent, Qt

    k = Qt.Key.Key_Return if ch == "\r" else Qt.Key.Key_A
    mods = Qt.KeyboardModifier.ShiftModifier if shifted and ch.isupper() else Qt.KeyboardModifier.NoModifier
    kind = QEvent.Type.KeyRelease if release else QEvent.Type.KeyPress
    ev = QKeyEvent(kind, k, mods, ch)
    ev.setTimestamp(stamp)
    return ev


def _shift(stamp: int, press: bool) -> Any:
    from checkin.ui.qt import QEvent, QKeyEvent, Qt

    kind = QEvent.Type.KeyPress if press else QEvent.Type.KeyRelease
    mods = Qt.KeyboardModifier.ShiftModifier if press else Qt.KeyboardModifier.NoModifier
    ev = QKeyEvent(kind, Qt.Key.Key_Shift, mods, "")
    ev.setTimestamp(stamp)
    return ev


def run(
    attendees: int = 100_000,
    db: str | None = None,
    rounds: int = 200,
    scenarios: tuple[str, ...] = ("import", "pull-empty", "pull-loaded"),
) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    started = time.perf_counter()
    path = Path(db) if db else build_database(attendees)
    build_s = time.perf_counter() - started
    home = tempfile.mkdtemp(prefix="checkin-bench-home-")
    os.environ["CHECKIN_HOME"] = home  # prints, settings and backups go to a throw-away home
    try:
        return _measure(path, build_s, rounds, scenarios)
    finally:
        shutil.rmtree(home, ignore_errors=True)  # the desks' backups of 100,000 rows: ~1 GB a run


def _measure(path: Path, build_s: float, rounds: int, scenarios: tuple[str, ...]) -> dict[str, Any]:
    from checkin.ui.qt import QApplication

    count, day, codes, names = _sample(path, rounds)
    rng = random.Random(11)
    desk = _open_window(path, day)
    w = desk.window
    app = QApplication.instance()
    assert app is not None
    scan_ms = _scan_bursts(w, codes)
    w.people.show_search()
    _typed_search(w, names, rng, warm_up=True)  # the index's pages into the cache, for both alike
    search_direct, search_hold = _typed_search(w, names, rng)
    desk.close()
    busy = [during(path, scenario) for scenario in scenarios]
    app.shutdown()
    cold = [cold_start(path) for _ in range(3)]
    return {
        "attendees": count,
        "database": str(path),
        "build_s": round(build_s, 1),
        "scan_p50_ms": _pct(scan_ms, 0.5),
        "scan_p99_ms": _pct(scan_ms, 0.99),
        "scans": len(scan_ms),
        "search_p50_ms": _pct(search_direct, 0.5),
        "search_p99_ms": _pct(search_direct, 0.99),
        "search_with_scanner_hold_p50_ms": _pct(search_hold, 0.5),
        "search_with_scanner_hold_p99_ms": _pct(search_hold, 0.99),
        "keystrokes": len(search_direct),
        "cold_start_s": min(cold),
        "cold_start_runs_s": cold,
        "during": busy,
        "load": os.getloadavg(),
    }


def _sample(path: Path, rounds: int) -> tuple[int, str, list[str], list[str]]:
    """The database's size, its first day, ``rounds`` codes expected that day and
    ``rounds`` last names to search."""
    con = cipher.connect(path, readonly=True)
    count = con.execute("SELECT count(*) FROM attendee").fetchone()[0]
    day = con.execute("SELECT min(day) FROM session").fetchone()[0] or "2026-07-08"
    codes = [
        r[0]
        for r in con.execute(
            "SELECT code FROM attendee WHERE status = 'confirmed' AND (live_uid = uid OR live_uid = '')"
            " AND (days = '' OR days LIKE ?) ORDER BY random() LIMIT ?",
            (f"%{day}%", rounds),
        )
    ]
    names = [r[0] for r in con.execute("SELECT last_name FROM attendee ORDER BY random() LIMIT ?", (rounds,))]
    con.close()
    return count, day, codes, names


def _open_window(path: Path, day: str) -> Any:
    from checkin.ui.app import build_desk

    desk = build_desk(path, day=day, show_crash_dialog=False)
    w = desk.window
    w.resize(1366, 768)
    w.show()
    w.scan.page.code_field.setFocus()
    return desk


def send_burst(target: Any, code: str) -> float:
    """A scanner's keys as the filter receives them (Shift around capitals, 3 ms apart,
    stamped with the real clock), then Enter; returns the moment Enter is sent."""
    from checkin.ui.qt import QApplication

    stamp = _now_ms()
    for ch in code:
        if ch.isupper():
            QApplication.sendEvent(target, _shift(stamp, True))
        QApplication.sendEvent(target, _key(ch, stamp + 1, shifted=True))
        QApplication.sendEvent(target, _key(ch, stamp + 1, release=True, shifted=True))
        if ch.isupper():
            QApplication.sendEvent(target, _shift(stamp + 1, False))
        stamp += 3
    t0 = time.perf_counter()
    QApplication.sendEvent(target, _key("\r", stamp, shifted=True))
    return t0


def _scan_bursts(w: Any, codes: list[str]) -> list[float]:
    """A scanner's burst as the filter receives it (Shift around capitals, 3 ms apart,
    stamped with the real clock), then Enter; timed from Enter to the answer painted."""
    from checkin.ui.qt import QApplication

    scan_ms: list[float] = []
    for code in codes:
        t0 = send_burst(QApplication.focusWidget() or w, code)
        w.scan.page.panel.repaint()
        scan_ms.append((time.perf_counter() - t0) * 1000)
        _spin(5)  # let queued print-state signals in, as between two arrivals
    return scan_ms


def _wait_for_results(w: Any, text: str) -> None:
    """Results for ``text`` on screen (the search runs on the task pool)."""
    from checkin.ui.qt import QEventLoop, QTimer

    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if w.people.search.shown_text == text else None)
    timer.start(1)
    if w.people.search.shown_text != text:
        loop.exec()
    timer.stop()


def _typed_search(
    w: Any, names: list[str], rng: random.Random, warm_up: bool = False
) -> tuple[list[float], list[float]]:
    """A volunteer typing names: 120–200 ms between keys, on the real clock (the
    filter sees the real gaps); each key timed from its press to its results painted.
    Names alternate between the filter off and on, so both see the same machine."""
    from checkin.ui.qt import QApplication

    direct: list[float] = []
    filtered: list[float] = []
    gaps = random.Random(7)
    chosen = names[-10:] if warm_up else names[: max(20, len(names) // 2)]
    for i, name in enumerate(chosen):
        with_filter = i % 2 == 1
        out = filtered if with_filter else direct
        w.scan.burst.enabled = with_filter
        w.people.search.field.clear()
        _wait_for_results(w, "")
        _spin(250)  # a pause between two names
        target = w.people.search.field
        text = name[: rng.randint(3, 6)]
        typed = ""
        for ch in text:
            due = time.perf_counter() + gaps.uniform(0.120, 0.200)
            t0 = time.perf_counter()
            QApplication.sendEvent(target, _key(ch, _now_ms(), shifted=True))
            typed += ch
            _wait_for_results(w, typed)
            w.people.search.list.viewport().repaint()
            out.append((time.perf_counter() - t0) * 1000)
            QApplication.sendEvent(target, _key(ch, _now_ms(), release=True, shifted=True))
            left = due - time.perf_counter()
            if left > 0:
                _spin(int(left * 1000))
    w.scan.burst.enabled = True
    return direct, filtered
