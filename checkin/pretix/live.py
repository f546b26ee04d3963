"""Live push: a linked desk's admissions sent to pretix in the background, at the desk's
periodic exchange with the hub (``checkin.sync.live.LiveSync`` calls :meth:`LivePush.tick`
on its own thread after each exchange; the window never waits for pretix).

The push itself is ``checkin.pretix.push``: each admission answered is kept at once, so a
failure (pretix away, a time-out, a revoked token) loses nothing — what was not answered
stays pending in the replica and is sent at a later tick. The failure is kept in words in
:attr:`LivePush.state` and logged once per kind, not at every tick.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from checkin.base.errors import KnownError
from checkin.pretix.api import Client
from checkin.pretix.link import linked
from checkin.pretix.link import state as link_state
from checkin.pretix.push import pending, push
from checkin.replica.db import Replica

log = logging.getLogger(__name__)

EVERY_S = 15.0  # between two pushes: pretix need not hear of an admission within seconds
TIMEOUT_S = 10.0  # shorter than the API's default: the hub's next exchange waits behind it


@dataclass(frozen=True)
class PushState:
    linked: bool = False
    last_ok: datetime | None = None  # the last push that went through
    last_error: str = ""  # the last failure, in words, until a push goes through
    pushed: int = 0  # admissions sent since the desk started
    pending: int = 0  # admissions not yet answered by pretix


class LivePush:
    """Pushes at most every ``every`` seconds; :meth:`tick` is safe to call at any rate."""

    def __init__(
        self,
        replica: Replica,
        *,
        every: float = EVERY_S,
        timeout: float = TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.replica = replica
        self.every = every
        self.timeout = timeout
        self.clock = clock
        self._next = 0.0
        self._lock = threading.Lock()
        self._state = PushState(linked=bool(link_state(replica)))
        self._logged = ""

    @property
    def state(self) -> PushState:
        with self._lock:
            return self._state

    def tick(self) -> PushState:
        """Push when due (and linked); never raises."""
        if self.clock() < self._next:
            return self.state
        self._next = self.clock() + self.every
        try:
            return self.run_once()
        except Exception:  # a bug: logged, the exchange and the desk carry on
            log.exception("pretix live push failed")
            return self._set(last_error="bug")

    def run_once(self) -> PushState:
        if not link_state(self.replica):
            return self._set(linked=False)
        try:
            summary = push(self.replica, Client(linked(self.replica), timeout=self.timeout))
        except KnownError as error:
            if error.message != self._logged:
                log.info("pretix live push: %s (kept, sent again later)", error.message)
                self._logged = error.message
            return self._set(linked=True, last_error=error.message, pending=len(pending(self.replica)))
        self._logged = ""
        now = datetime.now(UTC)
        with self._lock:
            total = self._state.pushed + summary.sent
        return self._set(linked=True, last_ok=now, last_error="", pushed=total, pending=0)

    def _set(self, **changes: Any) -> PushState:
        with self._lock:
            self._state = dataclasses.replace(self._state, **changes)
            return self._state
