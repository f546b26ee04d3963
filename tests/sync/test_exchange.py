"""Desks and a hub (SQLite file and PostgreSQL): convergence, conflicts, undo, refusals."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sample import SAMPLE_DIR
from sqlalchemy import text

from checkin.arrivals import search
from checkin.event.model import EventConfig
from checkin.replica import attendees, facts
from checkin.sync.hub import HUB_SCHEMA, HubError, open_hub

from .conftest import hub_state
from .helpers import DAY1, admit, admitted, desk, desk_state, fact_ids, hub_rows, people, sync


def test_first_exchange_brings_registrations_and_nothing_twice(
    seeded_hub: Callable[[], str], tmp_path: Path
) -> None:
    url = seeded_hub()
    d1 = desk(tmp_path, "d1")
    first = sync(d1, url, "Accueil 1")
    assert first.pulled_by_table["attendee"] == 578
    assert first.pulled_by_table["session"] == 14
    assert first.pulled_by_table["meeting"] == 156
    assert (first.hub_ahead, first.desk_ahead) == (0, 0)
    # Search on the desk works on what was pulled (the FTS index follows the rows).
    assert [a.last_name for a in search.find(d1, "nour khoury")][:1] == ["Khoury"]
    with d1.read() as conn:
        # Sensitive fields are not configured for desks: none reach the laptop.
        assert conn.exec_driver_sql("SELECT count(*) FROM sensitive_info").scalar_one() == 0
        # The first pull filled the search index after the rows; every row is in it, and
        # the triggers keep every row in step again.
        assert conn.exec_driver_sql("SELECT count(*) FROM attendee_fts_docsize").scalar_one() == 578
        assert conn.exec_driver_sql("SELECT 1 FROM meta WHERE key = 'fts.upto'").first() is None
    again = sync(d1, url)
    assert (again.pushed, again.pulled) == (0, 0)


def test_the_desk_lock_is_never_held_across_hub_io_and_pulls_commit_in_slices(
    seeded_hub: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan waits at most for one short transaction: the hub is never read or written
    while this desk's write lock is held, and a pull is many small commits."""
    from contextlib import contextmanager

    from checkin.sync import slices
    from checkin.sync.hub import Hub

    url = seeded_hub()
    d1 = desk(tmp_path, "d1")
    holders: list[str] = []
    for name in ("read", "write"):
        original = getattr(Hub, name)

        def watched(self: Hub, _original: Any = original) -> Any:
            @contextmanager
            def run() -> Any:
                holders.append(d1.write_lock.holder()[0])
                with _original(self) as conn:
                    yield conn

            return run()

        monkeypatch.setattr(Hub, name, watched)
    commits = [0]
    acquire = d1.write_lock.acquire

    def counted(timeout: float, *, urgent: bool) -> bool:
        commits[0] += 1
        return acquire(timeout, urgent=urgent)

    monkeypatch.setattr(d1.write_lock, "acquire", counted)
    monkeypatch.setattr(slices, "SLICE_SECONDS", 0.0)  # one step (50 rows) per commit
    sync(d1, url, "Accueil 1")
    for person in people(d1, 5):
        admit(d1, person, "Accueil 1")
    assert sync(d1, url).pushed == 5
    assert holders and set(holders) == {""}
    assert commits[0] > 2 * 578 // 50  # codes and registrations, 50 rows a commit


@pytest.mark.parametrize("ndesks", [2, 3])
def test_overlapping_desks_converge_in_every_order(
    seeded_hub: Callable[[], str], tmp_path: Path, ndesks: int
) -> None:
    """Each desk admits people offline, some admitted at two desks; any order converges."""
    orders = list(itertools.permutations(range(ndesks)))
    results = []
    for n, order in enumerate(orders):
        url = seeded_hub()
        base = tmp_path / f"run{n}"
        base.mkdir()
        desks = [desk(base, f"d{i}") for i in range(ndesks)]
        for d in desks:
            sync(d, url)
        crowd = people(desks[0], 12)
        for i, d in enumerate(desks):
            # desk i admits people 3i .. 3i+5: each block of three is admitted by two desks.
            for person in crowd[3 * i : 3 * i + 6]:
                admit(d, person, f"Accueil {i}")
        for _round in range(2):
            reports = [sync(desks[i], url, f"Accueil {i}") for i in order]
        states = [desk_state(d) for d in desks]
        assert all(s == states[0] for s in states), order
        central = hub_state(url)
        assert central["facts"] == states[0]["facts"]
        assert len(central["facts"]) == 6 * ndesks
        doubles = [c for c in reports[-1].conflicts if c["kind"] == "double_admission"]
        assert sorted(c["attendee_uid"] for c in doubles) == sorted(p.uid for p in crowd[3 : 3 * ndesks])
        for c in doubles:
            assert len(c["facts"]) == 2
            assert c["arrival"]["fact"] == min(c["facts"], key=lambda f: f["hlc"])["fact"]
        results.append(
            sorted((c["attendee_uid"], tuple(sorted(f["desk"] for f in c["facts"]))) for c in doubles)
        )
        for d in desks:
            d.close()
    assert all(r == results[0] for r in results)


