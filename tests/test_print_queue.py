"""The print queue under faults: refusing, hanging and killed — nothing lost, nothing twice."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from replica_faults import OtherProgram
from sample import SAMPLE_DIR

from checkin.base.errors import KnownError
from checkin.event import model as event_mod
from checkin.printing.backends import FileBackend
from checkin.printing.errors import PrinterError
from checkin.printing.queue import Job, PdfBadgeRenderer, PrintQueue
from checkin.replica import attendees
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica, open_replica

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = SAMPLE_DIR / "inscriptions.csv"
WAIT = 20.0


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from checkin.importer import import_file

    folder = tmp_path_factory.mktemp("queue")
    replica = open_replica(folder / "template.sqlite")
    import_file(replica, event_mod.load(), SAMPLE)
    replica.close()
    return folder / "template.sqlite"


@pytest.fixture
def replica(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Replica]:
    monkeypatch.setenv("CHECKIN_HOME", str(tmp_path / "home"))
    path = tmp_path / "desk.sqlite"
    shutil.copy(template, path)
    rep = open_replica(path)
    yield rep
    rep.close()


def people(replica: Replica, n: int) -> list[AttendeeView]:
    with replica.read() as conn:
        live = [a for a in attendees.all_live(conn) if a.status == "confirmed"]
    return sorted(live, key=lambda a: a.code)[:n]


class Waiter:
    """Listener that lets a test wait for job states without sleeping."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.seen: list[Job] = []

    def __call__(self, job: Job) -> None:
        with self.cond:
            self.seen.append(job)
            self.cond.notify_all()

    def until(self, predicate: object, timeout: float = WAIT) -> None:
        with self.cond:
            assert self.cond.wait_for(predicate, timeout), [(j.id[:8], j.state, j.error) for j in self.seen]  # type: ignore[arg-type]

    def state(self, job_id: str) -> str:
        return next((j.state for j in reversed(self.seen) if j.id == job_id), "")


class Recorder:
    """A printer that keeps what it receives; can refuse the first jobs or hang."""

    def __init__(self, name: str, refuse: int = 0, hang: threading.Event | None = None) -> None:
        self.name = name
        self.refuse = refuse
        self.hang = hang
        self.received: list[str] = []
        self.calls = 0

    def submit(self, data: bytes, *, job_id: str, title: str, media: str) -> str:
        self.calls += 1
        assert data.startswith(b"%PDF") and media == "A6"
        if self.hang is not None:
            self.hang.wait()
        if self.refuse:
            self.refuse -= 1
            raise PrinterError("Plus de papier")
        self.received.append(job_id)
        return f"{self.name}-{len(self.received)}"

    def already_done(self, job_id: str) -> bool:
        return job_id in self.received


def print_facts(replica: Replica, uid: str) -> int:
    with replica.read() as conn:
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM fact WHERE kind = 'print' AND attendee_uid = ?",
                (uid,),
            ).scalar_one()
        )


def make_queue(replica: Replica, printers: dict[str, object], **kw: float) -> tuple[PrintQueue, Waiter]:
    queue = PrintQueue(replica, printers, PdfBadgeRenderer(event_mod.load()), backoff=0.05, **kw)  # type: ignore[arg-type]
    waiter = Waiter()
    queue.add_listener(waiter)
    return queue, waiter


def test_a_job_goes_through_and_is_logged(replica: Replica) -> None:
    printer = Recorder("p1")
    queue, waiter = make_queue(replica, {"p1": printer})
    person = people(replica, 1)[0]
    queue.start()
    try:
        job_id = queue.enqueue_badge(person, desk="Accueil 1", role="volunteer")
        waiter.until(lambda: waiter.state(job_id) == "done")
    finally:
        queue.stop()
    states = [j.state for j in waiter.seen if j.id == job_id]
    assert states == ["queued", "printing", "done"]
    job = queue.job(job_id)
    assert job is not None and job.attempts == 1 and job.fact_id and job.data["handle"] == "p1-1"
    with replica.read() as conn:
        row = conn.exec_driver_sql(
            "SELECT desk, role, desk_id, data FROM fact WHERE id = ?", (job.fact_id,)
        ).one()
    assert row[0] == "Accueil 1" and row[1] == "volunteer" and row[2] == replica.desk_id and job_id in row[3]


