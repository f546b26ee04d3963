"""pretix_sig1 secrets made in the tests, byte for byte as pretix's generator writes them
(``tests/pretix/`` checks the same reader against pretix's own): an Ed25519 key, a protobuf
``Ticket`` (seed, item, variation), ``01 | lengths | payload | signature``, base64 reversed."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


class Signer:
    """One event's signing key; ``public`` is the key as pretix hands it to devices."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        pem = self.key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        self.public = base64.b64encode(pem).decode()

    def secret(self, seed: str, item: int, variation: int = 0) -> str:
        raw_seed = seed.encode()
        payload = b"\x0a" + _varint(len(raw_seed)) + raw_seed + b"\x10" + _varint(item)
        if variation:
            payload += b"\x18" + _varint(variation)
        sig = self.key.sign(payload)
        raw = bytes([1]) + len(payload).to_bytes(2, "big") + len(sig).to_bytes(2, "big") + payload + sig
        return base64.b64encode(raw).decode()[::-1]


def event_text(source: str, signer: Signer, item: int, product: str) -> str:
    """The event file's text with a ``[pretix]`` section: the key and one product's name."""
    return (
        source + f'\n[pretix]\npublic_keys = ["{signer.public}"]\nproducts = {{ "{item}" = "{product}" }}\n'
    )