def test_undo_wins_over_the_admission_everywhere(seeded_hub: Callable[[], str], tmp_path: Path) -> None:
    url = seeded_hub()
    d1, d2 = desk(tmp_path, "d1"), desk(tmp_path, "d2")
    sync(d1, url)
    sync(d2, url)
    person = people(d1, 1)[0]
    wrong = admit(d1, person, "Accueil 1")
    sync(d1, url)
    sync(d2, url)
    assert admitted(d2, person.uid)
    facts.record_undo(d1, wrong.id, desk="Accueil 1", role="lead", reason="mauvaise personne")
    # d2 syncs first (sees nothing new), then d1 pushes the undo, then d2 pulls it.
    for d in (d2, d1, d2, d1):
        sync(d, url)
    assert not admitted(d1, person.uid)
    assert not admitted(d2, person.uid)
    standing = hub_rows(
        url,
        "SELECT count(*) FROM hub_fact f WHERE f.kind = 'checkin' AND NOT EXISTS (SELECT 1 FROM hub_fact u WHERE u.kind = 'undo' AND u.ref = f.id)",
    )
    assert standing == [(0,)]


def test_two_desks_fixing_one_name_blind_are_listed_and_the_newer_holds(
    seeded_hub: Callable[[], str], tmp_path: Path
) -> None:
    url = seeded_hub()
    d1, d2, d3 = desk(tmp_path, "d1"), desk(tmp_path, "d2"), desk(tmp_path, "d3")
    for d in (d1, d2, d3):
        sync(d, url)
    person = people(d1, 1, offset=12)[0]
    # Both desks offline: each fixes the organisation without seeing the other's fix.
    facts.record_edit(d1, person.uid, "organisation", "Mairie de Quimper", desk="Accueil 1", role="lead")
    facts.record_edit(
        d2, person.uid, "organisation", "Département du Finistère", desk="Accueil 2", role="lead"
    )
    for d in (d2, d1, d3, d2):  # the older fix arrives last at the hub
        sync(d, url, name=d.path.stem if d.path else "")
    for d in (d1, d2, d3):
        with d.read() as conn:
            assert attendees.by_uid(conn, person.uid).organisation == "Département du Finistère"  # type: ignore[union-attr]
    found = [c for c in sync(d3, url).conflicts if c["kind"] == "edit_vs_edit"]
    assert [(c["attendee_uid"], c["desk_value"], c["other_value"]) for c in found] == [
        (person.uid, "Département du Finistère", "Mairie de Quimper")
    ]
    # A third fix made after seeing the others is no conflict.
    facts.record_edit(
        d3, person.uid, "organisation", "Département du Finistère (29)", desk="Accueil 3", role="lead"
    )
    again = sync(d3, url)
    assert len([c for c in again.conflicts if c["kind"] == "edit_vs_edit"]) == 1
    sync(d1, url)
    with d1.read() as conn:
        assert attendees.by_uid(conn, person.uid).organisation == "Département du Finistère (29)"  # type: ignore[union-attr]


def test_walkin_who_is_registered_is_reported_at_every_desk(
    seeded_hub: Callable[[], str], tmp_path: Path, sync_event: EventConfig
) -> None:
    url = seeded_hub()
    d1, d2 = desk(tmp_path, "d1"), desk(tmp_path, "d2")
    sync(d1, url)
    sync(d2, url)
    known = people(d1, 1, offset=5)[0]
    walkin = facts.create_walkin(
        d1,
        sync_event,
        {"first_name": "Quelqu'un", "last_name": "Autre", "email": known.email.upper()},
        day=DAY1,
        desk="Accueil 1",
    )
    sync(d1, url)
    report = sync(d2, url)
    found = [c for c in report.conflicts if c["kind"] == "walkin_registered"]
    assert [(c["attendee_uid"], c["registered_uid"], c["match"]) for c in found] == [
        (walkin.uid, known.uid, "email")
    ]
    # The walk-in exists at desk 2 too (scannable by its new code).
    with d2.read() as conn:
        assert (
            conn.exec_driver_sql("SELECT uid FROM ticket_code WHERE code = ?", (walkin.code,)).scalar_one()
            == walkin.uid
        )


def test_a_hub_newer_than_the_code_is_refused(new_hub: Callable[[], str], tmp_path: Path) -> None:
    url = new_hub()
    hub = open_hub(url)
    with hub.write() as conn:
        conn.execute(text("UPDATE hub_meta SET value = '99' WHERE key = 'schema_version'"))
    hub.close()
    with pytest.raises(HubError, match="plus récente"):
        open_hub(url)
    run = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "sync", "--db", str(tmp_path / "d.sqlite"), "--hub", url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "plus récente" in run.stderr and "Traceback" not in run.stderr