def test_refusing_printer_fails_with_reason_retries_and_never_blocks_others(
    replica: Replica,
) -> None:
    bad, good = Recorder("bad", refuse=2), Recorder("good")
    queue, waiter = make_queue(replica, {"bad": bad, "good": good}, max_attempts=5)
    first, *others = people(replica, 4)
    queue.start()
    try:
        bad_job = queue.enqueue_badge(first, printer="bad")
        good_jobs = [queue.enqueue_badge(p, printer="good") for p in others]
        waiter.until(lambda: all(waiter.state(j) == "done" for j in [bad_job, *good_jobs]))
    finally:
        queue.stop()
    failures = [j for j in waiter.seen if j.id == bad_job and j.state == "failed"]
    assert len(failures) == 2 and all(f.error == "Plus de papier" for f in failures)
    job = queue.job(bad_job)
    assert job is not None and job.attempts == 3 and job.state == "done"
    assert bad.received == [bad_job] and sorted(good.received) == sorted(good_jobs)
    assert print_facts(replica, first.uid) == 1


def test_a_printer_that_always_refuses_ends_failed_with_its_reason(
    replica: Replica,
) -> None:
    bad = Recorder("bad", refuse=99)
    queue, waiter = make_queue(replica, {"bad": bad}, max_attempts=3)
    person = people(replica, 1)[0]
    queue.start()
    try:
        job_id = queue.enqueue_badge(person)
        waiter.until(
            lambda: any(j.id == job_id and j.state == "failed" and j.next_try_at == "" for j in waiter.seen)
        )
    finally:
        queue.stop()
    job = queue.job(job_id)
    assert job is not None and job.state == "failed" and job.attempts == 3 and job.error == "Plus de papier"
    assert print_facts(replica, person.uid) == 0
    # the desk's retry button puts it back in the queue
    queue.retry(job_id)
    assert queue.job(job_id).state == "queued"  # type: ignore[union-attr]


def test_a_hanging_printer_times_out_and_a_late_success_is_not_printed_again(
    replica: Replica,
) -> None:
    release = threading.Event()
    stuck, good = Recorder("stuck", hang=release), Recorder("good")
    queue, waiter = make_queue(replica, {"stuck": stuck, "good": good}, timeout=0.3)
    first, second = people(replica, 2)
    queue.start()
    try:
        stuck_job = queue.enqueue_badge(first, printer="stuck")
        waiter.until(lambda: waiter.state(stuck_job) == "failed")
        assert "ne répond pas" in queue.job(stuck_job).error  # type: ignore[union-attr]
        good_job = queue.enqueue_badge(second, printer="good")
        waiter.until(lambda: waiter.state(good_job) == "done")  # the other printer is not blocked
        release.set()
        waiter.until(lambda: waiter.state(stuck_job) == "done")
    finally:
        release.set()
        queue.stop()
    assert stuck.calls == 1 and stuck.received == [stuck_job]
    assert print_facts(replica, first.uid) == 1


def test_reprints_need_a_reason_and_are_counted(replica: Replica) -> None:
    printer = Recorder("p1")
    queue, waiter = make_queue(replica, {"p1": printer})
    person = people(replica, 1)[0]
    queue.start()
    try:
        job_id = queue.enqueue_badge(person)
        assert queue.enqueue_badge(person) == job_id or waiter.state(job_id) == "done"
        waiter.until(lambda: waiter.state(job_id) == "done")
        with pytest.raises(KnownError, match="motif"):
            queue.enqueue_badge(person)
        with pytest.raises(KnownError, match="motif"):
            queue.enqueue_badge(person, reprint=True, reason="  ")
        again = queue.enqueue_badge(person, reprint=True, reason="lost", role="lead")
        waiter.until(lambda: waiter.state(again) == "done")
    finally:
        queue.stop()
    job = queue.job(again)
    assert job is not None and job.reprint and job.reason == "lost" and job.data["reprint_count"] == 1
    assert print_facts(replica, person.uid) == 2


