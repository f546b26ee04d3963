"""An encrypted replica shared by the desk's threads: no crash, no lost write.

With encryption on, the window's threads once crashed SQLCipher with a segmentation fault
(the replica's connections were closed by one thread while another still used them). The
stress runs in a child process, so a crash is this test failing, not the test run dying.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dbfiles import connect

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("threads_child.py")


def test_many_threads_write_and_read_an_encrypted_replica(tmp_path: Path) -> None:
    db = tmp_path / "desk.sqlite"
    env = {**os.environ, "CHECKIN_ENCRYPT": "1", "PYTHONPATH": str(ROOT), "PYTHONFAULTHANDLER": "1"}
    done = subprocess.run(
        [sys.executable, str(CHILD), str(db), "3", "8"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr[-3000:])
    assert done.stdout.startswith("ok ")
    con = connect(db)  # every thread's last write is there
    try:
        rows = dict(con.execute("SELECT key, value FROM meta WHERE key LIKE 'thread-%'").fetchall())
    finally:
        con.close()
    assert sorted(rows) == [f"thread-{i}" for i in range(8)]
    assert sum(int(v) + 1 for v in rows.values()) == int(done.stdout.split()[1])
