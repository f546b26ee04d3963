"""Ticket codes: reading what a scanner typed, repairing layout mix-ups, making new codes.

A USB scanner in keyboard mode sends key presses for the layout it was set to. When that
layout is not the laptop's, the laptop reads other characters: a US scanner on a French
AZERTY laptop turns ``AICT26-7K3M9Q2X`` into ``QICTé§)è...``. Each layout below lists,
for the same physical keys, what they type unshifted and with Shift; mapping the received
characters back through the laptop's layout to the scanner's undoes the mix-up.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from hashlib import blake2b

# Physical keys of the four rows shared by ANSI and ISO keyboards, in the same order for
# every layout: the digit row (13 keys), then the three letter rows (12, 12 and 10 keys).
# Each entry: (unshifted row, shifted row). A space marks a key that types nothing useful
# there (a dead key or a symbol of its own).
LAYOUTS: dict[str, tuple[tuple[str, str], ...]] = {
    "us": (
        ("`1234567890-=", "~!@#$%^&*()_+"),
        ("qwertyuiop[]", "QWERTYUIOP{}"),
        ("asdfghjkl;'\\", 'ASDFGHJKL:"|'),
        ("zxcvbnm,./", "ZXCVBNM<>?"),
    ),
    "fr": (
        ("²&é\"'(-è_çà)=", " 1234567890°+"),
        ("azertyuiop $", "AZERTYUIOP £"),
        ("qsdfghjklmù*", "QSDFGHJKLM%µ"),
        ("wxcvbn,;:!", "WXCVBN?./§"),
    ),
    "be": (
        ("²&é\"'(§è!çà)-", "³1234567890°_"),
        ("azertyuiop $", "AZERTYUIOP *"),
        ("qsdfghjklmùµ", "QSDFGHJKLM%£"),
        ("wxcvbn,;:=", "WXCVBN?./+"),
    ),
    "de": (
        (" 1234567890ß ", '°!"§$%&/()=? '),
        ("qwertzuiopü+", "QWERTZUIOPÜ*"),
        ("asdfghjklöä#", "ASDFGHJKLÖÄ'"),
        ("yxcvbnm,.-", "YXCVBNM;:_"),
    ),
    "ch": (
        ("§1234567890' ", '°+"*ç%&/()=? '),
        ("qwertzuiopü ", "QWERTZUIOPè!"),
        ("asdfghjklöä$", "ASDFGHJKLéà£"),
        ("yxcvbnm,.-", "YXCVBNM;:_"),
    ),
}

# Dead keys (levels 1 and 2): where each layout has one, as (row, column, shifted), and
# the sign it types on its own. A dead key types nothing at once: with the next key it
# makes an accented letter (``^`` + ``e`` → ``ê``), or its own sign and that key where the
# two do not combine — which is what a laptop receives when a scanner's character sits
# there (a Belgian scanner's ``-`` on a German laptop: ``´``).
DEAD_KEYS: dict[str, dict[tuple[int, int, int], str]] = {
    "us": {},
    "fr": {(1, 10, 0): "^", (1, 10, 1): "¨"},
    "be": {(1, 10, 0): "^", (1, 10, 1): "¨"},
    "de": {(0, 0, 0): "^", (0, 12, 0): "´", (0, 12, 1): "`"},
    "ch": {(0, 12, 0): "^", (0, 12, 1): "`", (1, 11, 0): "¨"},
}
_MARKS = {"^": "\u0302", "¨": "\u0308", "´": "\u0301", "`": "\u0300"}

# The pairs worth trying: (scanner's layout, laptop's layout).
LAYOUT_PAIRS: tuple[tuple[str, str], ...] = tuple((a, b) for a in LAYOUTS for b in LAYOUTS if a != b)


def preferred_pairs(first: tuple[str, str] | None) -> tuple[tuple[str, str], ...]:
    """Every layout pair, the one this desk's scanner check found first."""
    if first is None or first not in LAYOUT_PAIRS:
        return LAYOUT_PAIRS
    return (first, *(pair for pair in LAYOUT_PAIRS if pair != first))


LAYOUT_NAMES = {
    "us": "QWERTY (US)",
    "fr": "AZERTY (France)",
    "be": "AZERTY (Belgique)",
    "de": "QWERTZ (Deutschland)",
    "ch": "QWERTZ (Schweiz)",
}


@cache
def layout_map(scanner: str, laptop: str) -> dict[str, str]:
    """Received character (typed through ``laptop``) → character the scanner meant."""
    table: dict[str, str] = {}
    for (s_plain, s_shift), (l_plain, l_shift) in zip(LAYOUTS[scanner], LAYOUTS[laptop], strict=True):
        for meant_row, got_row in ((s_plain, l_plain), (s_shift, l_shift)):
            for meant, got in zip(meant_row, got_row, strict=True):
                if meant != " " and got != " " and got not in table:
                    table[got] = meant
    for (row, column, shifted), sign in DEAD_KEYS[laptop].items():
        meant = LAYOUTS[scanner][row][shifted][column]
        if meant != " " and sign not in table:
            table[sign] = meant
    return table


