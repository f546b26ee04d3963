"""kill -9 during admissions with badge printing on.

A desk process (:func:`child`) admits people one after the other through the scan decision,
queues each admitted person's badge and prints it on a printer that, like a CUPS queue or a
receipt printer, keeps a record of what it received (a ledger, flushed at each job) but
cannot tell the desk afterwards whether a job went through. It writes ``ANSWER`` on its
standard output once an answer is given — what the volunteer would have read. The parent
kills it with SIGKILL at random moments, restarts it, and at the end drains the queue and
counts:

* answered admissions not in the replica (lost): must be 0;
* people with more than one standing check-in on the day (admitted twice): must be 0;
* badges the printer received more than once for one person (printed twice);
* admitted people with no badge on paper and no job left for a person to look at.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

from checkin.printing.errors import PrinterError

DAY = "2026-07-08"


class LedgerPrinter:
    """A printer that remembers what it printed (its ledger) but cannot be asked (as CUPS
    or a receipt printer after a crash): ``already_done`` is ``None``, "cannot tell"."""

    def __init__(self, ledger: Path, name: str = "ledger") -> None:
        self.ledger = ledger
        self.name = name

    def submit(self, data: bytes, *, job_id: str, title: str, media: str) -> str:
        if not data.startswith(b"%PDF"):
            raise PrinterError("not a PDF")
        fd = os.open(self.ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{job_id}\n".encode())
            os.fsync(fd)  # on paper now
        finally:
            os.close(fd)
        return job_id

    def already_done(self, job_id: str) -> bool | None:
        return None


def child(db: Path, ledger: Path, seed: int, out: Any, *, drain: bool = False) -> None:
    """The desk under test: admit, answer, queue the badge, print; ``drain``: only print."""
    from checkin.arrivals import scan
    from checkin.event import model as event_module
    from checkin.printing.queue import PdfBadgeRenderer, PrintQueue
    from checkin.replica.attendees import all_live
    from checkin.replica.db import open_replica

    ev = event_module.load()
    replica = open_replica(db)
    replica.set_interactive()  # this thread plays the window's part
    queue = PrintQueue(
        replica, {"ledger": LedgerPrinter(ledger)}, PdfBadgeRenderer(ev), backoff=0.05, max_backoff=0.5
    )
    queue.start()  # settles what a kill left in "printing"
    queue.recover_unqueued(desk_id=replica.desk_id, day=DAY, desk="Accueil kill")  # as the window does
    print("READY", file=out, flush=True)
    if drain:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and any(
            j.state in ("queued", "printing") or (j.state == "failed" and j.next_try_at) for j in queue.jobs()
        ):
            time.sleep(0.05)
        queue.stop()
        replica.close()
        print("DRAINED", file=out, flush=True)
        return
    rng = random.Random(seed)
    with replica.read() as conn:
        people = [a for a in all_live(conn) if a.status == "confirmed" and (not a.days or DAY in a.days)]
    rng.shuffle(people)
    for person in people:
        decision = scan.decide(replica, ev, person.code, day=DAY, desk="Accueil kill")
        target = decision.live or decision
        uid = target.attendee.uid if target.attendee else ""
        fact = target.checkin.id if target.checkin else ""
        print(f"ANSWER {target.outcome} {uid} {fact}", file=out, flush=True)
        if target.outcome == "admitted":
            queue.enqueue_badge(uid, desk="Accueil kill")
        time.sleep(rng.uniform(0, 0.03))


def _forked(db: Path, ledger: Path, seed: int, *, drain: bool = False) -> tuple[int, Any]:
    """A desk process forked from this one (modules and fonts already loaded): its pid and
    the read end of its output."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a real process, killed for real
        os.close(read_fd)
        code = 0
        try:
            with os.fdopen(write_fd, "w", encoding="utf-8") as out:
                child(db, ledger, seed, out, drain=drain)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    return pid, os.fdopen(read_fd, encoding="utf-8")


def _warm_up(workdir: Path) -> None:
    """Load the badge renderer's fonts before forking, as a desk has them after its first badge."""
    import io

    from checkin.event import model as event_module
    from checkin.printing.badge import BadgeRenderer
    from checkin.replica.attendees import all_live
    from checkin.replica.db import open_replica

    ev = event_module.load()
    replica = open_replica(workdir / "desk.sqlite")
    try:
        with replica.read() as conn:
            people = all_live(conn)[:20]
    finally:
        replica.close()
    BadgeRenderer(ev, "a6").render(people, io.BytesIO())


