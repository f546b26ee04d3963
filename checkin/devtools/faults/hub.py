"""A hub that vanishes mid-exchange: a file hub on a USB stick pulled out, or a shared
folder gone, at a random point of the exchange (between two of its batches).

Each trial: this desk has new check-ins and the hub has another desk's; the hub file is
taken away at the n-th checkpoint of the exchange. Counted: the exchange ends with a
sentence (:class:`~checkin.sync.hub.HubError`), never another error; the desk keeps every
fact it had; once the hub is back, one more exchange brings desk and hub to the same facts.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checkin.event.model import EventConfig
    from checkin.replica.attendees import AttendeeView
    from checkin.replica.db import Replica

DAY = "2026-07-08"


def run(workdir: Path, *, trials: int = 50, attendees: int = 400, seed: int = 13) -> dict[str, Any]:
    from checkin.event import model as event_module
    from checkin.replica.attendees import all_live
    from checkin.replica.db import open_replica

    workdir.mkdir(parents=True, exist_ok=True)
    ev = event_module.load()
    hub_path = workdir / "hub.sqlite"
    for stale in workdir.glob("*.sqlite*"):
        stale.unlink()
    _fresh_hub(hub_path, ev, workdir / "export.csv", attendees)
    desk, other = open_replica(workdir / "desk.sqlite"), open_replica(workdir / "other.sqlite")
    rng = random.Random(seed)
    counts = {
        "trials": 0,
        "vanished_mid_exchange": 0,
        "said_in_a_sentence": 0,
        "other_errors": 0,
        "facts_lost_at_the_desk": 0,
        "converged_after_return": 0,
        "not_converged": 0,
    }
    examples: list[str] = []
    try:
        for d in (desk, other):
            _exchange(d, str(hub_path))
        with desk.read() as conn:
            people = [a for a in all_live(conn) if a.status == "confirmed"]
        rng.shuffle(people)
        started = time.perf_counter()
        for _trial in range(trials):
            _one_trial(desk, other, people, hub_path, rng, counts, examples)
        seconds = time.perf_counter() - started
    finally:
        desk.close()
        other.close()
    return {**counts, "seconds": round(seconds, 1), "examples": examples}


def _fresh_hub(hub_path: Path, ev: EventConfig, export: Path, attendees: int) -> None:
    """A new file hub holding a synthetic export of ``attendees`` registrations."""
    from checkin.demo import synthetic
    from checkin.sync.hub import open_hub
    from checkin.sync.hubimport import import_into_hub

    hub = open_hub(str(hub_path), create=True)
    import_into_hub(hub, ev, synthetic.write_export(export, attendees, ev))
    hub.close()


def _one_trial(
    desk: Replica,
    other: Replica,
    people: list[AttendeeView],
    hub_path: Path,
    rng: random.Random,
    counts: dict[str, int],
    examples: list[str],
) -> None:
    """Both desks admit three people; the other desk sends its; this desk's exchange loses
    the hub mid-way; the hub comes back and both exchange again. Adds to ``counts``."""
    from checkin.replica import facts

    away = hub_path.with_name(hub_path.name + ".away")
    for d, name in ((desk, "A"), (other, "B")):
        for person in people[:3]:
            people.remove(person)
            facts.record_checkin(d, person, day=DAY, desk=name)
    _exchange(other, str(hub_path))
    before = _fact_ids(desk)
    _exchange_losing_the_hub(desk, hub_path, away, rng.randint(1, 12), counts, examples)
    counts["trials"] += 1
    if away.exists():
        counts["vanished_mid_exchange"] += 1
        os.replace(away, hub_path)  # the stick is back
    counts["facts_lost_at_the_desk"] += len(before - _fact_ids(desk))
    _exchange(desk, str(hub_path))
    _exchange(other, str(hub_path))
    if _fact_ids(desk) == _hub_fact_ids(str(hub_path)) == _fact_ids(other):
        counts["converged_after_return"] += 1
    else:
        counts["not_converged"] += 1


def _exchange_losing_the_hub(
    desk: Replica, hub_path: Path, away: Path, point: int, counts: dict[str, int], examples: list[str]
) -> None:
    """An exchange in batches of two whose hub file is taken away at its ``point``-th
    checkpoint: a sentence is counted as such, anything else as a bug."""
    from checkin.base.errors import KnownError
    from checkin.sync import slices
    from checkin.sync.hub import HubError

    seen = [0]

    def vanish() -> None:
        seen[0] += 1
        if seen[0] == point and hub_path.exists():
            os.replace(hub_path, away)  # the stick is pulled out

    slices.CHECKPOINT_HOOKS.append(vanish)
    try:
        _exchange(desk, str(hub_path), batch=2)
    except HubError:
        counts["said_in_a_sentence"] += 1
    except KnownError as exc:  # a sentence too, from elsewhere
        counts["said_in_a_sentence"] += 1
        examples.append(f"known: {exc}")
    except Exception as exc:  # a bug
        counts["other_errors"] += 1
        if len(examples) < 3:
            examples.append(repr(exc))
    finally:
        slices.CHECKPOINT_HOOKS.remove(vanish)


def _exchange(replica: Any, url: str, batch: int | None = None) -> None:
    from checkin.sync.exchange import exchange
    from checkin.sync.hub import open_hub

    hub = open_hub(url)
    try:
        exchange(replica, hub, batch=batch, report=False)
    finally:
        hub.close()


def _fact_ids(replica: Any) -> set[str]:
    with replica.read() as conn:
        return {str(r[0]) for r in conn.exec_driver_sql("SELECT id FROM fact")}


def _hub_fact_ids(url: str) -> set[str]:
    from sqlalchemy import text

    from checkin.sync.hub import open_hub

    hub = open_hub(url)
    try:
        with hub.read() as conn:
            return {str(r[0]) for r in conn.execute(text("SELECT id FROM hub_fact"))}
    finally:
        hub.close()
