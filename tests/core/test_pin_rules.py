"""``checkin lead-pin`` refuses short and obvious PINs."""

from __future__ import annotations

import pytest

from checkin.base.pin import weakness


@pytest.mark.parametrize(
    "pin",
    [
        "1234",
        "12a456",
        "000000",
        "777777",
        "121212",
        "123123",
        "123456",
        "654321",
        "890123",
        "199512",
        "472026",
        "140726",
        "20260714",
        "07141985",
    ],
)
def test_obvious_pins_are_refused(pin: str) -> None:
    assert weakness(pin)


@pytest.mark.parametrize("pin", ["731946", "471958", "864297", "58203917"])
def test_good_pins_pass(pin: str) -> None:
    assert weakness(pin) == ""
