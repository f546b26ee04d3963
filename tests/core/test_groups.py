"""A delegation or an order welcomed as one (issue 20, item 5): found from any member's code,
the delegation's name, the order's number or its buyer; each member's state; one admission
for those present, in the group's order with the head of delegation first."""

from __future__ import annotations

import json

import pytest

from checkin import cli
from checkin.arrivals import groups, scan
from checkin.event.model import EventConfig
from checkin.replica.db import Replica

DAY1, DAY2 = "2026-07-08", "2026-07-09"


def _codes(replica: Replica, sql: str, *params: str) -> list[str]:
    with replica.read() as conn:
        return [str(r[0]) for r in conn.exec_driver_sql(sql, params)]


def test_a_member_s_code_and_the_delegation_s_name_give_the_same_group(
    sample_db: Replica, event: EventConfig
) -> None:
    by_name = groups.find(sample_db, event, "délégation arménie", day=DAY1)
    assert by_name is not None and by_name.kind == "delegation"
    codes = [m.attendee.code for m in by_name.members]
    # Only the registrations that count: the cancelled duplicate of a re-registered member is not there.
    assert len(codes) == 5 and len(set(codes)) == 5
    by_code = groups.find(sample_db, event, codes[-1], day=DAY1)
    assert by_code is not None and [m.attendee.code for m in by_code.members] == codes
    # The head first: the highest office (no column says who leads), then registration order.
    head = by_name.members[0]
    assert head.head and sum(m.head for m in by_name.members) == 1
    assert all(m.state == "expected" for m in by_name.members)
    assert groups.find(sample_db, event, "délégation", day=DAY1) is None  # names every delegation
    assert groups.find(sample_db, event, "zzzz", day=DAY1) is None


def test_states_and_one_admission_in_the_group_s_order(sample_db: Replica, event: EventConfig) -> None:
    group = groups.find(sample_db, event, "Délégation Arménie", day=DAY1)
    assert group is not None
    first, second, *rest = group.members
    scan.decide(sample_db, event, second.attendee.code, day=DAY1, desk="Accueil 1")
    with sample_db.write() as conn:  # one member registered for the second day only
        conn.exec_driver_sql("UPDATE attendee SET days = ? WHERE code = ?", (DAY2, rest[0].attendee.code))
    group = groups.find(sample_db, event, "Délégation Arménie", day=DAY1)
    assert group is not None
    states = {m.attendee.code: m.state for m in group.members}
    assert states[second.attendee.code] == "here" and states[rest[0].attendee.code] == "other_day"
    done = groups.admit(sample_db, event, group, day=DAY1, desk="Accueil 2")
    admitted = [d.attendee.code for d in done.admitted if d.attendee]
    assert admitted == [m.attendee.code for m in group.members if m.state == "expected"]
    assert admitted[0] == first.attendee.code  # the head's badge first
    assert [m.state for m in done.members].count("here") == 4
    again = groups.admit(sample_db, event, done, day=DAY1, desk="Accueil 2")
    assert again.admitted == ()  # nobody twice


def test_an_order_is_found_by_its_number_or_its_buyer(sample_db: Replica, event: EventConfig) -> None:
    codes = _codes(
        sample_db, "SELECT code FROM attendee WHERE delegation = '' AND status = 'confirmed' LIMIT 3"
    )
    raw = json.dumps({"Order code": "Q7XKA", "Invoice address name": "Mairie de Saint-Brieuc"})
    with sample_db.write() as conn:
        for code in codes:
            conn.exec_driver_sql("UPDATE attendee SET raw = ? WHERE code = ?", (raw, code))
    for text in (codes[1], "Q7XKA", "saint-brieuc"):
        group = groups.find(sample_db, event, text, day=DAY1)
        assert group is not None and group.kind == "order", text
        assert sorted(m.attendee.code for m in group.members) == sorted(codes)
        assert group.name == "Q7XKA — Mairie de Saint-Brieuc"


def test_the_command_line(sample_db: Replica, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(sample_db.path)
    assert cli.main(["group", "Délégation Mali", "--db", db, "--day", DAY1, "--admit", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["group"] == "Délégation Mali" and out["admitted"] == len(out["members"]) > 1
    assert {"code", "name", "state"} <= set(out["members"][0])
    assert all(m["state"] == "here" for m in out["members"])
    assert cli.main(["group", "Délégation Mali", "--db", db, "--day", DAY1]) == 0
    assert "déjà arrivé·e" in capsys.readouterr().out
