"""The replica's write lock: a timeout that becomes a sentence, the desk's thread first."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from replica_faults import OtherProgram

from checkin.base.errors import DatabaseError
from checkin.replica.db import open_replica


def test_a_writer_that_waits_too_long_gets_a_sentence_not_a_frozen_desk(tmp_path: Path) -> None:
    replica = open_replica(tmp_path / "d.sqlite")
    replica.set_interactive()
    holding, release = threading.Event(), threading.Event()

    def long_work() -> None:
        with replica.write() as conn:
            conn.exec_driver_sql("INSERT INTO meta(key, value) VALUES ('long', 'work')")
            holding.set()
            release.wait(10)

    worker = threading.Thread(target=long_work)
    worker.start()
    holding.wait(5)
    started = time.monotonic()
    with pytest.raises(DatabaseError) as err:
        with replica.write() as conn:
            conn.exec_driver_sql("INSERT INTO meta(key, value) VALUES ('scan', 'x')")
    waited = time.monotonic() - started
    assert "occupé" in str(err.value) and "rien n'a été enregistré" in str(err.value)
    assert waited < 5  # the desk's own timeout, not the background's 30 s
    release.set()
    worker.join()
    with replica.write() as conn:  # once the work ends, the desk writes again
        conn.exec_driver_sql("INSERT INTO meta(key, value) VALUES ('scan', 'x')")
    assert replica.meta("scan") == "x" and replica.meta("long") == "work"
    replica.close()


def test_back_to_back_background_work_lets_the_desk_in(tmp_path: Path) -> None:
    """A loop of short transactions (an import in batches) cannot starve the desk's writes."""
    replica = open_replica(tmp_path / "d.sqlite")
    replica.set_interactive()
    stop = threading.Event()
    batches = [0]

    def importer() -> None:
        while not stop.is_set():
            with replica.write() as conn:
                conn.exec_driver_sql(
                    "INSERT INTO meta(key, value) VALUES ('batch', '1') "
                    "ON CONFLICT(key) DO UPDATE SET value = value + 1"
                )
                time.sleep(0.03)  # a batch holding the lock a few tens of ms
            batches[0] += 1

    worker = threading.Thread(target=importer)
    worker.start()
    try:
        time.sleep(0.1)
        for n in range(30):
            with replica.write() as conn:  # would time out if the loop kept the lock
                conn.exec_driver_sql("INSERT INTO meta(key, value) VALUES (?, 'admitted')", (f"scan{n}",))
            time.sleep(0.01)
    finally:
        stop.set()
        worker.join()
    assert batches[0] > 10  # the background work went on meanwhile
    with replica.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM meta WHERE key LIKE 'scan%'").scalar_one() == 30
    replica.close()


def test_another_program_holding_the_database_is_a_sentence(tmp_path: Path) -> None:
    """A real second connection (another process: a command-line import, say) holds
    SQLite's write lock: the desk's write gives up with a sentence, then works again."""
    path = tmp_path / "d.sqlite"
    replica = open_replica(path)
    replica.set_interactive()
    with OtherProgram(path, writes=True):
        with pytest.raises(DatabaseError) as err:
            with replica.write() as conn:
                conn.exec_driver_sql("INSERT INTO meta(key, value) VALUES ('scan', 'x')")
        assert str(path) in str(err.value) and "un autre programme" in str(err.value)
    with replica.write() as conn:
        conn.exec_driver_sql("INSERT INTO meta(key, value) VALUES ('scan', 'x')")
    assert replica.meta("other") == "program"
    replica.close()


def test_a_nested_write_on_one_thread_is_a_bug_not_a_wait(tmp_path: Path) -> None:
    replica = open_replica(tmp_path / "d.sqlite")
    with replica.write():
        with pytest.raises(RuntimeError, match="nested"):
            with replica.write():
                pass
    replica.close()
