"""Work for ``checkin.replica.apart`` in tests: importable by name, so a spawned process
finds it."""

from __future__ import annotations

import time

from checkin.replica.db import Replica


def slow(replica: Replica, seconds: float) -> str:
    """Writes a note, then takes ``seconds``: long enough to be stopped."""
    with replica.write() as conn:
        conn.exec_driver_sql("INSERT INTO meta(key, value) VALUES ('apart.started', 'yes')")
    time.sleep(seconds)
    return "done"