def test_an_older_hub_is_migrated_once_when_desks_open_it_together(
    seeded_hub: Callable[[], str], tmp_path: Path
) -> None:
    import threading

    from sqlalchemy import inspect

    url = seeded_hub()
    d1 = desk(tmp_path, "d1")
    sync(d1, url)
    admit(d1, people(d1, 1)[0], "Accueil 1")
    sync(d1, url)
    hub = open_hub(url)  # made as schema 1 was: no index on hub_fact.ref, no platform check-ins
    with hub.write() as conn:
        conn.execute(text("DROP INDEX hub_fact_ref"))
        conn.execute(text("ALTER TABLE hub_attendee DROP COLUMN platform_checkin"))
        conn.execute(text("UPDATE hub_meta SET value = '1' WHERE key = 'schema_version'"))
    hub.close()
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            open_hub(url).close()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert hub_rows(url, "SELECT value FROM hub_meta WHERE key = 'schema_version'") == [(str(HUB_SCHEMA),)]
    hub = open_hub(url)
    try:
        with hub.read() as conn:
            assert "hub_fact_ref" in {i["name"] for i in inspect(conn).get_indexes("hub_fact")}
            assert "platform_checkin" in {c["name"] for c in inspect(conn).get_columns("hub_attendee")}
    finally:
        hub.close()
    assert hub_rows(url, "SELECT count(*) FROM hub_fact WHERE kind = 'checkin'") == [(1,)]
    assert sync(d1, url).desk_ahead == 0


def test_not_a_hub_is_refused(tmp_path: Path) -> None:
    # A desk's replica given where the hub was expected (an easy slip).
    desk(tmp_path, "d1").close()
    with pytest.raises(HubError, match="hub init"):
        open_hub(str(tmp_path / "d1.sqlite"))
    with pytest.raises(HubError, match="introuvable"):
        open_hub(str(tmp_path / "nothing.sqlite"))


def test_sync_json_has_the_promised_keys(seeded_hub: Callable[[], str], tmp_path: Path) -> None:
    url = seeded_hub()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "checkin.cli",
            "sync",
            "--db",
            str(tmp_path / "d.sqlite"),
            "--hub",
            url,
            "--desk",
            "Accueil 1",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert {"pushed", "pulled", "conflicts", "hub_ahead", "desk_ahead"} <= set(data)
    assert data["pulled"] > 578 and data["conflicts"] == []


def test_same_facts_pushed_twice_are_stored_once(seeded_hub: Callable[[], str], tmp_path: Path) -> None:
    url = seeded_hub()
    d1 = desk(tmp_path, "d1")
    sync(d1, url)
    for person in people(d1, 5):
        admit(d1, person, "Accueil 1")
    sync(d1, url)
    # Forget the push cursor (as if killed after the hub committed): the retry adds nothing.
    with d1.write() as conn:
        conn.exec_driver_sql("DELETE FROM meta WHERE key LIKE 'sync.push.%'")
    again = sync(d1, url)
    assert again.pushed == 0
    assert len(hub_state(url)["facts"]) == 5 == len(fact_ids(d1))


def test_hub_init_and_import_commands_dry_run_then_cancellation_reaches_desks(
    new_hub: Callable[[], str], tmp_path: Path
) -> None:
    url = str(tmp_path / "cli-hub.sqlite") if new_hub.kind == "sqlite" else new_hub()  # type: ignore[attr-defined]

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "checkin.cli", *args], capture_output=True, text=True, timeout=120
        )

    assert cli("hub", "init", url).returncode == 0
    dry = cli("hub", "import", str(SAMPLE_DIR / "inscriptions.csv"), "--hub", url, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["created"] == 578
    assert hub_rows(url, "SELECT count(*) FROM hub_attendee") == [(0,)]
    assert cli("hub", "import", str(SAMPLE_DIR / "inscriptions.csv"), "--hub", url).returncode == 0
    d1 = desk(tmp_path, "d1")
    sync(d1, url)
    # The next export cancels a registration: the desk learns it at its next exchange.
    source = (SAMPLE_DIR / "inscriptions.csv").read_text(encoding="utf-8-sig")
    line = "INS-2026-00419;AICT26-UD7TBP7G;Confirmée;"
    changed = tmp_path / "v2.csv"
    changed.write_text(source.replace(line, line.replace("Confirmée", "Annulée")), encoding="utf-8-sig")
    again = cli("hub", "import", str(changed), "--hub", url, "--json")
    assert json.loads(again.stdout)["cancelled"] == 1
    result = sync(d1, url)
    assert result.pulled_by_table["attendee"] == 1
    with d1.read() as conn:
        status = conn.exec_driver_sql(
            "SELECT status FROM attendee WHERE registration = 'INS-2026-00419'"
        ).scalar_one()
    assert status == "cancelled"