KILLED = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from checkin.event import model as event
    from checkin.replica import attendees
    from checkin.replica.db import open_replica
    from checkin.printing.backends import FileBackend
    from checkin.printing.queue import PdfBadgeRenderer, PrintQueue

    db, folder, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    replica = open_replica(db)
    with replica.read() as conn:
        people = sorted((a for a in attendees.all_live(conn) if a.status == "confirmed"), key=lambda a: a.code)[:3]

    class Dying(FileBackend):
        def submit(self, data, *, job_id, title, media):
            if job_id == victim and mode == "after":
                super().submit(data, job_id=job_id, title=title, media=media)  # paper out, then killed
            if job_id == victim:
                os.kill(os.getpid(), signal.SIGKILL)
            return super().submit(data, job_id=job_id, title=title, media=media)

    queue = PrintQueue(replica, {"files": Dying("files", folder)}, PdfBadgeRenderer(event.load()))
    ids = [queue.enqueue_badge(p) for p in people]
    victim = ids[1]
    print(" ".join(ids), flush=True)
    queue.start()
    import threading
    threading.Event().wait(60)  # the kill comes first
    """
)


@pytest.mark.parametrize("mode", ["before", "after"])
def test_app_killed_mid_job_resumes_without_loss_or_double_print(
    replica: Replica, tmp_path: Path, mode: str
) -> None:
    folder = tmp_path / "prints"
    script = tmp_path / "killed.py"
    script.write_text(KILLED, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    assert replica.path is not None
    done = subprocess.run(
        [sys.executable, str(script), str(replica.path), str(folder), mode],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == -9, done.stderr
    ids = done.stdout.split()
    assert len(ids) == 3
    queue, waiter = make_queue(replica, {})
    victim = queue.job(ids[1])
    assert victim is not None and victim.state == "printing"  # what the kill left behind
    written_before = {p.name: p.stat().st_mtime_ns for p in folder.glob("job-*.pdf")}

    class Counting(FileBackend):
        def __init__(self, name: str, folder: Path) -> None:
            super().__init__(name, folder)
            self.calls: list[str] = []

        def submit(self, data: bytes, *, job_id: str, title: str, media: str) -> str:
            self.calls.append(job_id)
            return super().submit(data, job_id=job_id, title=title, media=media)

    backend = Counting("files", folder)
    queue, waiter = make_queue(replica, {"files": backend})
    queue.start()
    try:
        waiter.until(lambda: all(queue.job(i).state == "done" for i in ids))  # type: ignore[union-attr]
    finally:
        queue.stop()
    assert ids[0] not in backend.calls  # printed before the kill: not again
    if mode == "after":
        assert ids[1] not in backend.calls  # the file was out: closed, not printed again
        assert written_before[f"job-{ids[1]}.pdf"] == (folder / f"job-{ids[1]}.pdf").stat().st_mtime_ns
    else:
        assert backend.calls.count(ids[1]) == 1  # never reached the printer: printed once now
    assert sorted(p.name for p in folder.glob("job-*.pdf")) == sorted(f"job-{i}.pdf" for i in ids)
    with replica.read() as conn:
        per_job = conn.exec_driver_sql(
            "SELECT json_extract(data, '$.job'), count(*) FROM fact WHERE kind = 'print' GROUP BY 1"
        ).all()
    assert sorted(per_job) == sorted((i, 1) for i in ids)


# -- workers that cannot die: the database made busy under them by a real second connection
# (another process holding SQLite's write lock), and a bug inside a worker ------------------


@pytest.fixture
def busy_queue(replica: Replica) -> Iterator[tuple[PrintQueue, Recorder, Waiter]]:
    printer = Recorder("p1")
    queue, waiter = make_queue(replica, {"p1": printer}, write_timeout=0.3)
    yield queue, printer, waiter
    queue.stop()


def _alive(queue: PrintQueue) -> bool:
    return bool(queue._threads) and all(t.is_alive() for t in queue._threads)


def test_busy_database_when_the_worker_claims(
    replica: Replica,
    busy_queue: tuple[PrintQueue, Recorder, Waiter],
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue, printer, _waiter = busy_queue
    person = people(replica, 1)[0]
    job_id = queue.enqueue_badge(person)
    assert replica.path is not None
    other = OtherProgram(replica.path)
    try:
        with caplog.at_level(logging.WARNING, logger="checkin.printing.queue"):
            queue.start()
            waited = threading.Event()
            waited.wait(1.5)  # several claims refused meanwhile
            assert _alive(queue)
            assert any("occupée par un autre programme" in r.getMessage() for r in caplog.records)
            assert printer.received == []
    finally:
        other.release()
    _wait(lambda: queue.job(job_id).state == "done")  # type: ignore[union-attr]
    assert printer.received == [job_id] and print_facts(replica, person.uid) == 1
    assert _alive(queue)


def test_busy_database_when_the_printed_job_is_recorded(
    replica: Replica,
    busy_queue: tuple[PrintQueue, Recorder, Waiter],
) -> None:
    """The printer printed, then the database refuses the 'done': the job is recorded
    later and never printed again."""
    queue, printer, _waiter = busy_queue
    assert replica.path is not None
    holder: list[OtherProgram] = []
    submit = printer.submit

    def print_then_lock(data: bytes, **kw: str) -> str:
        handle = submit(data, **kw)
        if not holder:
            holder.append(OtherProgram(replica.path))  # type: ignore[arg-type]
        return handle

    printer.submit = print_then_lock  # type: ignore[method-assign]
    first, second = people(replica, 2)
    queue.start()
    try:
        job_id = queue.enqueue_badge(first)
        _wait(lambda: bool(holder))
        threading.Event().wait(1.0)
        assert _alive(queue)
        assert queue.job(job_id).state == "printing"  # type: ignore[union-attr]
    finally:
        for other in holder:
            other.release()
    _wait(lambda: queue.job(job_id).state == "done")  # type: ignore[union-attr]
    second_id = queue.enqueue_badge(second)  # the worker goes on with the next badge
    _wait(lambda: queue.job(second_id).state == "done")  # type: ignore[union-attr]
    assert printer.calls == 2 and printer.received == [job_id, second_id]
    assert print_facts(replica, first.uid) == 1


def test_a_bug_inside_a_worker_fails_the_job_with_a_reason_and_the_worker_lives(
    replica: Replica,
    busy_queue: tuple[PrintQueue, Recorder, Waiter],
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue, printer, waiter = busy_queue
    run = queue._run
    calls = [0]

    def broken_once(job: object) -> None:
        calls[0] += 1
        if calls[0] == 1:
            raise ValueError("a bug")
        run(job)  # type: ignore[arg-type]

    queue._run = broken_once  # type: ignore[method-assign]
    person = people(replica, 1)[0]
    with caplog.at_level(logging.ERROR, logger="checkin.printing.queue"):
        queue.start()
        job_id = queue.enqueue_badge(person)
        _wait(lambda: queue.job(job_id).state == "done")  # type: ignore[union-attr]
    assert any(r.exc_info and "a bug" in str(r.exc_info[1]) for r in caplog.records)
    states = [(j.state, j.error) for j in waiter.seen if j.id == job_id]
    assert ("failed", "Erreur interne de la file d'impression : ValueError('a bug')") in states
    assert printer.received == [job_id] and _alive(queue)


def _wait(predicate: object, timeout: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


BLIND_KILLED = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from checkin.event import model as event
    from checkin.replica import attendees
    from checkin.replica.db import open_replica
    from checkin.printing.queue import PdfBadgeRenderer, PrintQueue

    db, ledger, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    replica = open_replica(db)
    with replica.read() as conn:
        person = sorted((a for a in attendees.all_live(conn) if a.status == "confirmed"), key=lambda a: a.code)[0]

    class Blind:  # a CUPS queue or a receipt printer: prints, cannot be asked afterwards
        name = "blind"
        def submit(self, data, *, job_id, title, media):
            with ledger.open("a") as fh:
                fh.write(job_id + "\\n")
            os.kill(os.getpid(), signal.SIGKILL)  # killed right after the printer took it
        def already_done(self, job_id):
            return None

    def render(job, attendee):
        if mode == "before":
            os.kill(os.getpid(), signal.SIGKILL)  # killed while the badge was being drawn
        return b"%PDF-1.4 test", "A6"

    queue = PrintQueue(replica, {"blind": Blind()}, render)
    print(queue.enqueue_badge(person), flush=True)
    queue.start()
    import threading
    threading.Event().wait(60)
    """
)


