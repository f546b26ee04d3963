"""Counting the lead's wrong PINs, so that a PIN cannot be guessed at the keyboard.

Without a count, 10,000 four-digit PINs at ~50 ms each are an afternoon. After
:data:`FREE_TRIES` wrong tries in a row each new try waits longer (:func:`wait_after`);
after :data:`MAX_TRIES` the lead functions stay locked until staff type their passphrase
in the PIN dialog or reset the count (``checkin lead-pin --reset``). The passphrase's wrong
tries have a count of their own (:func:`passphrase_file`), with the same waits and limit. The count lives in a small file in the data folder, so
quitting and restarting the desk gives nothing back. Every try is logged with the desk
and the time, never the digits. The clock is injected so that tests move it instead of
sleeping.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from checkin.base import paths

log = logging.getLogger(__name__)

FREE_TRIES = 3
MAX_TRIES = 10
_FIRST_WAIT_S = 30.0
_LONGEST_WAIT_S = 15 * 60.0


def wait_after(failures: int) -> float:
    """Seconds to wait after ``failures`` wrong tries in a row: 0, then 30 s doubling to 15 min."""
    if failures < FREE_TRIES:
        return 0.0
    return min(_LONGEST_WAIT_S, _FIRST_WAIT_S * float(2 ** (failures - FREE_TRIES)))


def default_file() -> Path:
    return paths.data_dir() / "lead-pin-attempts.json"


def passphrase_file() -> Path:
    """The staff passphrase's own count: its wrong tries lock it as wrong PINs lock the PIN."""
    return paths.data_dir() / "staff-passphrase-attempts.json"


@dataclass
class PinAttempts:
    """The wrong tries in a row and when the last one was, kept in ``path``."""

    path: Path = field(default_factory=default_file)
    clock: Callable[[], float] = time.time
    what: str = "lead PIN"  # in the log: "lead PIN" or "staff passphrase"
    failures: int = 0
    last: float = 0.0

    def __post_init__(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.failures, self.last = int(data["failures"]), float(data["last"])
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError):
            # A damaged count must not become a free reset: treat it as the lock-out.
            self.failures, self.last = MAX_TRIES, 0.0

    @property
    def blocked(self) -> bool:
        """Locked until staff reset: too many wrong tries."""
        return self.failures >= MAX_TRIES

    def wait_left(self) -> float:
        """Seconds before the next try is heard (0: now); a clock set back waits no longer."""
        wait = wait_after(self.failures)
        if not wait:
            return 0.0
        return max(0.0, min(wait, self.last + wait - self.clock()))

    def may_try(self) -> bool:
        return not self.blocked and self.wait_left() <= 0

    def record(self, right: bool, desk: str) -> None:
        """Count one try (and log it, without the digits)."""
        now = self.clock()
        self.failures = 0 if right else self.failures + 1
        self.last = now
        self._save()
        stamp = datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds")
        log.info(
            "%s try on desk %r at %s: %s (%d wrong in a row)",
            self.what,
            desk,
            stamp,
            "right" if right else "wrong",
            self.failures,
        )
        if self.blocked:
            log.warning("%s locked on desk %r after %d wrong tries", self.what, desk, self.failures)

    def reset(self, who: str) -> None:
        """Staff give the lead functions back (``checkin lead-pin --reset``)."""
        self.failures, self.last = 0, 0.0
        self.path.unlink(missing_ok=True)
        log.info("%s tries reset by %s", self.what, who)

    def _save(self) -> None:
        text = json.dumps({"failures": self.failures, "last": self.last})
        partial = self.path.with_name(self.path.name + ".part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, self.path)
