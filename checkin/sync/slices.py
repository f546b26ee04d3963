"""How long work holds the replica's write lock, and the checkpoints between two slices.

Both the exchange with the hub and the purge write in short transactions so that a scan
waiting for the lock waits at most one of them; between two, they pass a checkpoint, where
the fault tests kill the process or make the hub vanish.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

# A pulled batch is written in transactions of about this long: a scan waiting for the
# write lock waits at most one of them (the scan's own budget is 50 ms, answer painted).
SLICE_SECONDS = float(os.environ.get("CHECKIN_SYNC_SLICE_S", "0.015"))

# Fault injection for the tests: the process kills itself (SIGKILL) at the n-th checkpoint.
_KILL_AT = int(os.environ.get("CHECKIN_SYNC_KILL_AT", "0") or 0)
_checkpoints = 0


# And in-process (``checkin bench-faults``: the hub vanishing at a checkpoint).
CHECKPOINT_HOOKS: list[Callable[[], None]] = []


def checkpoint() -> None:
    global _checkpoints
    _checkpoints += 1
    if _KILL_AT and _checkpoints == _KILL_AT:
        os.kill(os.getpid(), signal.SIGKILL)
    for hook in CHECKPOINT_HOOKS:
        hook()
