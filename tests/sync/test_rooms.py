"""Door desks sharing one room through a real hub, in separate processes, online and
offline: together they never admit more than the room holds; a session that ends checks
everyone out; a door desk whose clock is moved (libfaketime) follows the programme."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tests import dbfiles
from tests.sample import SAMPLE_DIR

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "checkin" / "resources" / "events" / "aict2026.toml"
FAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
CAPACITY = 6


def cli(*args: str, env: dict[str, str] | None = None) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "checkin.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout) if "--json" in args else done.stdout


@pytest.fixture
def venue(tmp_path: Path) -> dict[str, Any]:
    """A hub with the sample's registrations and programme, and two door desks from it;
    the Salon Vaucanson (A5) holds CAPACITY people and A5 is open to all."""
    text = SHIPPED.read_text(encoding="utf-8").replace("capacity = 80", f"capacity = {CAPACITY}")
    event = tmp_path / "event.toml"
    event.write_text(text.replace('type = "Atelier"', 'code = "A1"'), encoding="utf-8")
    hub = str(tmp_path / "hub.sqlite")
    env = {"CHECKIN_EVENT": str(event), "CHECKIN_HOME": str(tmp_path / "home")}
    cli("hub", "init", hub, env=env)
    cli("hub", "import", str(SAMPLE_DIR / "inscriptions.csv"), "--hub", hub, env=env)
    cli("hub", "import", str(SAMPLE_DIR / "programme.csv"), "--hub", hub, env=env)
    desks = {name: str(tmp_path / f"{name}.sqlite") for name in ("north", "south")}
    for name, db in desks.items():
        cli("sync", "--db", db, "--hub", hub, "--desk", name, env=env)
    con = dbfiles.connect(desks["north"])
    codes = [
        r[0]
        for r in con.execute(
            "SELECT code FROM attendee WHERE status = 'confirmed' AND uid = live_uid "
            "AND (days = '' OR days LIKE '%2026-07-09%') ORDER BY code LIMIT 40"
        )
    ]
    con.close()
    return {"hub": hub, "desks": desks, "env": env, "codes": codes}


def door(v: dict[str, Any], desk: str, code: str, *extra: str, hub: str | None = None) -> dict[str, Any]:
    args = ["scan", code, "--db", v["desks"][desk], "--desk", desk, "--day", "2026-07-09", "--json"]
    result: dict[str, Any] = cli(*args, "--hub", hub or v["hub"], *extra, env=v["env"])
    return result


def at(when: str) -> dict[str, str]:
    return {"LD_PRELOAD": FAKETIME, "FAKETIME": f"@{when}", "NO_FAKE_STAT": "1", "TZ": "Europe/Paris"}


def test_two_doors_share_the_room_online_and_offline(venue: dict[str, Any]) -> None:
    codes = venue["codes"]
    outcomes: dict[str, list[str]] = {"north": [], "south": []}

    def run(desk: str, mine: list[str]) -> None:
        for code in mine:
            outcomes[desk].append(door(venue, desk, code, "--session", "A5", "--at", "11:40")["outcome"])

    threads = [
        threading.Thread(target=run, args=("north", codes[0:5])),
        threading.Thread(target=run, args=("south", codes[8:13])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    admitted = outcomes["north"].count("admitted") + outcomes["south"].count("admitted")
    assert admitted <= CAPACITY, outcomes
    assert admitted >= CAPACITY // 2, outcomes
    # One leaves by the north door: its seat is the north door's again.
    left = next(c for c, o in zip(codes[0:5], outcomes["north"], strict=True) if o == "admitted")
    assert door(venue, "north", left, "--session", "A5", "--exit", "--at", "11:50")["outcome"] == "exit"
    # The hub vanishes: each door keeps its own share and never goes beyond it.
    gone = venue["hub"] + ".away"
    os.rename(venue["hub"], gone)
    offline = [door(venue, "north", c, "--session", "A5", "--at", "11:55")["outcome"] for c in codes[16:18]]
    offline += [door(venue, "south", c, "--session", "A5", "--at", "11:55")["outcome"] for c in codes[20:22]]
    os.rename(gone, venue["hub"])
    for name, db in venue["desks"].items():
        cli("sync", "--db", db, "--hub", venue["hub"], "--desk", name, env=venue["env"])
    rows = cli("sessions", "--hub", venue["hub"], "--json", env={**venue["env"], **at("2026-07-09 12:00:00")})
    a5 = next(r for r in rows if r["code"] == "A5")
    assert a5["capacity"] == CAPACITY
    assert a5["inside"] <= CAPACITY, (outcomes, offline)
    assert "full" in offline
    # The session ends: everybody is out, on the hub and on a desk.
    later = {**venue["env"], **at("2026-07-09 13:05:00")}
    assert (
        next(r for r in cli("sessions", "--hub", venue["hub"], "--json", env=later) if r["code"] == "A5")[
            "inside"
        ]
        == 0
    )
    local = cli("sessions", "--db", venue["desks"]["south"], "--json", env=later)
    assert next(r for r in local if r["code"] == "A5")["admitted"] == a5["admitted"]


def test_a_door_desk_follows_the_clock(venue: dict[str, Any]) -> None:
    code = venue["codes"][0]
    room = ("--room", "Salon Vaucanson")
    args = [
        "scan",
        code,
        "--db",
        venue["desks"]["north"],
        "--desk",
        "north",
        "--json",
        *room,
        "--hub",
        venue["hub"],
    ]
    first = cli(*args, env={**venue["env"], **at("2026-07-09 11:20:00")})
    assert first["session"]["code"] == "A5" and first["outcome"] == "admitted"
    # At 14:20 nothing is in that room on the 9th (A4 was on the 8th).
    after = cli(*args, env={**venue["env"], **at("2026-07-09 14:20:00")})
    assert after["outcome"] == "no_session"
    # Entering another room checks the person out of the first.
    other = [
        "scan",
        code,
        "--db",
        venue["desks"]["north"],
        "--desk",
        "north",
        "--json",
        "--room",
        "Salon Foucault",
        "--hub",
        venue["hub"],
    ]
    moved = cli(*other, env={**venue["env"], **at("2026-07-09 11:45:00")})
    assert moved["session"]["code"] == "A6" and moved["outcome"] == "admitted"
    rows = cli(
        "sessions",
        "--db",
        venue["desks"]["north"],
        "--json",
        env={**venue["env"], **at("2026-07-09 11:50:00")},
    )
    inside = {r["code"]: r["inside"] for r in rows}
    assert inside["A5"] == 0 and inside["A6"] == 1


def hub_leases(hub: str) -> dict[str, int]:
    """Each door's latest A5 lease on the hub."""
    con = dbfiles.connect(hub)
    rows = con.execute("SELECT desk, data FROM hub_fact WHERE kind = 'lease' AND value = 'A5' ORDER BY hseq")
    latest = {str(desk): int(json.loads(data)["seats"]) for desk, data in rows}
    con.close()
    return latest


