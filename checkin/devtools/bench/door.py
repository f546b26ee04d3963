"""The door's speed: scan → answer at a session's door, at the scale of a large event.

``checkin bench-door --attendees 100000 --sessions 200 --json`` builds a synthetic event in a
temporary folder (the registrations of ``checkin bench``, a programme of ``--sessions``
sessions in twelve rooms over the event's days, a quarter of them workshops open to their
registrants), fills the doors' history (``--movements`` entries and exits already recorded,
as in the afternoon of a busy day, no room past two thirds), then times door scans through the real decision
(:func:`checkin.arrivals.rooms.decide`): the code read, the event-level decision, who the
session admits, who is inside, the entry written and committed. Half the scans find their
session by the room and the clock (a ``--room`` door), half are given it (``--session``);
some are exits, some are a second scan of someone already in. One door, no hub (a hub adds
the lease read, and a round trip only when the door's share is used up).
"""

from __future__ import annotations

import csv
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checkin.arrivals import rooms
from checkin.devtools.bench.core import _percentile
from checkin.event.model import EventConfig
from checkin.event.rooms import Access, Room, Rooms
from checkin.importer import import_file
from checkin.replica import movements
from checkin.replica.db import Replica, open_replica
from checkin.replica.movements import Session

ROOMS = 12
SLOT_MIN = 50  # a session of 45 minutes every 50
FIRST_SLOT = 8 * 60


def programme(path: Path, event: EventConfig, sessions: int) -> Path:
    """``sessions`` sessions, spread over the days, the rooms and slots of 50 minutes."""
    days = [d.iso for d in event.days]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(("Code", "Titre", "Type", "Date", "Début", "Fin", "Salle"))
        for n in range(sessions):
            day, rest = divmod(n, -(-sessions // len(days)))
            slot, room = divmod(rest, ROOMS)
            start = FIRST_SLOT + slot * SLOT_MIN
            kind = "Atelier" if n % 4 == 0 else "Conférence"
            writer.writerow(
                (
                    f"S{n + 1:03d}",
                    f"Session {n + 1}",
                    kind,
                    days[day],
                    _hhmm(start),
                    _hhmm(start + 45),
                    f"Salle {room + 1:02d}",
                )
            )
    return path


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def with_rooms(event: EventConfig) -> EventConfig:
    """The event with the synthetic rooms (capacities 40 to 400) and workshops for registrants."""
    halls = tuple(Room(f"Salle {n + 1:02d}", 40 + 40 * (n % 10), exits=True) for n in range(ROOMS))
    return replace(event, rooms=Rooms(halls, (Access("Atelier", "", ("registered",)),)))


def _history(
    replica: Replica,
    event: EventConfig,
    people: list[str],
    found: list[Session],
    count: int,
    rng: random.Random,
) -> None:
    """``count`` movements already recorded: entries (each session filled to at most two
    thirds of its room, as the doors would have kept it) and a quarter of exits."""
    rows: list[tuple[str, ...]] = []
    entries: dict[str, int] = {}
    while len(rows) < count:
        s = rng.choice(found)
        kind = "exit" if rng.random() < 0.25 else "enter"
        room = event.rooms.room(s.room)
        if kind == "enter" and room is not None and entries.get(s.code, 0) >= room.capacity * 2 // 3:
            kind = "exit"
        entries[s.code] = entries.get(s.code, 0) + (kind == "enter")
        at = datetime.now(UTC).isoformat(timespec="milliseconds")
        rows.append(
            (str(uuid.uuid4()), kind, rng.choice(people), "", s.day, "Porte", replica.desk_id, "volunteer",
             at, replica.clock.now(), "", s.room, s.code, "", "")
        )  # fmt: skip
    cols = "id, kind, attendee_uid, code, day, desk, desk_id, role, at, hlc, ref, field, value, reason, data"
    with replica.write() as conn:
        conn.exec_driver_sql(f"INSERT INTO fact ({cols}) VALUES ({', '.join('?' * 15)})", rows)


def _scans(
    replica: Replica,
    event: EventConfig,
    codes: list[str],
    found: list[Session],
    scans: int,
    rng: random.Random,
) -> tuple[list[float], dict[str, int]]:
    """Door scans, timed from the text read to the decision returned (the entry committed)."""
    times: list[float] = []
    outcomes: dict[str, int] = {}
    recent: list[tuple[str, Session]] = []
    for n in range(scans):
        pick = rng.random()
        if recent and pick < 0.1:
            code, s = rng.choice(recent)  # scanned again at the same door
        else:
            code, s = rng.choice(codes), rng.choice(found)
        exit = recent != [] and 0.1 <= pick < 0.2
        if exit:
            code, s = rng.choice(recent)
        start = int(s.start[:2]) * 60 + int(s.start[3:])
        hhmm = _hhmm(start + rng.randint(0, 40))
        t0 = time.perf_counter()
        target = s
        if n % 2:  # a --room door: the session the clock says
            with replica.read() as conn:
                target = movements.in_room(conn, s.room, s.day, hhmm) or s
        d = rooms.decide(replica, event, code, target, day=s.day, hhmm=hhmm, desk="Porte", exit=exit)
        times.append((time.perf_counter() - t0) * 1000)
        outcomes[d.outcome] = outcomes.get(d.outcome, 0) + 1
        if d.outcome == "admitted":
            recent.append((code, s))
    return times, outcomes


def run(
    event: EventConfig,
    attendees: int = 100_000,
    sessions: int = 200,
    scans: int = 2000,
    movements_before: int = 100_000,
    seed: int = 7,
) -> dict[str, Any]:
    from checkin.demo.synthetic import write_export

    rng = random.Random(seed)
    event = with_rooms(event)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="checkin-bench-door-") as tmp:
        folder = Path(tmp)
        replica = open_replica(folder / "door.sqlite")
        import_file(replica, event, write_export(folder / "export.csv", attendees, event, seed))
        import_file(replica, event, programme(folder / "programme.csv", event, sessions))
        with replica.read() as conn:
            found = movements.sessions(conn)
            people = conn.exec_driver_sql(
                "SELECT live_uid, code FROM attendee WHERE status = 'confirmed'"
            ).all()
        _history(replica, event, [str(uid) for uid, _c in people], found, movements_before, rng)
        times, outcomes = _scans(replica, event, [str(c) for _u, c in people], found, scans, rng)
        replica.close()
    return {
        "attendees": attendees,
        "sessions": len(found),
        "rooms": ROOMS,
        "movements_before": movements_before,
        "scans": len(times),
        "outcomes": outcomes,
        "door_p50_ms": round(statistics.median(times), 2),
        "door_p99_ms": round(_percentile(times, 0.99), 2),
        "door_max_ms": round(max(times), 2),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


if __name__ == "__main__":  # python -m checkin.devtools.bench.door
    from checkin.event import model

    print(json.dumps(run(model.load(), attendees=int(os.environ.get("BENCH_ATTENDEES", "100000"))), indent=2))
