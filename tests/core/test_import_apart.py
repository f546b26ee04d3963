"""The window's import in a process of its own (``importer/apart.py``): the same replica and
summary as in-process, the desk's own writes served first while it runs, the process
killed leaving an import that a rerun completes, and its errors the same sentences."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest

from checkin.arrivals import scan
from checkin.base.errors import DatabaseError, ImportFileError
from checkin.event.model import EventConfig
from checkin.importer import apply, import_file
from checkin.importer.apart import import_apart
from checkin.importer.summary import ImportSummary
from checkin.replica.db import Replica, open_replica

from .test_import_workers import _rows


def _same(s: ImportSummary) -> dict[str, object]:
    return {k: v for k, v in dataclasses.asdict(s).items() if k not in ("steps", "longest_step_ms")}


def test_an_import_apart_gives_the_replica_and_summary_of_one_in_process(
    tmp_path: Path, event: EventConfig, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = sample_dir / "inscriptions.csv"
    alone = open_replica(tmp_path / "alone.sqlite")
    by_hand = import_file(alone, event, export)

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("the rows were written by this process")

    monkeypatch.setattr(apply, "_apply", not_here)  # this process's copy: the other has its own
    desk = open_replica(tmp_path / "desk.sqlite")
    summary = import_apart(desk, event, export)
    assert _same(summary) == _same(by_hand)
    assert _rows(desk) == _rows(alone)
    assert desk.write_lock.signal is None  # the shared flag is let go with the process


def test_the_desk_scans_and_records_while_an_import_runs_apart(
    tmp_path: Path, event: EventConfig, sample_db: Replica, sample_dir: Path
) -> None:
    """A desk already loaded re-imports a changed export in a process of its own, in many
    small steps, while its own thread scans: every scan is answered and recorded, none is
    refused for a busy replica, and the import ends complete."""
    with sample_db.read() as conn:
        codes = list(
            conn.exec_driver_sql(
                "SELECT code FROM attendee WHERE status = 'confirmed' AND live_uid = uid "
                "AND days LIKE '%2026-07-08%' LIMIT 40"
            ).scalars()
        )
    changed = tmp_path / "inscriptions.csv"
    text = (sample_dir / "inscriptions.csv").read_text(encoding="utf-8-sig")
    changed.write_text(text.replace("Mairie", "Hôtel de ville"), encoding="utf-8")
    sample_db.interactive_thread = threading.get_ident()
    outcome: list[object] = []

    def importing() -> None:
        try:
            outcome.append(import_apart(sample_db, event, changed, lock_budget_s=0.0001))
        except Exception as exc:  # the test says what went wrong
            outcome.append(exc)

    worker = threading.Thread(target=importing)
    worker.start()
    answers: list[scan.Decision] = []
    while worker.is_alive() or len(answers) < 5:
        if len(answers) == len(codes):
            break
        answers.append(scan.decide(sample_db, event, codes[len(answers)], day="2026-07-08", desk="Test"))
    worker.join(timeout=120)
    (summary,) = outcome
    assert isinstance(summary, ImportSummary), summary
    assert summary.updated > 0 and summary.rejected == []
    assert {a.outcome for a in answers} == {"admitted"}
    with sample_db.read() as conn:
        recorded = conn.exec_driver_sql("SELECT count(*) FROM fact WHERE kind = 'checkin'").scalar_one()
        moved = conn.exec_driver_sql(
            "SELECT count(*) FROM attendee WHERE organisation LIKE '%Hôtel de ville%'"
        ).scalar_one()
    assert recorded == len(answers)
    assert moved == summary.updated
    assert sample_db.write_lock.signal is None


def test_the_import_process_killed_mid_step_leaves_an_import_a_rerun_completes(
    tmp_path: Path, event: EventConfig, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import's process killed (SIGKILL) inside its third write step: the desk is told
    in one sentence, the steps committed stay, and importing again completes the work."""
    export = sample_dir / "inscriptions.csv"
    desk = open_replica(tmp_path / "desk.sqlite")
    monkeypatch.setenv("CHECKIN_IMPORT_KILL_STEP", "3")  # read by the import's process
    with pytest.raises(DatabaseError) as stopped:
        import_apart(desk, event, export, lock_budget_s=0.0001)
    assert "Importez de nouveau ce fichier" in stopped.value.message
    state = apply.interrupted_import(desk)
    assert state is not None and state["file"] == "inscriptions.csv"
    with desk.read() as conn:
        half = conn.exec_driver_sql("SELECT count(*) FROM attendee").scalar_one()
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
    assert 0 < half < 578
    monkeypatch.delenv("CHECKIN_IMPORT_KILL_STEP")
    again = import_apart(desk, event, export)
    assert apply.interrupted_import(desk) is None
    clean = open_replica(tmp_path / "clean.sqlite")
    import_file(clean, event, export)
    assert _rows(desk) == _rows(clean)
    assert again.created == len(_rows(clean)) - half


