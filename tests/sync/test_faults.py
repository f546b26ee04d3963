"""Fault injection: the sync process killed at any point, the hub gone, clocks an hour off."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sample import SAMPLE_DIR

from checkin.event.model import EventConfig
from checkin.replica import attendees, facts
from checkin.replica.db import open_replica
from checkin.replica.hlc import Clock, Stamp
from checkin.sync import slices
from checkin.sync.hub import HubError, on_network_share, open_hub
from checkin.sync.hubimport import import_into_hub

from .conftest import clone, hub_state
from .helpers import DAY1, admit, desk, desk_state, fact_ids, hub_rows, people, sync


def _sync_process(db: Path, url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "checkin.cli",
            "sync",
            "--db",
            str(db),
            "--hub",
            url,
            "--desk",
            "Accueil 1",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **env},
    )


def _prepare(seeded_hub: Callable[[], str], tmp_path: Path, event: EventConfig) -> tuple[str, Path]:
    """A hub with another desk's work, and desk 1 with offline work of every kind."""
    url = seeded_hub()
    d1, d2 = desk(tmp_path, "d1"), desk(tmp_path, "d2")
    sync(d1, url)
    sync(d2, url)
    for person in people(d2, 40, offset=90):
        admit(d2, person, "Accueil 2")
    sync(d2, url)
    d2.close()
    crowd = people(d1, 70, offset=30)  # ten of them were admitted at desk 2 too
    for person in crowd:
        admit(d1, person, "Accueil 1")
    facts.record_edit(
        d1, crowd[0].uid, "last_name", "Correction", desk="Accueil 1", role="lead", reason="faute"
    )
    facts.create_walkin(
        d1, event, {"first_name": "Ana", "last_name": "Sur Place"}, day=DAY1, desk="Accueil 1"
    )
    d1.close()
    return url, tmp_path / "d1.sqlite"


def test_killed_at_random_points_converges_like_an_uninterrupted_run(
    seeded_hub: Callable[[], str], tmp_path: Path, sync_event: EventConfig
) -> None:
    url, db = _prepare(seeded_hub, tmp_path, sync_event)
    # The reference: the same desk and hub, exchanged once without interruption.
    ref_db = tmp_path / "ref.sqlite"
    shutil.copyfile(db, ref_db)
    ref_url = clone(url)
    done = _sync_process(ref_db, ref_url)
    assert done.returncode == 0, done.stderr
    # Small batches give many points to die at; kill at a random sample of them.
    rng = random.Random(20260708)
    kills = 0
    while kills < 12:
        point = rng.randint(1, 5)
        run = _sync_process(db, url, CHECKIN_SYNC_BATCH="10", CHECKIN_SYNC_KILL_AT=str(point))
        assert run.returncode in (0, -9), run.stderr
        if run.returncode == 0:
            break
        kills += 1
    # And a few kills at arbitrary moments, not at checkpoints.
    for _ in range(2):
        proc = subprocess.Popen(
            [sys.executable, "-m", "checkin.cli", "sync", "--db", str(db), "--hub", url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "CHECKIN_SYNC_BATCH": "10"},
        )
        time.sleep(rng.uniform(0.3, 1.5))
        proc.kill()
        proc.wait()
    assert kills >= 8  # each kill at a checkpoint: push, hub commit, pull batches
    final = _sync_process(db, url)
    assert final.returncode == 0, final.stderr
    report = json.loads(final.stdout)
    assert (report["desk_ahead"], report["hub_ahead"]) == (0, 0)
    reference = json.loads(done.stdout)
    assert len(report["conflicts"]) == len(reference["conflicts"]) == 10
    desk_now = desk(tmp_path, "d1")
    desk_ref = desk(tmp_path, "ref")
    assert desk_state(desk_now) == desk_state(desk_ref)
    assert hub_state(url) == hub_state(ref_url)
    with desk_now.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*), count(DISTINCT id) FROM fact").one() == (112, 112)