def expand_dead_keys(text: str, laptop: str) -> str:
    """Undo the laptop's dead keys: an accented letter the layout has no key for was made
    by a dead key and the next one (``ê`` on AZERTY → ``^e``)."""
    signs = {sign: _MARKS[sign] for sign in DEAD_KEYS[laptop].values()}
    if not signs or text.isascii():
        return text
    direct = _typeable(laptop)
    out: list[str] = []
    for ch in text:
        if unicodedata.combining(ch):
            # A dead key an input method left as a mark after its letter (``J́``).
            sign = next((s for s, mark in signs.items() if mark == ch), None)
            if sign is not None and out:
                out[-1] = sign + out[-1]
                continue
        parts = unicodedata.normalize("NFD", ch)
        if ch not in direct and len(parts) == 2:
            sign = next((s for s, mark in signs.items() if mark == parts[1]), None)
            if sign is not None:
                out.append(sign + parts[0])
                continue
        out.append(ch)
    return "".join(out)


def compose_dead_keys(text: str, laptop: str) -> str:
    """What a laptop shows when its dead keys are typed: ``^`` + ``e`` → ``ê`` where the two
    combine, both characters where they do not."""
    signs = {sign: _MARKS[sign] for sign in DEAD_KEYS[laptop].values()}
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in signs and i + 1 < len(text):
            composed = unicodedata.normalize("NFC", text[i + 1] + signs[ch])
            if len(composed) == 1:
                out.append(composed)
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out)


@cache
def _typeable(layout: str) -> frozenset[str]:
    return frozenset(ch for plain, shifted in LAYOUTS[layout] for ch in plain + shifted if ch != " ")


def translate(text: str, scanner: str, laptop: str) -> str:
    table = layout_map(scanner, laptop)
    return "".join(table.get(ch, ch) for ch in expand_dead_keys(text, laptop))


@dataclass(frozen=True)
class ParsedScan:
    """What a scan's text holds: the code, or nothing readable."""

    text: str
    code: str | None
    repaired: str | None = None  # e.g. "us→fr": a US scanner typing on an AZERTY laptop

    @property
    def readable(self) -> bool:
        return self.code is not None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A code, once extracted, is letters, digits and a few separators; nothing else.
_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.\-]{2,63}")
_SIGNS = re.compile(r"[^0-9A-Za-z/:.?=&#]")
MAX_SCAN_LENGTH = 2048
# A code compared exactly as written: pretix's secrets (``pretix_sig1`` is base64, ``+ / =``
# and both cases, ~110 characters), looked up as typed before anything is folded or cut.
_SECRET = re.compile(r"[0-9A-Za-z+/=_\-]{8,256}")


