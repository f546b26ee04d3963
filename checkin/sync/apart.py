"""An exchange with the hub in a process of its own, writing through its own connection.

A first pull brings the whole event (100,000 registrations: 10–16 s of decoding rows and
writing them in short transactions); on the window's task pool it shared the window's
interpreter with the scans (a scan's p99 at 37–64 ms). The staff view's exchange runs it
in a spawned process instead (``checkin.replica.apart``: the desk's own writes still come
first). Live mode's exchanges — a few rows every few seconds — stay in the desk's process.

The process killed leaves the replica as a killed exchange does: each pulled batch is
committed with its cursor, and the next exchange goes on from there.
"""

from __future__ import annotations

from checkin.base import logs
from checkin.base.i18n import _
from checkin.event.model import EventConfig
from checkin.replica.apart import run_apart
from checkin.replica.db import Replica
from checkin.sync.exchange import SyncResult, exchange
from checkin.sync.hub import open_hub


def exchange_apart(
    replica: Replica, url: str, *, desk: str, desk_fields: tuple[str, ...], event: EventConfig
) -> SyncResult:
    """``exchange`` with the hub at ``url`` run in a spawned process; its result, or its
    error as the same sentence. ``CHECKIN_SYNC_APART=0`` keeps it here (how bench-desk
    compares the two)."""
    args = (url, desk, desk_fields, event)
    result, stamp = run_apart(
        replica,
        lambda: _exchange(replica, *args),
        _exchange,
        args,
        switch="CHECKIN_SYNC_APART",
        stopped=_(
            "L'échange avec le hub s'est arrêté avant la fin (son processus a été arrêté) : "
            "ce qui a été reçu est gardé. Relancez l'échange pour le terminer."
        ),
        unexpected=_(
            "L'échange avec le hub s'est arrêté sur une erreur inattendue, détails dans {path}",
            path=logs.log_file(),
        ),
    )
    # The desk's clock past every check-in the exchange brought: the next one stamped here
    # comes after them (the clock of the process that pulled them is gone).
    replica.clock.observe(stamp)
    return result


def _exchange(
    replica: Replica, url: str, desk: str, desk_fields: tuple[str, ...], event: EventConfig
) -> tuple[SyncResult, str]:
    """The exchange itself, in whichever process runs it, and its clock after it."""
    hub = open_hub(url)
    try:
        result = exchange(replica, hub, desk=desk, desk_fields=desk_fields, event=event)
    finally:
        hub.close()
    return result, replica.clock.now()
