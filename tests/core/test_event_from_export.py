"""The dates ``checkin event new --from-export`` reads in ticket types, and the year it gives them.

The whole command runs on real pretix exports in ``tests/pretix/test_exports.py``."""

from __future__ import annotations

from datetime import date

import pytest

from checkin.preflight import fromexport


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Partenaire – 8 juillet", [(0, 7, 8)]),
        ("Partner – July 8th", [(0, 7, 8)]),
        ("Partner – 8. Juli", [(0, 7, 8)]),
        ("Pass 1er août 2027", [(2027, 8, 1)]),
        ("Tagesticket 08/07/2026", [(2026, 7, 8)]),
        ("Day pass 2026-07-09", [(2026, 7, 9)]),
        ("Élu·e — Pass 2 jours", []),
        ("Dîner", []),
    ],
)
def test_dates_named_in_a_ticket_type(text: str, found: list[tuple[int, int, int]]) -> None:
    assert fromexport._dates(text) == found


def test_a_day_without_year_is_the_next_one_after_the_first_order() -> None:
    seen = fromexport.Seen(first_order="2026-12-07T10:00")
    seen.days = {(0, 7, 8): "8 juillet", (0, 12, 20): "20 décembre", (2026, 7, 9): "2026-07-09"}
    assert fromexport.event_days(seen) == [
        (date(2026, 7, 9), "2026-07-09"),
        (date(2026, 12, 20), "20 décembre"),
        (date(2027, 7, 8), "8 juillet"),
    ]
