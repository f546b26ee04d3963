"""The desk's admissions sent to pretix, each once, whatever cuts the push.

Every check-in fact no undo points at, and not yet answered by pretix, goes to
``checkinrpc/redeem/`` with the secret the desk admitted, the real scan time, and the
fact's UUID as the nonce: pretix records a check-in whose nonce it already holds only once,
so a push cut after pretix recorded an admission but before the desk kept the answer, and
repeated, still counts it once.

The desk decided without pretix, so its admission stands; but pretix forced (as it takes
pretixSCAN's offline uploads) records almost anything without saying why it would have
refused. So each admission is first sent as an online scan (``force: false``): accepted, it
is done in one request; refused (already redeemed elsewhere, unpaid, revoked, cancelled…),
pretix's reason is kept — the conflict — and the admission sent again ``force: true``, which
pretix records marked *forced*. A secret pretix does not know at all stays refused.

Each answer is kept at once (``pretix_push``, one short transaction per admission): a
failure stops the push with a sentence, what was answered stays answered, and the next push
sends the rest. The desk has no exit facts: there are none to send.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from checkin.pretix.api import Answer, Client
from checkin.replica.db import Replica
from checkin.replica.facts import now_utc

log = logging.getLogger(__name__)

_PENDING = """
    SELECT f.id, f.code, f.at FROM fact f
    WHERE f.kind = 'checkin'
      AND NOT EXISTS (SELECT 1 FROM fact u WHERE u.kind = 'undo' AND u.ref = f.id)
      AND NOT EXISTS (SELECT 1 FROM pretix_push p WHERE p.fact_id = f.id)
    ORDER BY f.at, f.seq
"""


@dataclass
class PushSummary:
    sent: int = 0
    accepted: int = 0
    # what pretix refused online (then forced, or refused even forced), this push
    conflicts: list[dict[str, str]] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "accepted": self.accepted,
            "conflicts": self.conflicts,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
        }


def pending(replica: Replica) -> list[tuple[str, str, str]]:
    """(fact id, secret, scan time) of every standing admission pretix has not answered."""
    with replica.read() as conn:
        return [(r[0], r[1], r[2]) for r in conn.exec_driver_sql(_PENDING)]


def push(replica: Replica, client: Client) -> PushSummary:
    """Send every pending admission; a :class:`~checkin.pretix.api.PretixError` stops it."""
    started = time.monotonic()
    summary = PushSummary()
    path = f"/api/v1/organizers/{client.link.organizer}/checkinrpc/redeem/"
    for fact_id, secret, at in pending(replica):
        status, reason, explanation = _redeem(client, path, fact_id, secret, at)
        with replica.write(durable=False) as conn:
            conn.exec_driver_sql(
                "INSERT INTO pretix_push(fact_id, secret, status, reason, explanation, pushed_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(fact_id) DO NOTHING",
                (fact_id, secret, status, reason, explanation, now_utc()),
            )
        summary.sent += 1
        summary.accepted += status != "refused"
        if status != "ok":
            summary.conflicts.append({"fact": fact_id, "secret": secret, "status": status, "reason": reason})
    summary.requests = client.requests
    summary.seconds = time.monotonic() - started
    log.info(
        "pretix push: %d sent, %d conflicts in %.2f s", summary.sent, len(summary.conflicts), summary.seconds
    )
    return summary


def _redeem(client: Client, path: str, fact_id: str, secret: str, at: str) -> tuple[str, str, str]:
    """("ok" | "forced" | "refused", pretix's reason, its explanation) for one admission."""
    data: dict[str, Any] = {
        "secret": secret,
        "lists": [client.link.checkin_list],
        "datetime": at,
        "type": "entry",
        "nonce": fact_id,
        "force": False,
        "questions_supported": False,
    }
    first = _body(client.post(path, data))
    if first.get("status") == "ok":
        return "ok", "", ""
    reason = str(first.get("reason") or "error")
    explanation = str(first.get("reason_explanation") or "")
    forced = _body(client.post(path, {**data, "force": True}))
    return ("forced" if forced.get("status") == "ok" else "refused"), reason, explanation


def _body(answer: Answer) -> dict[str, Any]:
    return answer.body if isinstance(answer.body, dict) else {}


def refusals(replica: Replica) -> list[dict[str, str]]:
    """Every admission pretix refused online (forced since, or not recorded at all), for
    the command's output and the conflicts report."""
    with replica.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT fact_id, secret, status, reason, explanation, pushed_at FROM pretix_push "
            "WHERE status != 'ok' ORDER BY pushed_at"
        ).all()
    return [
        {"fact": r[0], "secret": r[1], "status": r[2], "reason": r[3], "explanation": r[4], "pushed_at": r[5]}
        for r in rows
    ]