def test_a_file_that_cannot_be_imported_is_the_same_sentence_apart(
    tmp_path: Path, event: EventConfig
) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("Quelques notes\nsans colonnes reconnues\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as here:
        import_file(open_replica(tmp_path / "here.sqlite"), event, bad)
    with pytest.raises(ImportFileError) as apart:
        import_apart(open_replica(tmp_path / "apart.sqlite"), event, bad)
    assert apart.value.message == here.value.message


def test_a_previewed_file_is_imported_apart_as_it_was_previewed(
    tmp_path: Path, event: EventConfig, sample_dir: Path
) -> None:
    """The window's preview (a dry run) then its import, in the import's own process: the
    export read as the preview read it (its format, encoding and separator), the same rows."""
    from checkin.importer import preview

    desk = open_replica(tmp_path / "desk.sqlite")
    shown = preview.preview(desk, event, sample_dir / "inscriptions.csv")
    assert shown.export is not None and shown.summary.created == 578
    summary = preview.run_import(desk, event, shown)
    assert summary.created == 578 and summary.file == shown.summary.file
    alone = open_replica(tmp_path / "alone.sqlite")
    import_file(alone, event, sample_dir / "inscriptions.csv")
    assert _rows(desk) == _rows(alone)


def test_no_process_to_be_had_imports_in_the_desks_process(
    tmp_path: Path, event: EventConfig, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A system that refuses a new process (out of memory, locked down): the import is done
    in the desk's own process, as before, rather than failing."""
    import multiprocessing

    spawn = multiprocessing.get_context("spawn")

    class Refusing(spawn.Process):  # type: ignore[name-defined,misc]
        def start(self) -> None:
            raise OSError(12, "Cannot allocate memory")

    class Context:
        def __getattr__(self, name: str) -> object:
            return Refusing if name == "Process" else getattr(spawn, name)

    monkeypatch.setattr(multiprocessing, "get_context", lambda method: Context())
    desk = open_replica(tmp_path / "desk.sqlite")
    summary = import_apart(desk, event, sample_dir / "inscriptions.csv")
    assert summary.created == 578
    assert desk.write_lock.signal is None


def test_while_the_desk_scans_the_import_writes_short_steps_each_flushed_to_disk(
    tmp_path: Path, event: EventConfig, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen writing once (a scan, in the desk's process), the desk counts as scanning for a
    few seconds: the import's steps keep to the short budget, and each is
    flushed to disk outside the lock (a scan's own flush then writes its rows only)."""
    export = sample_dir / "inscriptions.csv"
    steps: list[int] = []  # the rows of each step (the search index's own steps follow them)
    write_rows = apply._write_rows
    monkeypatch.setattr(apply, "_write_rows", lambda *a: steps.append(write_rows(*a)) or steps[-1])
    quiet = open_replica(tmp_path / "quiet.sqlite")
    import_file(quiet, event, export, lock_budget_s=30.0)
    alone, steps[:] = list(steps), []

    monkeypatch.setattr(apply, "ACTIVE_BUDGET_S", 0.0)  # one chunk a step while the desk scans
    busy = open_replica(tmp_path / "busy.sqlite")
    busy.write_lock.outside = [0, 1]  # shared with the desk: nobody waiting, one scan written
    flushes: list[int] = []
    monkeypatch.setattr(busy, "flush", lambda: flushes.append(1))
    import_file(busy, event, export, lock_budget_s=30.0)
    chunks = -(-578 // apply.STEP_ROWS)
    assert alone == [578]  # the whole file in one step
    assert len(steps) >= chunks and sum(steps) == 578
    assert len(flushes) >= chunks
    assert _rows(busy) == _rows(quiet)


def test_work_apart_is_stopped_when_the_desk_closes(tmp_path: Path) -> None:
    """The desk closing stops the work running apart (Python would wait for its end): the
    desk's thread waiting for it is told it stopped, and what it committed stays."""
    import os
    import time

    from checkin.replica import apart

    from . import apart_child

    desk = open_replica(tmp_path / "desk.sqlite")
    outcome: list[object] = []

    def waiting() -> None:
        try:
            outcome.append(
                apart.run_apart(
                    desk,
                    lambda: "here",
                    apart_child.slow,
                    (120.0,),
                    switch="CHECKIN_TEST_APART",
                    stopped="stopped with the desk",
                    unexpected="?",
                )
            )
        except DatabaseError as exc:
            outcome.append(exc.message)

    worker = threading.Thread(target=waiting)
    worker.start()
    deadline = time.monotonic() + 60
    while desk.meta("apart.started") != "yes" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert desk.meta("apart.started") == "yes"
    (child,) = apart._running
    if hasattr(os, "getpriority"):  # below the desk's scheduling priority
        desk_level = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == min(19, desk_level + apart.NICE)
    apart.stop_all()
    worker.join(timeout=60)
    assert not worker.is_alive()  # long before the work's 120 s
    assert outcome == ["stopped with the desk"]
    assert not apart._running
