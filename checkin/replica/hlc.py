"""Hybrid logical clocks: an order of facts that a wrong wall clock cannot rewrite.

A stamp is ``<milliseconds>.<counter>.<node>``, zero-padded so that text order is time
order. A desk's clock never goes backwards and always moves past every stamp it has seen,
so a desk whose wall clock is an hour ahead cannot make its edits "newer" than facts it
has already received; the sync uses these stamps to order concurrent edits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Stamp:
    millis: int
    counter: int
    node: str

    def __str__(self) -> str:
        return f"{self.millis:013d}.{self.counter:05d}.{self.node}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        millis, counter, node = text.split(".", 2)
        return cls(int(millis), int(counter), node)


class Clock:
    def __init__(self, node: str, wall: Callable[[], int] | None = None) -> None:
        self.node = node[:8]
        self._wall = wall or (lambda: int(time.time() * 1000))
        self._last = Stamp(0, 0, self.node)
        self._lock = threading.Lock()

    def now(self) -> str:
        with self._lock:
            wall = self._wall()
            if wall > self._last.millis:
                self._last = Stamp(wall, 0, self.node)
            else:
                self._last = Stamp(self._last.millis, self._last.counter + 1, self.node)
            return str(self._last)

    def observe(self, stamp: str) -> None:
        """Move past a stamp seen elsewhere (a fact pulled from the hub, or on disk)."""
        if not stamp:
            return
        seen = Stamp.parse(stamp)
        with self._lock:
            if (seen.millis, seen.counter) > (self._last.millis, self._last.counter):
                self._last = Stamp(seen.millis, seen.counter, self.node)
