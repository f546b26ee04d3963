"""A ticket admitted on its pretix signature alone (unknown to every replica) reaches the
other desks through the hub: scanned there, it is already in — two desk files, one hub
file, the real exchange."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from checkin.arrivals import scan
from checkin.event import model
from checkin.sync.hub import open_hub
from tests.pretix_secrets import Signer

from .helpers import DAY1, desk, sync

ITEM = 12


def test_a_signature_only_admission_is_already_in_at_another_desk(tmp_path: Path) -> None:
    signer = Signer()
    event = dataclasses.replace(
        model.load(), pretix_keys=(signer.public,), pretix_names={f"item:{ITEM}": "Participant"}, _memo={}
    )
    hub_url = str(tmp_path / "hub.sqlite")
    open_hub(hub_url, create=True).close()
    a, b = desk(tmp_path, "a"), desk(tmp_path, "b")
    secret = signer.secret("z5mq8rk2vw9xtb3n", ITEM)
    try:
        first = scan.decide(a, event, secret, day=DAY1, desk="Accueil A")
        assert first.outcome == "admitted" and first.signed is not None
        assert sync(a, hub_url, "Accueil A").pushed >= 1
        assert sync(b, hub_url, "Accueil B").pulled >= 1

        second = scan.decide(b, event, secret, day=DAY1, desk="Accueil B")
        assert second.outcome == "already_in"
        assert second.first_checkin is not None and second.first_checkin.desk == "Accueil A"
        assert "Accueil A" in scan.instruction(second, event)
        # Another ticket of the same product is still admitted at B: only that one is in.
        other = scan.decide(b, event, signer.secret("p4nx7kq2wz8rmt6v", ITEM), day=DAY1, desk="Accueil B")
        assert other.outcome == "admitted"
        # And B's admission reaches A the same way.
        sync(b, hub_url, "Accueil B")
        sync(a, hub_url, "Accueil A")
        back = scan.decide(a, event, other.code or "", day=DAY1, desk="Accueil A")
        assert back.outcome == "already_in" and back.first_checkin is not None
        assert back.first_checkin.desk == "Accueil B"
    finally:
        a.close()
        b.close()