def run(workdir: Path, *, kills: int = 200, attendees: int = 3000, seed: int = 13) -> dict[str, Any]:
    """The campaign (POSIX: each desk process is forked, then killed with SIGKILL)."""
    from checkin.demo import synthetic
    from checkin.event import model as event_module
    from checkin.importer import import_file
    from checkin.replica.db import open_replica

    workdir.mkdir(parents=True, exist_ok=True)
    db, ledger = workdir / "desk.sqlite", workdir / "ledger.txt"
    for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), ledger):
        stale.unlink(missing_ok=True)
    ev = event_module.load()
    replica = open_replica(db)
    import_file(replica, ev, synthetic.write_export(workdir / "export.csv", attendees, ev))
    replica.close()
    _warm_up(workdir)
    rng = random.Random(seed)
    answered: list[tuple[str, str, str]] = []
    started = time.perf_counter()
    for _n in range(kills):
        pid, out = _forked(db, ledger, rng.randrange(1 << 30))
        with out:
            if out.readline().strip() != "READY":
                os.waitpid(pid, 0)
                raise RuntimeError("the desk process did not start")
            time.sleep(rng.uniform(0.1, 0.8))  # a few admissions, then the kill
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            for line in out.read().splitlines():
                parts = [*line.split(), "", "", ""]
                if parts[0] == "ANSWER":
                    answered.append((parts[1], parts[2], parts[3]))
    pid, out = _forked(db, ledger, 0, drain=True)  # once more, to print what is left
    with out:
        drained = "DRAINED" in out.read()
    os.waitpid(pid, 0)
    return {
        "kills": kills,
        "seconds": round(time.perf_counter() - started, 1),
        "drained": drained,
        **_count(db, ledger, answered),
    }


def _count(db: Path, ledger: Path, answered: list[tuple[str, str, str]]) -> dict[str, Any]:
    from checkin.replica import cipher

    con = cipher.connect(db, readonly=True)
    try:
        facts = {r[0] for r in con.execute("SELECT id FROM fact WHERE kind = 'checkin'")}
        doubles = con.execute(
            "SELECT count(*) FROM (SELECT coalesce(nullif(a.live_uid, ''), a.uid) p, count(*) n FROM fact f "
            "JOIN attendee a ON a.uid = f.attendee_uid WHERE f.kind = 'checkin' AND f.day = ? AND NOT EXISTS "
            "(SELECT 1 FROM fact u WHERE u.kind = 'undo' AND u.ref = f.id) GROUP BY p HAVING n > 1)",
            (DAY,),
        ).fetchone()[0]
        owner = dict(con.execute("SELECT id, attendee_uid FROM print_job WHERE kind = 'badge'").fetchall())
        states = Counter(s for (s,) in con.execute("SELECT state FROM print_job"))
        admitted = {r[0] for r in con.execute("SELECT attendee_uid FROM fact WHERE kind = 'checkin'")}
        to_look_at = {
            r[0]
            for r in con.execute(
                "SELECT attendee_uid FROM print_job WHERE state = 'failed' AND next_try_at = ''"
            )
        }
    finally:
        con.close()
    received = ledger.read_text(encoding="utf-8").split() if ledger.exists() else []
    per_person = Counter(owner.get(j, "?") for j in received)
    admissions = [a for a in answered if a[0] == "admitted"]
    on_paper = set(per_person)
    return {
        "answers": len(answered),
        "answered_admissions": len(admissions),
        "answered_admissions_lost": sum(1 for a in admissions if a[2] not in facts),
        "admitted": len(admitted),
        "admitted_twice": int(doubles),
        "badges_received_by_the_printer": len(received),
        "badges_printed_twice": sum(1 for n in per_person.values() if n > 1),
        # Admitted, no badge on paper: a job a person is asked to look at (interrupted while
        # sending: the tray decides), or nothing at all (a badge lost).
        "badges_left_to_a_person": len((admitted - on_paper) & to_look_at),
        "badges_lost": len(admitted - on_paper - to_look_at),
        "job_states": dict(states),
    }
