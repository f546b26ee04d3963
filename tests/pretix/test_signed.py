"""pretix's signed secrets (pretix_sig1), made by pretix's own generator, checked offline.

The replica holds nothing of the event: every secret is admitted or refused on its
signature, the event's public keys and the revoked list alone.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from checkin.arrivals import scan
from checkin.event import pretix_sig1
from checkin.event.model import EventConfig
from checkin.replica import signed
from checkin.replica.db import Replica

from .conftest import PretixServer

DAY1, DAY2 = "2026-07-08", "2026-07-09"


def pretix_event(event: EventConfig, server: PretixServer) -> EventConfig:
    d = server.data
    names = {
        f"item:{d['items']['elu']}": "Élu·e — Pass 2 jours",
        f"item:{d['items']['partner']}": "Partenaire",
        f"variation:{d['variations']['d1']}": "8 juillet",
        f"variation:{d['variations']['d2']}": "9 juillet",
    }
    return dataclasses.replace(event, pretix_keys=(d["public_key"],), pretix_names=names, _memo={})


def position(server: PretixServer, **wanted: object) -> dict[str, object]:
    return next(p for p in server.data["positions"] if all(p[k] == v for k, v in wanted.items()))


def test_pretix_secrets_admitted_on_their_signature(
    pretix_server: PretixServer, event: EventConfig, replica: Replica
) -> None:
    ev = pretix_event(event, pretix_server)
    elu = str(position(pretix_server, item=pretix_server.data["items"]["elu"], order="PAID1")["secret"])
    assert any(c.islower() for c in elu) and len(elu) > 80  # case-sensitive base64, as pretix writes it
    first = scan.decide(replica, ev, elu, day=DAY1, desk="Accueil 1")
    assert first.outcome == "admitted" and first.signed is not None
    assert first.to_json()["signature_only"] is True
    assert first.attendee is not None and first.attendee.category == "Élu"
    assert first.attendee.days == (DAY1, DAY2) and first.attendee.source == "pretix_sig1"
    assert first.code == elu  # kept exactly: never folded
    again = scan.decide(replica, ev, elu + "\r", day=DAY1, desk="Accueil 2")
    assert again.outcome == "already_in"
    # A variation names the day: "Partenaire – 8 juillet" is not admitted on the 9th.
    d1 = str(position(pretix_server, variation=pretix_server.data["variations"]["d1"])["secret"])
    late = scan.decide(replica, ev, d1, day=DAY2, desk="Accueil 1")
    assert (
        late.outcome == "not_today" and late.attendee is not None and late.attendee.category == "Partenaire"
    )


def test_altered_or_foreign_secrets_are_refused(
    pretix_server: PretixServer, event: EventConfig, replica: Replica
) -> None:
    ev = pretix_event(event, pretix_server)
    secret = str(
        position(pretix_server, order="PAID2", variation=pretix_server.data["variations"]["d2"])["secret"]
    )
    # The text is reversed base64: its start is the signature, its middle the payload, its
    # end the header. An altered signature or payload fails the signature; an altered header
    # or padding is no signed secret at all (then the usual path does not know it either).
    for i in range(len(secret)):
        ch = secret[i]
        altered = secret[:i] + ("A" if ch != "A" else "B") + secret[i + 1 :]
        d = scan.decide(replica, ev, altered, day=DAY1, desk="A")
        assert d.outcome != "admitted", i
        if 4 <= i < len(secret) - 12:
            assert d.outcome == "bad_signature", (i, d.outcome)
    other = dataclasses.replace(ev, pretix_keys=(_foreign_key(),), _memo={})
    refused = scan.decide(replica, other, secret, day=DAY1, desk="A")
    assert refused.outcome == "bad_signature"
    assert "Signature du billet invalide" in scan.instruction(refused, ev)
    with replica.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM fact").scalar_one() == 0


def test_revoked_secret_refused(pretix_server: PretixServer, event: EventConfig, replica: Replica) -> None:
    ev = pretix_event(event, pretix_server)
    printed = pretix_server.data["revoked_printed"]
    assert printed in pretix_server.data["revoked"]  # pretix revoked it when the order was cancelled
    assert (
        pretix_sig1.verify(printed, ev.pretix_keys).item == pretix_server.data["items"]["elu"]
    )  # still signed
    with replica.write() as conn:
        assert signed.add_revoked(conn, pretix_server.data["revoked"]) == len(pretix_server.data["revoked"])
    d = scan.decide(replica, ev, printed, day=DAY1, desk="A")
    assert d.outcome == "revoked" and not d.ok
    assert "révoqué" in scan.instruction(d, ev)


def test_scan_command_admits_a_signed_secret(
    pretix_server: PretixServer, event: EventConfig, tmp_path: Path, home: Path
) -> None:
    source = Path(str(event.source)).read_text(encoding="utf-8")
    ev_file = tmp_path / "event.toml"
    key = pretix_server.data["public_key"]
    items = pretix_server.data["items"]
    ev_file.write_text(
        source
        + f'\n[pretix]\npublic_keys = ["{key}"]\nproducts = {{ "{items["elu"]}" = "Élu·e — Pass 2 jours" }}\n',
        encoding="utf-8",
    )
    secret = str(position(pretix_server, order="PAID1", item=items["elu"])["secret"])
    env = {**os.environ, "CHECKIN_HOME": str(home)}
    args = ["--event", str(ev_file), "--db", str(tmp_path / "d.sqlite"), "--day", DAY1, "--json"]
    done = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "scan", secret, *args], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["outcome"] == "admitted" and answer["signature_only"] is True


def test_header_lengths_are_big_endian_16_bit() -> None:
    """A payload over 255 bytes: a client that shifts the high byte by 2 misreads it."""
    key = Ed25519PrivateKey.generate()
    payload = b"\x0a\x82\x02" + b"s" * 258 + b"\x10\x07"  # seed (258 bytes), item 7
    sig = key.sign(payload)
    raw = bytes([1]) + len(payload).to_bytes(2, "big") + len(sig).to_bytes(2, "big") + payload + sig
    secret = base64.b64encode(raw).decode()[::-1]
    pem = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    ticket = pretix_sig1.verify(secret, (base64.b64encode(pem).decode(),))
    assert ticket.item == 7 and len(ticket.seed) == 258


def test_verification_is_fast(pretix_server: PretixServer) -> None:
    secret = str(pretix_server.data["positions"][0]["secret"])
    keys = (pretix_server.data["public_key"],)
    pretix_sig1.verify(secret, keys)
    start = time.perf_counter()
    for _ in range(200):
        pretix_sig1.verify(secret, keys)
    per = (time.perf_counter() - start) / 200
    print(f"pretix_sig1 verification: {per * 1e6:.0f} µs")
    assert per < 0.005


def _foreign_key() -> str:
    pem = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    return base64.b64encode(pem).decode()


pytestmark = pytest.mark.slow
