"""Purge after the event, desk fields, and live mode (exchanges in the background)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from checkin.replica import facts
from checkin.sync.hub import HubError
from checkin.sync.live import LiveState, LiveSync
from checkin.sync.purge import purge_hub, purge_replica

from .helpers import DAY1, admit, admitted, desk, hub_rows, people, sync


def test_purge_keeps_counts_and_no_name(
    seeded_hub: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bytes prove the purge only on a plain replica (a closed lab's, encryption off).
    monkeypatch.setenv("CHECKIN_ENCRYPT", "0")
    url = seeded_hub()
    d1 = desk(tmp_path, "d1")
    sync(d1, url)
    came = people(d1, 25)
    for person in came:
        admit(d1, person, "Accueil 1")
    sync(d1, url)
    surname = came[0].last_name
    d1.close()
    assert surname.encode() in (tmp_path / "d1.sqlite").read_bytes()
    counts = purge_replica(tmp_path / "d1.sqlite", keep_aggregates=True)
    assert counts[f"{DAY1}.present"] == 25
    data = (tmp_path / "d1.sqlite").read_bytes()
    assert surname.encode() not in data and came[0].email.encode() not in data
    d1 = desk(tmp_path, "d1")
    with d1.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM attendee").scalar_one() == 0
        assert (
            conn.exec_driver_sql(
                "SELECT value FROM meta WHERE key = ?", (f"aggregate.{DAY1}.present",)
            ).scalar_one()
            == "25"
        )
    # The append-only guard is back once the purge is over.
    facts.record_print(d1, "someone", printer="Bureau", desk="Accueil 1")
    with pytest.raises(Exception, match="append-only"):
        with d1.write() as conn:
            conn.exec_driver_sql("DELETE FROM fact")
    # The hub, through the command.
    run = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "purge", "--hub", url, "--keep-aggregates", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert hub_rows(url, "SELECT count(*) FROM hub_attendee") == [(0,)]
    assert hub_rows(url, "SELECT count(*) FROM hub_fact") == [(0,)]
    kept = dict(hub_rows(url, "SELECT name, count FROM hub_aggregate"))  # type: ignore[arg-type]
    assert kept[f"{DAY1}.present"] == 25


def test_a_purge_killed_halfway_resumes_with_the_counts_it_took_first(
    seeded_hub: Callable[[], str], tmp_path: Path
) -> None:
    """The purge deletes in short slices (a desk still open never waits long on it); killed
    between two of them, it leaves no name it has not counted, and the next purge finishes
    with the counts stored before anything was deleted."""
    import json
    import os
    import shutil

    url = seeded_hub()
    d1 = desk(tmp_path, "d1")
    sync(d1, url)
    for person in people(d1, 25):
        admit(d1, person, "Accueil 1")
    d1.close()
    shutil.copyfile(tmp_path / "d1.sqlite", tmp_path / "ref.sqlite")
    reference = purge_replica(tmp_path / "ref.sqlite", keep_aggregates=True)
    command = [sys.executable, "-m", "checkin.cli", "purge", "--db", str(tmp_path / "d1.sqlite")]
    for point in (3, 4):
        run = subprocess.run(
            [*command, "--keep-aggregates", "--json"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "CHECKIN_SYNC_KILL_AT": str(point), "CHECKIN_SYNC_SLICE_S": "0"},
        )
        assert run.returncode == -9, run.stderr
        half = desk(tmp_path, "d1")
        with half.read() as conn:
            left = conn.exec_driver_sql("SELECT count(*) FROM attendee").scalar_one()
            assert conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'purge.pending'").scalar_one()
        half.close()
        assert left > 0  # killed halfway indeed
    run = subprocess.run(
        [*command, "--keep-aggregates", "--json"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == reference
    d1 = desk(tmp_path, "d1")
    with d1.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM attendee").scalar_one() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM fact").scalar_one() == 0
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM meta WHERE key IN ('purging', 'purge.pending', 'fts.upto')"
            ).scalar_one()
            == 0
        )
    d1.close()


def test_a_purged_hub_purges_every_desk_at_its_next_exchange(
    seeded_hub: Callable[[], str], tmp_path: Path
) -> None:
    url = seeded_hub()
    d1, d2 = desk(tmp_path, "d1"), desk(tmp_path, "d2")
    sync(d1, url)
    sync(d2, url)
    for person in people(d1, 30):
        admit(d1, person, "Accueil 1")
    sync(d1, url)
    late = people(d2, 8, offset=100)
    for person in late:  # desk 2's last admissions never reached the hub
        admit(d2, person, "Accueil 2")
    hub_counts = purge_hub(url, keep_aggregates=True)
    assert hub_counts[f"{DAY1}.present"] == 30
    for d, present in ((d2, 8), (d1, 30)):
        result = sync(d, url)
        assert result.purged and result.pushed == 0
        with d.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM attendee").scalar_one() == 0
            assert conn.exec_driver_sql("SELECT count(*) FROM fact").scalar_one() == 0
            kept = conn.exec_driver_sql(
                "SELECT value FROM meta WHERE key = ?", (f"aggregate.{DAY1}.present",)
            ).scalar_one()
        assert int(kept) == present  # desk 2 counts its own admissions, unsent ones too
        assert not sync(d, url).purged  # once
    d2.close()
    assert late[0].last_name.encode() not in (tmp_path / "d2.sqlite").read_bytes()
    assert hub_rows(url, "SELECT count(*) FROM hub_fact") == [(0,)]
    # Purging again keeps the counts of the first purge.
    purge_hub(url, keep_aggregates=True)
    kept = dict(hub_rows(url, "SELECT name, count FROM hub_aggregate"))  # type: ignore[arg-type]
    assert kept[f"{DAY1}.present"] == 30


def test_sensitive_fields_reach_desks_only_when_configured(
    seeded_hub: Callable[[], str], tmp_path: Path
) -> None:
    url = seeded_hub()
    plain, kitchen = desk(tmp_path, "plain"), desk(tmp_path, "kitchen")
    sync(plain, url)
    sync(kitchen, url, desk_fields=("dietary",))
    with plain.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sensitive_info").scalar_one() == 0
    with kitchen.read() as conn:
        diets = conn.exec_driver_sql("SELECT count(*) FROM sensitive_info WHERE dietary != ''").scalar_one()
        access = conn.exec_driver_sql(
            "SELECT count(*) FROM sensitive_info WHERE accessibility != ''"
        ).scalar_one()
    assert diets > 0 and access == 0


class _Watcher:
    """Wakes the test when a condition on the live state holds (no sleeping)."""

    def __init__(self) -> None:
        self.condition: Callable[[LiveState], bool] = lambda s: False
        self.event = threading.Event()

    def expect(self, condition: Callable[[LiveState], bool]) -> threading.Event:
        self.event = threading.Event()
        self.condition = condition
        return self.event

    def __call__(self, state: LiveState) -> None:
        if self.condition(state):
            self.event.set()


def test_live_mode_shows_other_desks_admissions_and_carries_on_alone(
    seeded_hub: Callable[[], str], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = seeded_hub()
    d1, d2 = desk(tmp_path, "d1"), desk(tmp_path, "d2")
    sync(d1, url)
    sync(d2, url)
    person, later = people(d1, 2)
    live1 = LiveSync(d1, url, interval=0.2, desk="Accueil 1")
    live2 = LiveSync(d2, url, interval=0.2, desk="Accueil 2")
    watcher = _Watcher()
    live2.subscribe(watcher)
    try:
        live1.start()
        live2.start()
        seen = watcher.expect(lambda s: admitted(d2, person.uid))
        admit(d1, person, "Accueil 1")
        live1.poke()
        assert seen.wait(30), "desk 2 never saw the admission"
        assert live2.state.online and "En ligne" in live2.state.status_text()
        # The hub goes away: desk 2 says since when it is alone, and keeps working.
        alone = watcher.expect(lambda s: not s.online)
        cluster = request.getfixturevalue("pg_cluster") if "://" in url else None
        if cluster is None:
            Path(url).rename(url + ".away")
        else:
            name = url.rsplit("/", 1)[1]
            cluster.admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
            cluster.admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        assert alone.wait(30)
        assert "Seul depuis" in live2.state.status_text()
        fact = admit(d2, later, "Accueil 2")
        back = watcher.expect(lambda s: s.online)
        if cluster is None:
            Path(url + ".away").rename(url)
        else:
            cluster.admin(f"ALTER DATABASE {url.rsplit('/', 1)[1]} ALLOW_CONNECTIONS true")
        assert back.wait(30)
    finally:
        live1.stop()
        live2.stop()
        assert live1.wait(30) and live2.wait(30)
    assert hub_rows(url, "SELECT count(*) FROM hub_fact WHERE id = :i", {"i": fact.id}) == [(1,)]


def test_stopping_live_sync_returns_at_once_and_the_hub_closes_after_the_thread(
    seeded_hub: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checkin.sync import live as live_module
    from checkin.sync.hub import Hub

    url = seeded_hub()
    d1 = desk(tmp_path, "d1")
    inside, release = threading.Event(), threading.Event()
    events: list[str] = []

    def slow_exchange(*args: object, **kw: object) -> object:
        inside.set()
        release.wait(30)  # a long pull in progress
        events.append("exchange ended")
        raise HubError("gone")

    close = Hub.close

    def closing(self: Hub) -> None:
        events.append(f"hub closed in {threading.current_thread().name}")
        close(self)

    monkeypatch.setattr(live_module, "exchange", slow_exchange)
    monkeypatch.setattr(Hub, "close", closing)
    live = LiveSync(d1, url, interval=0.1)
    live.start()
    assert inside.wait(10)
    stopped = threading.Thread(target=live.stop)
    stopped.start()
    stopped.join(1.0)
    assert not stopped.is_alive()  # stop() did not wait for the exchange
    assert not live.wait(0.2) and events == []  # the engine is still in use: not closed
    release.set()
    assert live.wait(10)
    assert events == ["exchange ended", "hub closed in checkin-live-sync"]
    d1.close()


def test_a_repeated_bug_in_live_sync_is_one_error_not_offline(
    seeded_hub: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checkin.sync import live as live_module

    url = seeded_hub()
    d1 = desk(tmp_path, "d1")
    sync(d1, url)

    def broken(*args: object, **kw: object) -> object:
        raise ValueError("bad row")

    live = LiveSync(d1, url)
    online = live.run_once()
    assert online.online and not online.error
    monkeypatch.setattr(live_module, "exchange", broken)
    states = [live.run_once() for _ in range(3)]
    assert [s.bug is not None for s in states] == [True, False, False]  # reported once
    assert all(s.error == "ValueError" for s in states)
    text = states[-1].status_text()
    assert "en erreur" in text and "Seul depuis" not in text
    monkeypatch.undo()
    back = live.run_once()
    assert back.online and not back.error and "En ligne" in back.status_text()
    live.close()
    d1.close()
