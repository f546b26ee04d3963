"""The morning as a queue: the brief's curve and the organiser's answer."""

from __future__ import annotations

import itertools

from checkin.rehearsal import queueing


def test_the_brief_curve_puts_two_thirds_in_the_last_half_hour() -> None:
    minutes = queueing.arrival_minutes(1000)
    peak = sum(1 for m in minutes if -30 <= m < 0) / len(minutes)
    assert 0.60 <= peak <= 0.70
    assert minutes == sorted(minutes) and minutes[0] >= -90


def test_more_desks_never_make_the_wait_longer_and_the_answer_is_the_first_that_holds() -> None:
    day = queueing.visits(500)
    waits = [queueing.simulate(day, n).max_wait for n in range(1, 9)]
    assert all(a >= b for a, b in itertools.pairwise(waits))
    desks, table = queueing.desks_needed(500, 5.0)
    assert table[-1]["desks"] == desks and table[-1]["max_wait_min"] <= 5.0
    assert all(row["max_wait_min"] > 5.0 for row in table[:-1])
    # The brief: about 11 arrivals a minute at the peak for 500 people, "a line of 5 desks
    # plus an exception desk".
    assert desks == 6


def test_every_person_is_served_once_after_arriving() -> None:
    morning = queueing.simulate(queueing.visits(300), 3)
    assert sorted(s.visit.person for s in morning.served) == list(range(300))
    assert all(s.start >= s.visit.arrive for s in morning.served)
    for desk in range(3):
        mine = sorted((s for s in morning.served if s.desk == desk), key=lambda s: s.start)
        assert all(a.end <= b.start for a, b in itertools.pairwise(mine))