def background_exchange(v: dict[str, Any], desk: str, local: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """One tick of the door's live sync (the thread's own step), its clock at ``local`` in Paris."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from checkin.event import model
    from checkin.replica.db import open_replica
    from checkin.sync.live import LiveSync

    monkeypatch.setenv("CHECKIN_HOME", v["env"]["CHECKIN_HOME"])
    replica = open_replica(v["desks"][desk])
    moment = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo("Europe/Paris"))
    live = LiveSync(
        replica, v["hub"], desk=desk, event=model.load(v["env"]["CHECKIN_EVENT"]), clock=lambda: moment
    )
    try:
        state = live.run_once()
    finally:
        live.close()
        replica.close()
    assert state.online and not state.error, state


def test_unused_seats_go_back_at_the_background_exchange(
    venue: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = venue["codes"]
    a5 = ("--session", "A5", "--at", "11:40")
    north = [door(venue, "north", c, *a5)["outcome"] for c in codes[0:5]]
    assert north == ["admitted"] * 5
    for c in codes[0:3]:  # three leave: the north door holds 2 seats of its lease of 5
        assert door(venue, "north", c, "--session", "A5", "--exit", "--at", "11:42")["outcome"] == "exit"
    assert door(venue, "south", codes[8], *a5)["outcome"] == "admitted"
    refused = door(venue, "south", codes[9], *a5)
    assert refused["outcome"] == "full", refused  # 3 inside of 6: the north door holds the rest
    assert hub_leases(venue["hub"]) == {"north": 5, "south": 1}
    # The north door scans nobody more; its live sync gives back what it does not use.
    background_exchange(venue, "north", "2026-07-09 11:45", monkeypatch)
    assert hub_leases(venue["hub"])["north"] == 3
    assert door(venue, "south", codes[9], *a5)["outcome"] == "admitted"
    # A5 has ended: both doors give back every seat.
    for desk in ("north", "south"):
        background_exchange(venue, desk, "2026-07-09 13:05", monkeypatch)
    assert hub_leases(venue["hub"]) == {"north": 0, "south": 0}
    # Nothing more to give back: a further exchange writes no lease.
    con = dbfiles.connect(venue["hub"])
    before = con.execute("SELECT count(*) FROM hub_fact WHERE kind = 'lease'").fetchone()[0]
    con.close()
    background_exchange(venue, "north", "2026-07-09 13:10", monkeypatch)
    con = dbfiles.connect(venue["hub"])
    assert con.execute("SELECT count(*) FROM hub_fact WHERE kind = 'lease'").fetchone()[0] == before
    con.close()
