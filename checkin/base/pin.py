"""The desk lead's PIN, kept as a slow salted hash (never the PIN itself)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

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
