"""The staff view's exchange in a process of its own (``checkin.sync.apart``): the desk it
leaves is the one an exchange in the desk's process leaves, the desk's clock moves past what
it brought, the desk's scans go first while it pulls, a killed exchange is completed by the
next, and a hub that is gone is the same sentence."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sample import SAMPLE_DIR

from checkin.arrivals import scan
from checkin.base.errors import DatabaseError, KnownError
from checkin.event.model import EventConfig
from checkin.importer import import_file
from checkin.replica.db import Replica
from checkin.replica.hlc import Clock, Stamp
from checkin.sync import exchange as exchange_module
from checkin.sync.apart import exchange_apart
from checkin.sync.exchange import SyncResult

from .helpers import DAY1, admit, desk, desk_state, people, sync

file_hub = pytest.mark.parametrize("new_hub", ["sqlite"], indirect=True)  # the process is the point


def _apart(replica: Replica, url: str, event: EventConfig) -> SyncResult:
    return exchange_apart(replica, url, desk="Accueil 1", desk_fields=(), event=event)


def _hub_with_work_from_the_future(seeded_hub: Callable[[], str], tmp_path: Path) -> str:
    """A hub holding another desk's 40 admissions, stamped by a clock an hour ahead."""
    url = seeded_hub()
    other = desk(tmp_path, "other")
    sync(other, url)
    ahead = int(time.time() * 1000) + 3_600_000
    other.clock = Clock(other.desk_id, wall=lambda: ahead)
    for person in people(other, 40):
        admit(other, person, "Accueil 2")
    sync(other, url)
    other.close()
    return url


@pytest.fixture
def hub_and_here(
    seeded_hub: Callable[[], str], tmp_path: Path, sync_event: EventConfig
) -> tuple[str, Replica, SyncResult]:
    """That hub, and a desk that exchanged with it in this process (the reference)."""
    url = _hub_with_work_from_the_future(seeded_hub, tmp_path)
    here = desk(tmp_path, "here")
    return url, here, sync(here, url, "Accueil 1", event=sync_event)


@file_hub
def test_an_exchange_apart_leaves_the_desk_an_exchange_here_leaves(
    hub_and_here: tuple[str, Replica, SyncResult],
    tmp_path: Path,
    sync_event: EventConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, here, by_hand = hub_and_here

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("pulled by this process")

    monkeypatch.setattr(exchange_module, "pull", not_here)  # this process's copy only
    apart = desk(tmp_path, "apart")
    result = _apart(apart, url, sync_event)
    assert result.to_json() == by_hand.to_json()
    assert result.pulled_by_table["fact"] == 40
    assert desk_state(apart) == desk_state(here)
    assert apart.write_lock.signal is None
    # The facts came stamped an hour ahead: this desk's next stamp still comes after them.
    with apart.read() as conn:
        newest = conn.exec_driver_sql("SELECT max(hlc) FROM fact").scalar_one()
    assert Stamp.parse(apart.clock.now()) > Stamp.parse(newest)


@file_hub
def test_the_desk_scans_first_while_an_exchange_pulls_apart(
    hub_and_here: tuple[str, Replica, SyncResult],
    tmp_path: Path,
    sync_event: EventConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A desk pulls the whole event in a process of its own, in many tiny transactions,
    while its own thread scans the people it already has: every scan is answered and
    recorded, none is refused for a busy replica, and the pull ends complete."""
    url, ref, _ = hub_and_here
    # The scanning desk has the people from the export itself; the hub brings them again,
    # with the other desk's check-ins, 40 rows at a time.
    scanning = desk(tmp_path, "scanning")
    import_file(scanning, sync_event, SAMPLE_DIR / "inscriptions.csv")
    codes = [p.code for p in people(scanning, 120, offset=50)]
    monkeypatch.setenv("CHECKIN_SYNC_SLICE_S", "0.0001")  # read by the exchange's process
    monkeypatch.setenv("CHECKIN_SYNC_BATCH", "40")
    outcome: list[object] = []
    scanning.interactive_thread = threading.get_ident()

    def exchanging() -> None:
        try:
            outcome.append(_apart(scanning, url, sync_event))
        except Exception as exc:  # the test says what went wrong
            outcome.append(exc)

    worker = threading.Thread(target=exchanging)
    worker.start()
    answers: list[scan.Decision] = []
    while worker.is_alive() and len(answers) < len(codes):
        answers.append(scan.decide(scanning, sync_event, codes[len(answers)], day=DAY1, desk="Accueil 1"))
    worker.join(timeout=120)
    (result,) = outcome
    assert isinstance(result, SyncResult), result
    assert answers and {a.outcome for a in answers} == {"admitted"}
    with scanning.read() as conn:
        recorded = conn.exec_driver_sql(
            "SELECT count(*) FROM fact WHERE kind = 'checkin' AND desk = 'Accueil 1'"
        ).scalar_one()
    assert recorded == len(answers)
    assert scanning.write_lock.signal is None
    assert result.pulled_by_table["attendee"] == len(desk_state(ref)["attendees"])  # type: ignore[arg-type]
    assert desk_state(scanning)["attendees"] == desk_state(ref)["attendees"]


@file_hub
def test_an_exchange_process_killed_midway_is_completed_by_the_next(
    hub_and_here: tuple[str, Replica, SyncResult],
    tmp_path: Path,
    sync_event: EventConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, ref, _ = hub_and_here
    cut = desk(tmp_path, "cut")
    monkeypatch.setenv("CHECKIN_SYNC_BATCH", "50")
    monkeypatch.setenv("CHECKIN_SYNC_KILL_AT", "6")  # read by the exchange's process
    with pytest.raises(DatabaseError) as stopped:
        _apart(cut, url, sync_event)
    assert "Relancez l'échange" in stopped.value.message
    with cut.read() as conn:
        half = conn.exec_driver_sql("SELECT count(*) FROM ticket_code").scalar_one()  # pulled first
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
    with ref.read() as conn:
        assert 0 < half < conn.exec_driver_sql("SELECT count(*) FROM ticket_code").scalar_one()
    monkeypatch.delenv("CHECKIN_SYNC_KILL_AT")
    _apart(cut, url, sync_event)
    assert desk_state(cut) == desk_state(ref)


def test_a_hub_that_is_gone_is_the_same_sentence_apart(tmp_path: Path, sync_event: EventConfig) -> None:
    gone = str(tmp_path / "nowhere" / "hub.sqlite")
    with pytest.raises(KnownError) as here:
        sync(desk(tmp_path, "here"), gone)
    with pytest.raises(KnownError) as apart:
        _apart(desk(tmp_path, "apart"), gone, sync_event)
    assert type(apart.value) is type(here.value)
    assert apart.value.message == here.value.message