def normalise(text: str) -> str:
    """Strip what scanners add around a code: control characters, spaces, AIM prefixes."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text).strip()
    # AIM symbology identifiers some imagers prepend: "]Q1" (QR), "]C0", "]d2"...
    text = re.sub(r"^\][A-Za-z][0-9]", "", text)
    return text.strip()


_LINK = re.compile(r"(?i)(https?://|www\.)")


def link_secrets(text: str) -> tuple[str, ...]:
    """The codes a link may carry as written, most likely first: its ``secret=`` value, its
    other query values, then its path segments from the last, each URL-decoded (``%2B``
    ``%2F`` ``%3D``) and never folded. A ``+`` stays a ``+``: pretix's secrets are base64 and a
    link that does not encode them still means the sign, not a space."""
    if len(text) > MAX_SCAN_LENGTH or not _LINK.match(text):
        return ()
    parts = urllib.parse.urlsplit(text if "://" in text else f"https://{text}")
    named: list[str] = []
    others: list[str] = []
    for pair in parts.query.split("&"):
        name, _sign, value = pair.partition("=")
        (named if name.lower() == "secret" else others).append(value)
    segments = parts.path.split("/")[1:]  # the first is the host's side of the first "/"
    found: list[str] = []
    for piece in (*named, *reversed(others), *reversed(segments)):
        value = urllib.parse.unquote(piece)
        if _SECRET.fullmatch(value) and value not in found:
            found.append(value)
    return tuple(found)


def _known_secret(text: str, is_known: Callable[[str], bool]) -> str | None:
    """``text`` itself or a secret its link carries, compared as written, when it is known."""
    if _SECRET.fullmatch(text) and is_known(text):
        return text
    return next((s for s in link_secrets(text) if is_known(s)), None)


def extract(text: str, pattern: re.Pattern[str] | None) -> str | None:
    """The code inside ``text``: a bare code, the end of a link, or a pattern match."""
    if not text or len(text) > MAX_SCAN_LENGTH:
        return None
    if pattern is not None:
        match = pattern.search(text.upper())
        if match:
            return match.group(0)
    # A link: the last path segment or query value that looks like a code.
    pieces = [p for p in re.split(r"[/?#=&\s]+", text) if p]
    for piece in reversed(pieces):
        token = piece.strip(".,;:!\"'()[]{}<>")
        if _TOKEN.fullmatch(token) and not re.fullmatch(r"(https?|www\..*|.*\.(html?|php))", token, re.I):
            return token.upper()
    return None


def parse(
    raw: str,
    pattern: re.Pattern[str] | None,
    is_known: Callable[[str], bool],
    pairs: Iterable[tuple[str, str]] = LAYOUT_PAIRS,
) -> ParsedScan:
    """Read a scan: the code as typed when it is known or well-formed, else repaired.

    A repair is accepted when it yields a known code, or (failing that) a code that
    matches the event's pattern; the unrepaired text is preferred whenever it is itself
    a known code.
    """
    text = normalise(raw)
    as_written = _known_secret(text, is_known)  # a code compared as written (pretix), or in a link
    if as_written is not None:
        return ParsedScan(raw, as_written)
    direct = extract(text, pattern)
    if direct is not None and is_known(direct):
        return ParsedScan(raw, direct)
    if text.swapcase() != text:  # Caps Lock on: a code kept exactly, typed in the other case
        caps = _known_secret(text.swapcase(), is_known)
        if caps is not None:
            return ParsedScan(raw, caps, "caps")
    direct_wellformed = direct is not None and (pattern is None or pattern.fullmatch(direct) is not None)
    if direct_wellformed and pattern is not None:
        return ParsedScan(raw, direct)
    # Rank every repair: a known code first, then a repair that explains the received
    # text exactly (re-typing the code through that mix-up gives back what arrived),
    # so the hint names the right layouts.
    best: tuple[int, str, str] | None = None
    for variant in _case_variants(text):
        for scanner, laptop in pairs:
            fixed = translate(variant, scanner, laptop)
            if fixed == text:
                continue
            as_written = _known_secret(fixed, is_known)  # repaired to its exact case
            if as_written is not None:
                return ParsedScan(
                    raw, as_written, f"{scanner}→{laptop}" + ("+caps" if variant is not text else "")
                )
            code = extract(fixed, pattern)
            strict = code is not None and (pattern is None or pattern.fullmatch(code) is not None)
            if not strict:
                # A separator typed on a dead key comes out as some other sign.
                loose = extract(_SIGNS.sub("-", fixed), pattern)
                code = loose if loose is not None else code
            if code is None:
                continue
            known = is_known(code)
            if not known and (pattern is None or not pattern.fullmatch(code)):
                continue
            exact = strict and garble(fixed, scanner, laptop) == variant
            rank = (0 if known else 2) + (0 if exact else 1)
            how = f"{scanner}→{laptop}" + ("+caps" if variant is not text else "")
            if best is None or rank < best[0]:
                best = (rank, code, how)
            if rank == 0:
                return ParsedScan(raw, code, how)
    if best is not None:
        return ParsedScan(raw, best[1], best[2])
    if direct is not None:
        return ParsedScan(raw, direct)
    return ParsedScan(raw, None)


def _case_variants(text: str) -> list[str]:
    """The text, and the text with its case inverted (Caps Lock left on)."""
    swapped = text.swapcase()
    return [text] if swapped == text else [text, swapped]


# Codes made at a desk: no 0/O, 1/I/L, U/V look-alikes, so they can be read aloud and typed.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"


def new_code(prefix: str, desk_id: str, exists: Callable[[str], bool] | None = None) -> str:
    """A fresh, unguessable code for a walk-in that no other desk can also make.

    The first two characters come from the desk's identity and the other six are random
    (CSPRNG): two desks working offline draw from different sub-spaces unless their
    identities collide in those two characters (1 in 841), and then they must also draw
    the same six random characters (1 in 594 million). The desk checks its own replica
    too, and sync reports any code that still collides.
    """
    digest = blake2b(desk_id.encode(), digest_size=8).digest()
    desk_part = ALPHABET[digest[0] % len(ALPHABET)] + ALPHABET[digest[1] % len(ALPHABET)]
    for _attempt in range(100):
        rand = "".join(secrets.choice(ALPHABET) for _ in range(6))
        code = f"{prefix}{desk_part}{rand}"
        if exists is None or not exists(code):
            return code
    raise RuntimeError("could not draw a free code in 100 attempts")


def garble(text: str, scanner: str, laptop: str) -> str:
    """What a laptop receives when a scanner set for ``scanner`` types ``text``.

    The inverse of :func:`translate`; the tests and the benchmark use it to play a
    mis-set scanner.
    """
    table = {meant: got for got, meant in layout_map(scanner, laptop).items()}
    return compose_dead_keys("".join(table.get(ch, ch) for ch in text), laptop)


def own_code(prefix: str, event_id: str, registration: str, attempt: int = 0) -> str:
    """The code the desk gives a registration whose platform exported none.

    Derived from the event and the registration number, so the same export imported
    again (on this desk or another, or on the hub) gives every person the same code; the
    alphabet is the walk-ins' own. ``attempt`` draws another code in the rare case two
    registrations meet on one.
    """
    salt = f"#{attempt}" if attempt else ""
    digest = blake2b(f"{event_id}:import:{registration}{salt}".encode(), digest_size=16).digest()
    return prefix + "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:8])
