"""Reading scans: bare codes, links, scanner prefixes, keyboard-layout mix-ups."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkin.base import codes

PATTERN = re.compile("AICT26-[0-9A-Z]{8}")
CODE = "AICT26-7K3M9Q2X"


def known(code: str) -> bool:
    return code == CODE


@pytest.mark.parametrize(("scanner", "laptop"), codes.LAYOUT_PAIRS)
@pytest.mark.parametrize("text", [CODE, f"https://inscriptions.example.org/billet/{CODE}"])
def test_every_layout_mix_up_is_repaired(scanner: str, laptop: str, text: str) -> None:
    garbled = codes.garble(text, scanner, laptop)
    parsed = codes.parse(garbled + "\r\n", PATTERN, known)
    assert parsed.code == CODE
    if garbled != text:
        assert parsed.repaired is not None
        exact = [
            (a, b)
            for a, b in codes.LAYOUT_PAIRS
            if CODE in codes.translate(garbled, a, b)
            and codes.garble(codes.translate(garbled, a, b), a, b) == garbled
        ]
        if exact:  # the hint names a mix-up that explains exactly what arrived
            assert tuple(parsed.repaired.split("+")[0].split("→")) in exact


def test_the_brief_s_example_us_scanner_on_azerty() -> None:
    garbled = codes.garble(CODE, "us", "fr")
    assert garbled.startswith("QICTé-")
    parsed = codes.parse(garbled, PATTERN, known)
    assert (parsed.code, parsed.repaired) == (CODE, "us→fr")


def test_a_repair_that_matches_the_pattern_but_is_not_known_is_still_offered() -> None:
    parsed = codes.parse(codes.garble("AICT26-ZZZZ2222", "us", "fr"), PATTERN, known)
    assert parsed.code == "AICT26-ZZZZ2222" and parsed.repaired == "us→fr"


def test_caps_lock_left_on() -> None:
    parsed = codes.parse(CODE.lower(), PATTERN, known)
    assert parsed.code == CODE and parsed.repaired is None  # codes are read case-blind


@pytest.mark.parametrize(
    "text",
    [
        f"  {CODE}\n",
        f"]Q1{CODE}",
        f"https://x.example/billet/{CODE}?utm=mail",
        f"https://x.example/checkin?code={CODE}&lang=fr",
        f"BILLET:{CODE}",
        CODE.lower(),
        f"\x02{CODE}\x03",
    ],
)
def test_codes_inside_whatever_the_scanner_sends(text: str) -> None:
    assert codes.parse(text, PATTERN, known).code == CODE


def test_other_platforms_codes_without_a_pattern() -> None:
    parsed = codes.parse("https://tickets.example/t/8834-2271-99", None, lambda c: c == "8834-2271-99")
    assert parsed.code == "8834-2271-99"


@pytest.mark.parametrize("text", ["", "   ", "\r\n", "!!!", "é", "x" * 5000])
def test_unreadable(text: str) -> None:
    assert codes.parse(text, PATTERN, known).code is None


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text_never_crashes_the_parser(text: str) -> None:
    parsed = codes.parse(text, PATTERN, known)
    assert parsed.code is None or parsed.code == parsed.code.strip()


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=string.ascii_uppercase + string.digits, min_size=8, max_size=8),
    st.sampled_from(codes.LAYOUT_PAIRS),
)
def test_any_code_survives_any_layout_mix_up(body: str, pair: tuple[str, str]) -> None:
    code = f"AICT26-{body}"
    garbled = codes.garble(code, *pair)
    assert codes.parse(garbled, PATTERN, lambda c: c == code).code == code


def _drawn(code: str, taken: set[str]) -> str:
    taken.add(code)
    return code


def test_walk_in_codes_are_unambiguous_unguessable_and_differ_between_desks() -> None:
    # Each desk checks its own replica before it hands a code out (``exists``), as
    # ``facts.create_walkin`` does: six random characters alone meet once in about 300 runs of
    # 2,000 draws (the birthday bound, 29**6 codes), and CI met it once.
    taken_a: set[str] = set()
    taken_b: set[str] = set()
    desk_a = [_drawn(codes.new_code("AICT26-", "desk-a", taken_a.__contains__), taken_a) for _ in range(2000)]
    desk_b = [_drawn(codes.new_code("AICT26-", "desk-b", taken_b.__contains__), taken_b) for _ in range(2000)]
    assert all(PATTERN.fullmatch(c) for c in desk_a + desk_b)
    assert not set("01ILOUV") & set("".join(c[7:] for c in desk_a))
    assert len(set(desk_a)) == 2000
    assert {c[7:9] for c in desk_a} != {c[7:9] for c in desk_b} or set(desk_a).isdisjoint(desk_b)
    assert not set(desk_a) & set(desk_b)
    # Not sequential: consecutive codes share no common random tail.
    assert len({c[9:] for c in desk_a}) > 1990


def test_walk_in_code_skips_codes_already_taken() -> None:
    taken: set[str] = set()
    first = codes.new_code("W-", "desk", taken.__contains__)
    taken.add(first)
    assert codes.new_code("W-", "desk", taken.__contains__) != first


@pytest.mark.parametrize(
    ("meant", "scanner", "laptop", "received"),
    [
        # A Belgian scanner's "-" is the German layout's dead acute: "´7" where it does not
        # combine, an accented letter where it does.
        ("AICT26-7K3M9Q2X", "be", "de", "´/"),
        ("AICT26-EK3M9Q2X", "be", "de", "É"),
        # A US scanner's "=" in a link is the German dead acute too.
        ("https://x.example/?c=AICT26-7K3M9Q2X", "us", "de", None),
        # A US scanner's "[" is the French dead circumflex.
        ("AICT26-7K3M9Q2X?[e", "us", "fr", None),
    ],
)
def test_dead_keys_of_the_laptop_are_undone(
    meant: str, scanner: str, laptop: str, received: str | None
) -> None:
    garbled = codes.garble(meant, scanner, laptop)
    if received is not None:
        assert received in garbled
    assert codes.translate(garbled, scanner, laptop) == meant
    code = "AICT26-" + meant.split("AICT26-")[1][:8]
    parsed = codes.parse(garbled, PATTERN, lambda c: c == code, [(scanner, laptop)])
    assert parsed.code == code


def test_a_letter_the_laptop_types_directly_is_not_taken_for_a_dead_key() -> None:
    assert codes.expand_dead_keys("Müller", "ch") == "Müller"  # ü has its own key there
    assert codes.expand_dead_keys("ê", "fr") == "^e"
    assert codes.expand_dead_keys("é", "fr") == "é"
    assert codes.expand_dead_keys("J\u0301Q", "de") == "´JQ"  # X's compose table: ´ + J → J́
