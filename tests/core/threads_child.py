"""Child process of test_encryption_threads: an encrypted replica used at once by as many
threads as a desk runs (the window, print workers, the task pool, live sync, short-lived
helpers), writing and reading for a few seconds. Prints ``ok <writes>`` when every thread
went through; a crash kills this process, not the test run."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from checkin.replica import cipher
from checkin.replica.db import open_replica


def main(path: Path, seconds: float, threads: int) -> int:
    replica = open_replica(path)
    assert cipher.is_encrypted(path), "the replica is not encrypted"
    stop = time.monotonic() + seconds
    errors: list[str] = []
    writes = [0] * threads

    def helper() -> None:  # a short-lived thread, like a pool's or a print call's
        replica.meta("desk_id")

    def work(i: int) -> None:
        while time.monotonic() < stop:
            try:
                with replica.write() as conn:
                    conn.exec_driver_sql(
                        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                        (f"thread-{i}", str(writes[i])),
                    )
                with replica.read() as conn:
                    conn.exec_driver_sql("SELECT count(*) FROM meta").scalar_one()
                writes[i] += 1
            except Exception as exc:
                errors.append(repr(exc))
                return
            if writes[i] % 25 == 0:
                extra = threading.Thread(target=helper)
                extra.start()
                extra.join()

    running = [threading.Thread(target=work, args=(i,), name=f"worker-{i}") for i in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    replica.close()
    if errors:
        print("errors", errors[:3])
        return 1
    print("ok", sum(writes))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])))
