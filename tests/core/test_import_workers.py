"""Imports cleaned in worker processes: the same replica as in-process, and a worker or the
importing process killed leaves the replica consistent and the import resumable."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from checkin.event.model import EventConfig
from checkin.importer import apply, import_file, workers
from checkin.replica.db import Replica, open_replica

ROOT = Path(__file__).resolve().parents[2]
QUERY = (
    "SELECT uid, registration, code, status, category, days, live_uid, row_hash, search_names, raw "
    "FROM attendee ORDER BY uid"
)


def _rows(replica: Replica) -> list[object]:
    with replica.read() as conn:
        return list(conn.exec_driver_sql(QUERY).all())


def _small_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample (578 rows) cleaned by two workers, 50 rows a chunk (a real file: 2,000)."""
    monkeypatch.setattr(workers, "POOL_MIN_ROWS", 100)
    monkeypatch.setattr(workers, "CHUNK_ROWS", 50)
    monkeypatch.setattr(workers, "WORKERS", 2)


def test_workers_give_the_replica_and_summary_of_an_import_in_process(
    tmp_path: Path, event: EventConfig, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample's duplicates, rejections and defaults depend on the order of the rows: the
    pool returns them in the file's order, so nothing differs but where the work ran."""
    alone = open_replica(tmp_path / "alone.sqlite")
    by_hand = import_file(alone, event, sample_dir / "inscriptions.csv")
    _small_pool(monkeypatch)
    pooled = open_replica(tmp_path / "pooled.sqlite")
    summary = import_file(pooled, event, sample_dir / "inscriptions.csv")
    assert _rows(pooled) == _rows(alone)

    def same(s: object) -> dict[str, object]:
        return {k: v for k, v in dataclasses.asdict(s).items() if k not in ("steps", "longest_step_ms")}  # type: ignore[call-overload]

    assert same(summary) == same(by_hand)
    monkeypatch.setattr(workers, "WORKERS", 1)  # one core: each chunk cleaned here as it comes
    single = open_replica(tmp_path / "single.sqlite")
    assert same(import_file(single, event, sample_dir / "inscriptions.csv")) == same(by_hand)
    assert _rows(single) == _rows(alone)

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged file is settled in-process: nothing to clean")

    monkeypatch.setattr(workers, "ProcessPoolExecutor", no_pool)
    again = import_file(pooled, event, sample_dir / "inscriptions.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, by_hand.created)


def test_a_worker_killed_mid_chunk_stops_the_import_with_a_sentence_and_nothing_written(
    tmp_path: Path, event: EventConfig, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_pool(monkeypatch)
    monkeypatch.setenv("CHECKIN_IMPORT_KILL_CHUNK", "3")  # read by each spawned worker
    replica = open_replica(tmp_path / "desk.sqlite")
    with pytest.raises(workers.WorkerLost, match="Importez de nouveau"):
        import_file(replica, event, sample_dir / "inscriptions.csv")
    with replica.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM attendee").scalar_one() == 0
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
    assert apply.interrupted_import(replica) is None
    monkeypatch.delenv("CHECKIN_IMPORT_KILL_CHUNK")
    again = import_file(replica, event, sample_dir / "inscriptions.csv")
    clean = open_replica(tmp_path / "clean.sqlite")
    first = import_file(clean, event, sample_dir / "inscriptions.csv")
    assert again.created == first.created > 500
    assert _rows(replica) == _rows(clean)


KILLED = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from checkin.event import model
    from checkin.importer import import_file
    from checkin.replica.db import open_replica

    replica = open_replica(Path(sys.argv[1]))
    import_file(replica, model.load(), Path(sys.argv[2]), lock_budget_s=0.0001)
    """
)


def test_the_importing_process_killed_mid_step_leaves_an_import_a_rerun_completes(
    tmp_path: Path, event: EventConfig, sample_dir: Path
) -> None:
    """A real process, its rows cleaned by its pool, killed (SIGKILL) inside its third write
    step: the steps committed stay, the third is rolled back, the note names the file."""
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("SIGKILL is POSIX")
    db = tmp_path / "desk.sqlite"
    open_replica(db).close()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CHECKIN_IMPORT_KILL_STEP": "3",
        "CHECKIN_IMPORT_POOL_MIN_ROWS": "100",
        "CHECKIN_IMPORT_CHUNK_ROWS": "50",
    }
    run = subprocess.run(
        [sys.executable, "-c", KILLED, str(db), str(sample_dir / "inscriptions.csv")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == -signal.SIGKILL, run.stderr
    replica = open_replica(db)
    state = apply.interrupted_import(replica)
    assert state is not None and state["file"] == "inscriptions.csv"
    with replica.read() as conn:
        half = conn.exec_driver_sql("SELECT count(*) FROM attendee").scalar_one()
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
    assert 0 < half < 578
    again = import_file(replica, event, sample_dir / "inscriptions.csv")
    assert apply.interrupted_import(replica) is None
    clean = open_replica(tmp_path / "clean.sqlite")
    import_file(clean, event, sample_dir / "inscriptions.csv")
    assert _rows(replica) == _rows(clean)
    assert again.created == len(_rows(clean)) - half
