"""A printer that hangs: a network page printer (a raw port-9100 connection, no timeout of
its own, as an office printer's driver has) that accepts the connection and stops reading.

Each trial: a badge for the hung printer and badges for a working one are queued, while
the desk keeps scanning on its own thread. Counted: the hung job fails with a sentence in
the queue's time limit (not later), the working printer prints everything meanwhile, the
scans are answered as fast as without the hang, and when the printer comes back and takes
the late job, the job is closed as printed — not sent again.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checkin.event.model import EventConfig
    from checkin.replica.attendees import AttendeeView
    from checkin.replica.db import Replica

PAYLOAD = 8 << 20  # a badge page as a printer language job: far more than socket buffers hold


class HungPrinter:
    """A TCP server that accepts and reads nothing until :meth:`come_back`; then it reads
    every job to its end and counts them."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.back = threading.Event()
        self.jobs = 0
        self._stop = False
        self.thread = threading.Thread(target=self._serve, name="hung-printer", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _addr = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._take, args=(conn,), daemon=True).start()

    def _take(self, conn: socket.socket) -> None:
        with conn:
            self.back.wait()  # hung: nothing read
            got = 0
            while True:
                chunk = conn.recv(1 << 20)
                if not chunk:
                    break
                got += len(chunk)
            if got >= PAYLOAD:
                self.jobs += 1

    def come_back(self) -> None:
        self.back.set()

    def close(self) -> None:
        self._stop = True
        self.back.set()
        self.server.close()


class RawNetworkPrinter:
    """A page printer on a raw TCP port, sent a job the size a page description takes."""

    def __init__(self, name: str, port: int) -> None:
        self.name = name
        self.port = port

    def submit(self, data: bytes, *, job_id: str, title: str, media: str) -> str:
        with socket.create_connection(("127.0.0.1", self.port)) as sock:
            sock.sendall(data + b"\0" * max(0, PAYLOAD - len(data)))  # blocks while the printer hangs
        return job_id

    def already_done(self, job_id: str) -> bool | None:
        return None


def run(workdir: Path, *, trials: int = 10, timeout: float = 2.0) -> dict[str, Any]:
    from checkin.event import model as event_module

    workdir.mkdir(parents=True, exist_ok=True)
    ev = event_module.load()
    replica, people = _desk(workdir, ev, 60 * trials + 100)
    counts = {
        "trials": 0,
        "failed_with_a_sentence_in_time": 0,
        "others_printed_meanwhile": 0,
        "late_job_closed_not_resent": 0,
        "sent_twice": 0,
    }
    fail_s: list[float] = []
    scan_ms: list[float] = []
    try:
        for trial in range(trials):
            batch = people[trial * 50 : trial * 50 + 50]
            _trial(replica, ev, batch, workdir / f"prints-{trial}", timeout, counts, fail_s, scan_ms)
            counts["trials"] += 1
    finally:
        replica.close()
    scan_ms.sort()
    return {
        **counts,
        "time_to_fail_s_max": round(max(fail_s), 2) if fail_s else None,
        "queue_timeout_s": timeout,
        "scans_during_the_hang": len(scan_ms),
        "scan_p99_ms": round(scan_ms[min(len(scan_ms) - 1, int(0.99 * len(scan_ms)))], 1)
        if scan_ms
        else None,
    }


def _desk(workdir: Path, ev: EventConfig, attendees: int) -> tuple[Replica, list[AttendeeView]]:
    """A fresh desk replica with a synthetic export imported, and the people expected on
    the first day."""
    from checkin.demo import synthetic
    from checkin.importer import import_file
    from checkin.replica.attendees import all_live
    from checkin.replica.db import open_replica

    db = workdir / "desk.sqlite"
    for stale in workdir.glob("desk.sqlite*"):
        stale.unlink()
    replica = open_replica(db)
    import_file(replica, ev, synthetic.write_export(workdir / "export.csv", attendees, ev))
    replica.set_interactive()
    with replica.read() as conn:
        people = [
            a for a in all_live(conn) if a.status == "confirmed" and (not a.days or "2026-07-08" in a.days)
        ]
    return replica, people


def _trial(
    replica: Replica,
    ev: EventConfig,
    batch: list[AttendeeView],
    prints: Path,
    timeout: float,
    counts: dict[str, int],
    fail_s: list[float],
    scan_ms: list[float],
) -> None:
    """One badge for the hung printer and five for a working one, 44 admissions meanwhile;
    then the printer comes back. Adds to ``counts``, ``fail_s`` and ``scan_ms``."""
    from checkin.printing.backends import FileBackend
    from checkin.printing.queue import PdfBadgeRenderer, PrintQueue

    printer = HungPrinter()
    hung = RawNetworkPrinter("bureau", printer.port)
    good = FileBackend("files", prints)
    queue = PrintQueue(
        replica, {"bureau": hung, "files": good}, PdfBadgeRenderer(ev), timeout=timeout, backoff=0.05
    )
    states: dict[str, str] = {}
    errors: dict[str, str] = {}

    def listen(job: Any) -> None:
        states[job.id] = job.state
        errors[job.id] = job.error

    queue.add_listener(listen)
    queue.start()
    started = time.monotonic()
    stuck = queue.enqueue_badge(batch[0], printer="bureau")
    others = [queue.enqueue_badge(p, printer="files") for p in batch[1:6]]
    _admit_meanwhile(replica, ev, batch[6:50], lambda: states.get(stuck) == "failed", scan_ms)
    while states.get(stuck) != "failed" and time.monotonic() - started < timeout + 10:
        time.sleep(0.02)
    if states.get(stuck) == "failed" and "ne répond pas" in errors.get(stuck, ""):
        fail_s.append(time.monotonic() - started)
        if fail_s[-1] < timeout + 2:
            counts["failed_with_a_sentence_in_time"] += 1
    while any(states.get(j) != "done" for j in others) and time.monotonic() - started < 30:
        time.sleep(0.02)
    if all(states.get(j) == "done" for j in others):
        counts["others_printed_meanwhile"] += 1
    printer.come_back()
    while states.get(stuck) != "done" and time.monotonic() - started < 60:
        time.sleep(0.05)
    time.sleep(0.3)
    queue.stop()
    job = queue.job(stuck)
    if job is not None and job.state == "done" and job.attempts == 1:
        counts["late_job_closed_not_resent"] += 1
    if printer.jobs > 1:
        counts["sent_twice"] += 1
    printer.close()


def _admit_meanwhile(
    replica: Replica,
    ev: EventConfig,
    people: list[AttendeeView],
    failed: Callable[[], bool],
    scan_ms: list[float],
) -> None:
    """The desk goes on admitting while the printer hangs, each scan timed, until the hung
    job has failed."""
    from checkin.arrivals import scan

    for person in people:
        t0 = time.perf_counter()
        scan.decide(replica, ev, person.code, day="2026-07-08", desk="A")
        scan_ms.append((time.perf_counter() - t0) * 1000)
        if failed():
            break
        time.sleep(0.02)