def test_hub_gone_mid_exchange_is_a_clear_error_and_the_desk_keeps_its_work(
    seeded_hub: Callable[[], str],
    tmp_path: Path,
    sync_event: EventConfig,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    url, _db = _prepare(seeded_hub, tmp_path, sync_event)
    d1 = desk(tmp_path, "d1")
    before = fact_ids(d1)
    calls = {"n": 0}
    cluster = request.getfixturevalue("pg_cluster") if "://" in url else None
    moved = Path(str(url) + ".away")

    def vanish() -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            if cluster is None:
                os.rename(url, moved)  # the USB stick is pulled out
            else:
                name = url.rsplit("/", 1)[1]
                cluster.admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
                cluster.admin(
                    f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                )

    monkeypatch.setattr(slices, "checkpoint", vanish)
    with pytest.raises(HubError, match="ne répond pas"):
        sync(d1, url, batch=20)
    # Nothing the desk did is lost.
    assert before <= fact_ids(d1)
    monkeypatch.undo()
    if cluster is None:
        os.rename(moved, url)
    else:
        cluster.admin(f"ALTER DATABASE {url.rsplit('/', 1)[1]} ALLOW_CONNECTIONS true")
    again = sync(d1, url)
    assert (again.desk_ahead, again.hub_ahead) == (0, 0)
    assert {f[0] for f in hub_state(url)["facts"]} == {r[0] for r in desk_state(d1)["facts"]}  # type: ignore[index]


def _changed_export(tmp_path: Path, old: str, new: str) -> Path:
    source = (SAMPLE_DIR / "inscriptions.csv").read_text(encoding="utf-8-sig")
    assert source.count(old) == 1
    target = tmp_path / "inscriptions-v2.csv"
    target.write_text(source.replace(old, new), encoding="utf-8-sig")
    return target


def test_a_desk_an_hour_ahead_cannot_beat_a_newer_export(
    seeded_hub: Callable[[], str], tmp_path: Path, sync_event: EventConfig
) -> None:
    url = seeded_hub()
    fast, right = desk(tmp_path, "fast"), desk(tmp_path, "right")
    sync(fast, url)
    sync(right, url)
    fast.clock = Clock(fast.desk_id, wall=lambda: int(time.time() * 1000) + 3_600_000)
    with fast.read() as conn:
        khoury = next(a for a in attendees.all_live(conn) if a.registration == "INS-2026-00419")
    # 1. The fast desk fixes the surname while offline; its stamp says "an hour from now".
    fix = facts.record_edit(
        fast, khoury.uid, "last_name", "Khouri", desk="Accueil 1", role="lead", reason="orthographe"
    )
    assert Stamp.parse(fix.hlc).millis > time.time() * 1000 + 3_500_000
    # 2. Later (really), staff import an export that changed the surname.
    hub = open_hub(url)
    import_into_hub(
        hub, sync_event, _changed_export(tmp_path, "19:58;Mme;Nour;Khoury;", "19:58;Mme;Nour;Khoury-Haddad;")
    )
    hub.close()
    # 3. The fast desk exchanges: the export is newer, it holds the field; the pair is listed.
    report = sync(fast, url)
    with fast.read() as conn:
        assert attendees.by_uid(conn, khoury.uid).last_name == "Khoury-Haddad"  # type: ignore[union-attr]
    edits = [c for c in report.conflicts if c["kind"] == "edit_vs_export"]
    assert [(c["attendee_uid"], c["desk_value"], c["export_value"], c["kept"]) for c in edits] == [
        (khoury.uid, "Khouri", "Khoury-Haddad", "export")
    ]
    # The hub measured the skew and placed the fix at the time it really happened.
    [(placed,)] = hub_rows(url, "SELECT hub_hlc FROM hub_fact WHERE id = :i", {"i": fix.id})
    assert isinstance(placed, str)
    assert abs(Stamp.parse(placed).millis - time.time() * 1000) < 120_000
    # 4. A fix made after seeing the export (right clock) wins, with no conflict.
    sync(right, url)
    facts.record_edit(
        right, khoury.uid, "last_name", "Khoury Haddad", desk="Accueil 2", role="lead", reason="tiret"
    )
    sync(right, url)
    final = sync(fast, url)
    with fast.read() as conn:
        assert attendees.by_uid(conn, khoury.uid).last_name == "Khoury Haddad"  # type: ignore[union-attr]
    assert len([c for c in final.conflicts if c["kind"] == "edit_vs_export"]) == 1
    # 5. Re-importing the same export does not undo the newer fix.
    hub = open_hub(url)
    import_into_hub(hub, sync_event, tmp_path / "inscriptions-v2.csv")
    hub.close()
    sync(fast, url)
    with fast.read() as conn:
        assert attendees.by_uid(conn, khoury.uid).last_name == "Khoury Haddad"  # type: ignore[union-attr]


def test_killed_during_the_first_pull_keeps_what_came_searchable_and_resumes(
    seeded_hub: Callable[[], str], tmp_path: Path
) -> None:
    """A first pull commits in short slices (no scan waits behind it): a kill leaves the
    registrations pulled so far, each one found by the search once the desk reopens, and
    the next exchange brings the rest."""
    url = seeded_hub()
    ref = desk(tmp_path, "ref")
    sync(ref, url)
    db = tmp_path / "fresh.sqlite"
    seen: list[int] = []
    # With batches of 100 and a slice per 50 rows, the 578 codes take checkpoints 1-18; each
    # run goes on from where the last one died.
    for point in (20, 6, 3):
        run = _sync_process(
            db, url, CHECKIN_SYNC_BATCH="100", CHECKIN_SYNC_KILL_AT=str(point), CHECKIN_SYNC_SLICE_S="0"
        )
        assert run.returncode == -9, run.stderr
        half = desk(tmp_path, "fresh")  # reopening finishes the search index
        with half.read() as conn:
            count = conn.exec_driver_sql("SELECT count(*) FROM attendee").scalar_one()
            indexed = conn.exec_driver_sql("SELECT count(*) FROM attendee_fts_docsize").scalar_one()
            assert conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'fts.upto'").first() is None
        seen.append(count)
        assert indexed == count
        with half.write() as conn:
            conn.exec_driver_sql("INSERT INTO attendee_fts(attendee_fts) VALUES ('integrity-check')")
        half.close()
    assert 0 < seen[0] < seen[1] < seen[2] < 578, seen
    assert _sync_process(db, url).returncode == 0
    fresh = desk(tmp_path, "fresh")
    assert desk_state(fresh) == desk_state(ref)
    search = "SELECT count(*) FROM attendee_fts WHERE attendee_fts MATCH 'khoury'"
    with fresh.read() as a, ref.read() as b:
        assert a.exec_driver_sql(search).scalar_one() == b.exec_driver_sql(search).scalar_one() == 2
    with fresh.write() as conn:
        conn.exec_driver_sql("INSERT INTO attendee_fts(attendee_fts) VALUES ('integrity-check')")


_FIX_SCRIPT = """
import sys
from checkin.replica import attendees, facts
from checkin.replica.db import open_replica
replica = open_replica(sys.argv[1], create=False)
with replica.read() as conn:
    person = next(a for a in attendees.all_live(conn) if a.registration == "INS-2026-00419")
facts.record_edit(replica, person.uid, "last_name", "Khouri", desk="Accueil 1", role="lead", reason="orthographe")
print(person.uid)
"""


def _libfaketime() -> str:
    import glob

    found = glob.glob("/usr/lib/*/faketime/libfaketime.so.1")
    if not found:
        pytest.fail("libfaketime is not installed (apt-get install libfaketime)")
    return found[0]


def test_a_desk_computer_an_hour_fast_is_put_back_by_the_hub_clock(
    seeded_hub: Callable[[], str], tmp_path: Path, sync_event: EventConfig
) -> None:
    """The whole desk process runs with its system clock an hour ahead (libfaketime).

    The hub's clock stays right: PostgreSQL's, or for a file hub the file system's (as a
    file server on a shared folder stamps its files; ``CHECKIN_HUB_CLOCK=file`` makes the
    local disk play that part, the kernel's stamps are not faked).
    """
    url = seeded_hub()
    db = tmp_path / "fast.sqlite"
    first = open_replica(db)
    sync(first, url)
    first.close()
    fast_env = {
        "LD_PRELOAD": _libfaketime(),
        "FAKETIME": "+1h",
        "NO_FAKE_STAT": "1",
        "CHECKIN_HUB_CLOCK": "file",
    }
    fixed = subprocess.run(
        [sys.executable, "-c", _FIX_SCRIPT, str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **fast_env},
    )
    assert fixed.returncode == 0, fixed.stderr
    uid = fixed.stdout.strip()
    after = open_replica(db)
    with after.read() as conn:
        [(fact_id, stamp)] = conn.exec_driver_sql("SELECT id, hlc FROM fact WHERE kind = 'edit'").all()
    after.close()
    assert Stamp.parse(stamp).millis > time.time() * 1000 + 3_500_000  # the desk believes so
    # Later (really), staff import an export that changed the surname.
    hub = open_hub(url)
    import_into_hub(
        hub, sync_event, _changed_export(tmp_path, "19:58;Mme;Nour;Khoury;", "19:58;Mme;Nour;Khoury-Haddad;")
    )
    hub.close()
    if "://" not in url:  # without a clock to compare with, the fix wins, but the pair is listed
        blind_url, blind_db = clone(url), tmp_path / "blind.sqlite"
        shutil.copyfile(db, blind_db)
        run = _sync_process(blind_db, blind_url, **{**fast_env, "CHECKIN_HUB_CLOCK": "local"})
        assert run.returncode == 0, run.stderr
        [conflict] = [c for c in json.loads(run.stdout)["conflicts"] if c["kind"] == "edit_vs_export"]
        assert (conflict["desk_value"], conflict["export_value"], conflict["kept"]) == (
            "Khouri",
            "Khoury-Haddad",
            "desk",
        )
    run = _sync_process(db, url, **fast_env)
    assert run.returncode == 0, run.stderr
    [conflict] = [c for c in json.loads(run.stdout)["conflicts"] if c["kind"] == "edit_vs_export"]
    assert (conflict["attendee_uid"], conflict["desk_value"], conflict["export_value"], conflict["kept"]) == (
        uid,
        "Khouri",
        "Khoury-Haddad",
        "export",
    )
    [(name, placed)] = hub_rows(
        url,
        "SELECT a.last_name, f.hub_hlc FROM hub_attendee a, hub_fact f WHERE a.uid = :u AND f.id = :f",
        {"u": uid, "f": fact_id},
    )
    assert name == "Khoury-Haddad"
    assert isinstance(placed, str)
    assert abs(Stamp.parse(placed).millis - time.time() * 1000) < 120_000


MOUNTINFO = """\
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
40 27 0:50 / /mnt/partage rw,relatime - cifs //serveur/accueil rw
41 27 0:51 / /media/clé\\040USB rw,relatime - vfat /dev/sdb1 rw
42 27 0:52 / /srv/nfs rw,relatime - nfs4 serveur:/export rw
"""


@pytest.mark.parametrize(
    ("path", "network"),
    [
        ("/mnt/partage/hub.sqlite", True),
        ("/srv/nfs/accueil/hub.sqlite", True),
        ("/media/clé USB/hub.sqlite", False),
        ("/mnt/partage-local/hub.sqlite", False),
        ("/home/accueil/hub.sqlite", False),
    ],
)
def test_a_hub_on_a_shared_folder_is_told_from_one_on_a_local_disk(path: str, network: bool) -> None:
    assert on_network_share(Path(path), MOUNTINFO) is network
