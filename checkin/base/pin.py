"""The desk lead's PIN, kept as a slow salted hash (never the PIN itself)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import secrets
from datetime import datetime

from checkin.base.i18n import _

# scrypt with n=2**14: ~50 ms per try on a laptop, enough to make a stolen settings file
# useless for guessing a short PIN offline at scale, cheap enough for a lead's unlock.
_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


MIN_DIGITS = 6
MIN_PASSPHRASE = 12


def passphrase_weakness(phrase: str) -> str:
    """Why the staff's passphrase is too short (empty: it is not)."""
    if len(phrase.strip()) < MIN_PASSPHRASE:
        return _("La phrase secrète doit avoir au moins {n} caractères.", n=MIN_PASSPHRASE)
    return ""


def weakness(pin: str) -> str:
    """Why ``pin`` is too easy to guess (empty: it is not): short, repeated, sequential, a date.

    A person looking at the lead's fingers, or trying the usual ones, guesses these first.
    """
    if len(pin) < MIN_DIGITS or not pin.isdigit():
        return _("Le code PIN doit avoir au moins {n} chiffres.", n=MIN_DIGITS)
    if any(pin == pin[:size] * (len(pin) // size) for size in (1, 2, 3) if len(pin) % size == 0):
        return _("Le code PIN ne doit pas répéter les mêmes chiffres.")
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {9}):
        return _("Le code PIN ne doit pas être une suite de chiffres.")
    if _looks_like_a_date(pin):
        return _("Le code PIN ne doit pas ressembler à une date ou une année.")
    return ""


def _looks_like_a_date(pin: str) -> bool:
    """A year 1990–2030 at either end, or a whole day written DDMMYY, YYMMDD, DDMMYYYY…"""
    if any(1990 <= int(part) <= 2030 for part in (pin[:4], pin[-4:])):
        return True
    formats = {6: ("%d%m%y", "%y%m%d", "%m%d%y"), 8: ("%d%m%Y", "%Y%m%d", "%m%d%Y")}
    for fmt in formats.get(len(pin), ()):
        try:
            datetime.strptime(pin, fmt)
        except ValueError:
            continue
        return True
    return False
