"""pretix's signed ticket secrets (``pretix_sig1``), read and checked offline.

A desk that has not pulled since a ticket was sold can still trust it: pretix signs the
ticket's product, variation and validity window with the event's Ed25519 key, and hands the
public keys to scanning devices (``valid_keys`` on the event: base64 of the PEM text). The
keys belong to the event, so this sits beside the event file, below the scan that uses it.

The secret, as pretix writes it: base64 of ``01 | payload length | signature length |
payload | signature`` (lengths big-endian 16-bit), the base64 text reversed. The payload
is a protobuf ``Ticket``: seed (1, text), item (2), variation (3), subevent (4),
valid from (5) and valid until (6) as Unix times. Only those wire types are decoded here
(varints and length-delimited fields), so no protobuf dependency is needed.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

# pretix's generator promises ``A-Za-z0-9+/=`` only; a signed secret is about 110 long.
_SHAPE = re.compile(r"[A-Za-z0-9+/=]{60,400}")
VERSION = 0x01


@dataclass(frozen=True)
class SignedTicket:
    """What a verified secret says; ids are pretix's (0: none)."""

    secret: str
    seed: str
    item: int
    variation: int
    subevent: int
    valid_from: int | None  # Unix time
    valid_until: int | None

    def valid_at(self, unix: float) -> bool:
        return (self.valid_from is None or unix >= self.valid_from) and (
            self.valid_until is None or unix <= self.valid_until
        )


class NotSigned(ValueError):
    """The text is not a ``pretix_sig1`` secret at all: another code, or noise."""


class BadSignature(ValueError):
    """A ``pretix_sig1`` secret whose signature none of the event's keys accepts (forged or altered)."""


def looks_signed(text: str) -> bool:
    """Cheap shape test before any base64 or cryptography: the scan's hot path asks it."""
    return _SHAPE.fullmatch(text) is not None


def split(secret: str) -> tuple[bytes, bytes]:
    """(payload, signature) of a secret; :class:`NotSigned` if it is not one."""
    try:
        raw = base64.b64decode(secret[::-1], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NotSigned(secret) from exc
    if len(raw) < 5 or raw[0] != VERSION:
        raise NotSigned(secret)
    # Big-endian 16-bit lengths: one client shifted the high byte by 2 instead of 8, which
    # only holds for payloads under 256 bytes.
    payload_len = int.from_bytes(raw[1:3], "big")
    sig_len = int.from_bytes(raw[3:5], "big")
    if 5 + payload_len + sig_len != len(raw):
        raise NotSigned(secret)
    return raw[5 : 5 + payload_len], raw[5 + payload_len :]


def verify(secret: str, public_keys: tuple[str, ...]) -> SignedTicket:
    """The ticket a secret carries, once one of the event's keys accepts its signature.

    :class:`NotSigned` for a text that is no signed secret, :class:`BadSignature` for one
    whose signature fails (an altered character, or a key the event does not hold).
    """
    payload, signature = split(secret)
    for key in public_keys:
        try:
            _public_key(key).verify(signature, payload)
        except InvalidSignature:
            continue
        return _ticket(secret, payload)
    raise BadSignature(secret)


@cache
def _public_key(given: str) -> Ed25519PublicKey:
    """A key as pretix hands it to devices (base64 of the PEM text), or the PEM text itself."""
    text = given.strip()
    pem = text.encode() if text.startswith("-----") else base64.b64decode(text)
    key = load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def check_key(given: str) -> None:
    """Raise ``ValueError`` if ``given`` is no usable key (the event file's check)."""
    try:
        _public_key(given)
    except (binascii.Error, TypeError, ValueError) as exc:
        raise ValueError(f"[pretix] public_keys: unreadable key ({exc})") from exc


def _ticket(secret: str, payload: bytes) -> SignedTicket:
    fields = _fields(payload)
    seed = fields.get(1, b"")
    return SignedTicket(
        secret=secret,
        seed=seed.decode("utf-8", "replace") if isinstance(seed, bytes) else str(seed),
        item=_int(fields.get(2)),
        variation=_int(fields.get(3)),
        subevent=_int(fields.get(4)),
        # pretix writes 0 for "no bound" (its _encode_time of None).
        valid_from=_int(fields.get(5)) or None,
        valid_until=_int(fields.get(6)) or None,
    )


def _int(value: int | bytes | None) -> int:
    if not isinstance(value, int):
        return 0
    return value - (1 << 64) if value >= 1 << 63 else value  # int64 two's complement


def _fields(payload: bytes) -> dict[int, int | bytes]:
    """Protobuf fields by number (last one wins, as protobuf reads them)."""
    out: dict[int, int | bytes] = {}
    i = 0
    while i < len(payload):
        tag, i = _varint(payload, i)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            out[number], i = _varint(payload, i)
        elif wire == 2:
            size, i = _varint(payload, i)
            if i + size > len(payload):
                raise NotSigned("truncated payload")
            out[number], i = payload[i : i + size], i + size
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            raise NotSigned(f"wire type {wire}")
    return out


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if i >= len(data) or shift > 63:
            raise NotSigned("bad varint")
        byte = data[i]
        value |= (byte & 0x7F) << shift
        i, shift = i + 1, shift + 7
        if not byte & 0x80:
            return value, i
