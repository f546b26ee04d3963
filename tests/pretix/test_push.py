"""``checkin pretix push`` against a real pretix: its check-ins equal the desk's admissions,
once each, after a push cut halfway and repeated."""

from __future__ import annotations

from typing import Any

import pytest

from checkin.arrivals import scan
from checkin.event.model import EventConfig
from checkin.pretix.api import Answer, Client, PretixError
from checkin.pretix.pull import pull
from checkin.pretix.push import pending, push, refusals
from checkin.replica import attendees, conflicts, facts
from checkin.replica.db import Replica

from .conftest import PretixServer
from .test_pull import link

DAY1, DAY2 = "2026-07-08", "2026-07-09"


class CutAfter(Client):
    """A push cut after pretix recorded the ``n``-th admission, before its answer arrived."""

    def __init__(self, *args: Any, n: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.n = n

    def post(self, path: str, data: dict[str, Any]) -> Answer:
        answer = super().post(path, data)
        if self.requests >= self.n:
            raise PretixError("cut")
        return answer


def secret(server: PretixServer, order: str, variation: str | None = None) -> str:
    v = server.data["variations"][variation] if variation else None
    return str(
        next(
            p["secret"]
            for p in server.data["positions"]
            if p["order"] == order and p["addon_to"] is None and (v is None or p["variation"] == v)
        )
    )


def pretix_checkins(server: PretixServer) -> dict[str, int]:
    return dict(
        server.orm(
            "from pretix.base.models import Checkin\n"
            f"qs = Checkin.all.filter(list_id={server.data['list']}, successful=True)\n"
            "result = {}\n"
            "for c in qs.select_related('position'):\n"
            "    result[c.position.secret] = result.get(c.position.secret, 0) + 1"
        )
    )


def test_push_cut_and_repeated_counts_each_admission_once(
    pretix_server: PretixServer, event: EventConfig, replica: Replica
) -> None:
    s = pretix_server
    pull(replica, event, Client(link(s)))
    admitted = [
        (secret(s, "PAID1"), DAY1),
        (secret(s, "PAID2", "d1"), DAY1),
        (secret(s, "PAID2", "d2"), DAY2),
    ]
    for code, day in admitted:
        assert scan.decide(replica, event, code, day=day, desk="Accueil 1").outcome == "admitted"
    cancelled = attendees.get(replica, secret(s, "CANC1"))
    pend = attendees.get(replica, secret(s, "PEND1"))
    assert cancelled is not None and pend is not None
    facts.record_checkin(replica, cancelled, day=DAY1, desk="Accueil 1", role="lead", override="test")
    undone = facts.record_checkin(replica, pend, day=DAY1, desk="Accueil 1", role="lead", override="test")
    facts.record_undo(replica, undone.id, desk="Accueil 1", role="lead")
    assert len(pending(replica)) == 4  # the undone admission is never sent

    with pytest.raises(PretixError):
        push(replica, CutAfter(link(s), n=2))  # pretix holds the 2nd, the desk not its answer
    assert len(pending(replica)) == 3
    done = push(replica, Client(link(s)))
    assert done.sent == 3 and done.accepted == 3
    print(f"push: {done.sent} admissions, {done.requests} requests, {done.seconds:.3f} s")
    assert [(r["status"], r["reason"]) for r in done.conflicts] == [("forced", "canceled")]
    assert push(replica, Client(link(s))).sent == 0
    desk = [code for code, _day in admitted] + [cancelled.code]
    assert pretix_checkins(s) == {code: 1 for code in desk}
    assert [r["reason"] for r in refusals(replica)] == ["canceled"]
    with replica.read() as conn:
        shown = [c for c in conflicts.from_replica(conn) if c["kind"] == "pretix_refused"]
    assert [(c["code"], c["recorded"]) for c in shown] == [(cancelled.code, True)]
    assert "enregistrée forcée" in conflicts.describe(shown[0])