class Blind(Recorder):
    def already_done(self, job_id: str) -> bool | None:  # type: ignore[override]
        return None


@pytest.mark.parametrize("mode", ["before", "sending"])
def test_a_printer_that_cannot_tell_never_prints_a_badge_twice_by_itself(
    replica: Replica, tmp_path: Path, mode: str
) -> None:
    """Killed while drawing the badge: printed once after the restart. Killed once the
    printer took it (it cannot be asked): not sent again; the desk asks to look at the tray,
    and "Réessayer" prints it if it did not come out."""
    script, ledger = tmp_path / "blind.py", tmp_path / "ledger.txt"
    script.write_text(BLIND_KILLED, encoding="utf-8")
    assert replica.path is not None
    done = subprocess.run(
        [sys.executable, str(script), str(replica.path), str(ledger), mode],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=120,
        check=False,
    )
    assert done.returncode == -9, done.stderr
    job_id = done.stdout.split()[0]
    printer = Blind("blind")
    queue, waiter = make_queue(replica, {"blind": printer})
    queue.start()
    try:
        if mode == "before":
            waiter.until(lambda: waiter.state(job_id) == "done")
            assert printer.received == [job_id] and not ledger.exists()
        else:
            job = queue.job(job_id)
            assert job is not None and job.state == "failed" and job.next_try_at == ""
            assert "regardez si le badge est sorti" in job.error
            assert ledger.read_text().split() == [job_id] and printer.received == []
            queue.retry(job_id)  # the person looked: no badge in the tray
            waiter.until(lambda: waiter.state(job_id) == "done")
            assert printer.received == [job_id]
    finally:
        queue.stop()


def test_an_admission_answered_just_before_a_kill_gets_its_badge_at_the_restart(replica: Replica) -> None:
    from checkin.replica import facts

    first, second = people(replica, 2)
    facts.record_checkin(replica, first, day="2026-07-08", desk="Accueil 1")  # answered, then killed
    facts.record_checkin(replica, second, day="2026-07-08", desk="Accueil 1")
    printer = Recorder("p1")
    queue, waiter = make_queue(replica, {"p1": printer})
    queue.start()
    try:
        queue.enqueue_badge(second)  # this one's badge was queued before the kill
        queued = queue.recover_unqueued(desk_id=replica.desk_id, day="2026-07-08")
        assert len(queued) == 1
        waiter.until(lambda: len(printer.received) == 2)
        assert queue.recover_unqueued(desk_id=replica.desk_id, day="2026-07-08") == []
    finally:
        queue.stop()
    assert print_facts(replica, first.uid) == print_facts(replica, second.uid) == 1
