"""The room door's answers and the staff's occupancy view, for ``checkin screenshots``.

The door serves the Salon Vaucanson at 11:20 on the first day (workshop A1, open to those
registered for it). For the pictures the room holds 24 (the event file says 80): 23
people are let in through the door decision first, so one more fills it and the next is
refused as full — then admitted by the lead, PIN and reason shown."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from checkin.event.model import EventConfig
from checkin.replica import cipher

ROOM = "Salon Vaucanson"
CAPACITY = 24


def _people(db: Path, day: str) -> tuple[list[str], str]:
    """Codes of people registered for A1, and one of someone registered for no workshop."""
    live = "status = 'confirmed' AND (live_uid = uid OR live_uid = '') AND (days = '' OR days LIKE ?)"
    con = cipher.connect(db)
    try:
        a1 = [
            str(r[0])
            for r in con.execute(
                f"SELECT code FROM attendee WHERE {live} AND (',' || workshops || ',') LIKE '%,A1,%' "
                "AND uid NOT IN (SELECT attendee_uid FROM fact) ORDER BY id LIMIT ?",
                (f"%{day}%", CAPACITY + 2),
            )
        ]
        row = con.execute(
            f"SELECT code FROM attendee WHERE {live} AND workshops = '' ORDER BY id LIMIT 1", (f"%{day}%",)
        ).fetchone()
    finally:
        con.close()
    return a1, str(row[0]) if row else "AICT26-ZZZZ9999"


def _smaller_room(ev: EventConfig) -> EventConfig:
    rooms = tuple(dataclasses.replace(r, capacity=CAPACITY) if r.name == ROOM else r for r in ev.rooms.rooms)
    return dataclasses.replace(ev, rooms=dataclasses.replace(ev.rooms, rooms=rooms))


def door_shots(
    db: Path, ev: EventConfig, shot: Any, wait: Callable[..., bool]
) -> tuple[EventConfig, datetime]:
    """The door's answers, then the occupancy view; returns the event and the moment it shows."""
    from checkin.base.pin import hash_pin
    from checkin.base.settings import DeskSettings
    from checkin.ui.door.app import build_door, build_occupancy

    day = ev.days[0].iso
    a1, outsider = _people(db, day)
    clock = [datetime.fromisoformat(f"{day}T11:20:00").replace(tzinfo=ZoneInfo(ev.timezone))]
    settings = DeskSettings.load()
    settings.desk_name = "Porte Vaucanson"
    settings.muted = True
    settings.pin_hash = hash_pin("1234")
    small = _smaller_room(ev)
    door = build_door(db, ROOM, day=day, settings=settings, event=small, now=lambda: clock[0])
    station: Any = door.window
    station.resize(1366, 768)
    station.show()
    shot.window = station
    try:
        for code in a1[: CAPACITY - 1]:
            station.on_scan(code)
        station.go_ready()
        shot("door-ready-to-scan")
        _answers(station, shot, a1, outsider, clock)
    finally:
        door.close()
    clock[0] = clock[0].replace(hour=15, minute=20)
    _a_day_of_doors(db, small, day, clock[0])
    occupancy = build_occupancy(db, day=day, event=small, now=lambda: clock[0])
    view: Any = occupancy.window
    view.resize(1366, 768)
    view.show()
    shot.window = view
    try:
        wait(lambda: bool(view.rows))  # the first read, on the task pool
        shot("occupancy")
    finally:
        occupancy.close()
    return small, clock[0]


def _a_day_of_doors(db: Path, ev: EventConfig, day: str, now: datetime) -> None:
    """Entries and exits stamped through the first day (the door above stamps the real
    time), so the occupancy view's curves show a morning: each session of the day filled to
    a share of its room, people coming in before its start and leaving at its end — up to
    ``now``, as the doors would have recorded them."""
    from datetime import timedelta

    from checkin.replica import facts, movements
    from checkin.replica.db import open_replica

    replica = open_replica(db)
    zone = ZoneInfo(ev.timezone)
    try:
        with replica.read() as conn:
            programme = [s for s in movements.sessions(conn, day) if s.code != "A1"]
            uids = [str(r[0]) for r in conn.exec_driver_sql("SELECT uid FROM attendee ORDER BY id")]
        with replica.write() as conn:
            for n, s in enumerate(programme):
                room = ev.rooms.room(s.room)
                size = min(len(uids), int((room.capacity if room else 50) * (0.55 + 0.1 * (n % 4))))
                start = datetime.fromisoformat(f"{day}T{s.start}:00").replace(tzinfo=zone)
                end = datetime.fromisoformat(f"{day}T{s.end}:00").replace(tzinfo=zone)
                for i, uid in enumerate(uids[:size]):
                    at = start - timedelta(minutes=15) + timedelta(seconds=i * 1800 // max(size, 1))
                    if at > now:
                        break
                    facts.add(
                        conn, replica, "enter", attendee_uid=uid, day=day, desk="Porte", value=s.code,
                        field=s.room, at=at.isoformat(),
                    )  # fmt: skip
                    if i % 3 == 0 and end - timedelta(minutes=5 + i % 20) <= now:
                        facts.add(
                            conn, replica, "exit", attendee_uid=uid, day=day, desk="Porte", value=s.code,
                            field=s.room, at=(end - timedelta(minutes=5 + i % 20)).isoformat(),
                        )  # fmt: skip
    finally:
        replica.close()


def _answers(station: Any, shot: Any, a1: list[str], outsider: str, clock: list[datetime]) -> None:
    last, refused = a1[CAPACITY - 1], a1[CAPACITY]
    for code, name in ((last, "in"), (last, "already-inside"), (outsider, "not-in-session")):
        station.on_scan(code)
        shot(f"door-{name}")
    station.on_scan(refused)
    shot("door-full")
    station.ask_force()
    pin = station.dialog
    shot("door-force-pin", pin)
    pin.pin.setText("1234")
    pin.try_accept()
    reason = station.dialog
    reason.reason.setText("Intervenante de l'atelier")
    shot("door-force-reason", reason)
    reason.ok.click()
    shot("door-forced")
    station.parts.lock.lock()
    station.exit_button.setChecked(True)
    station.on_scan(last)
    shot("door-exit")
    station.exit_button.setChecked(False)
    station.on_scan("AICT26-ZZZZ9999")
    shot("door-unknown-code")
    clock[0] = clock[0].replace(hour=13, minute=5)
    station.follow_clock()
    station.on_scan(a1[0])
    shot("door-no-session")
    from checkin.base import i18n

    clock[0] = clock[0].replace(hour=11, minute=25)
    i18n.set_language("en")
    try:
        station.retranslate()
        station.follow_clock()
        station.on_scan(outsider)
        shot("door-not-in-session-english")
    finally:
        i18n.set_language("fr")
        station.retranslate()
    clock[0] = clock[0].replace(hour=11, minute=20)
