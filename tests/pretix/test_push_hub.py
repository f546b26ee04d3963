"""One machine links the hub to pretix, pulls pretix into the hub and pushes the hub's
admissions; desks get pretix's registrations, public keys and revoked secrets at their
exchange. The pre-flight says whether the link answers and when pretix was last read.

A real pretix (the session's server); this file sorts after ``test_push.py``, whose counts
of pretix's check-ins are exact, and counts only what its own push adds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checkin.arrivals import scan
from checkin.base import keys
from checkin.cli import main
from checkin.event.model import EventConfig
from checkin.preflight.checks import check_pretix
from checkin.replica.db import open_replica
from checkin.sync.exchange import exchange
from checkin.sync.hub import get_meta, open_hub

from .conftest import PretixServer
from .test_push import DAY1, pretix_checkins, secret


def _exchange(db: Path, hub_url: str, desk: str) -> None:
    replica, hub = open_replica(db), open_hub(hub_url)
    try:
        exchange(replica, hub, desk=desk)
    finally:
        hub.close()
        replica.close()


def test_pretix_through_the_hub(
    pretix_server: PretixServer,
    event: EventConfig,
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    s, d = pretix_server, pretix_server.data
    monkeypatch.setattr(keys, "system_keyring", lambda: None)  # the token in a 0600 file of this home
    hub_url = str(tmp_path / "hub.sqlite")
    open_hub(hub_url, create=True).close()
    monkeypatch.setenv("CHECKIN_PRETIX_TOKEN", d["token"])
    link = [
        "pretix",
        "link",
        s.url,
        "--organizer",
        d["organizer"],
        "--slug",
        d["event"],
        "--list",
        d["list_name"],
    ]
    assert main([*link, "--hub", hub_url]) == 0
    capsys.readouterr()
    desk_a, gateway = tmp_path / "a.sqlite", tmp_path / "gateway.sqlite"
    before = check_pretix(open_replica(desk_a), hub_url)
    assert before.ok is False and "jamais" in before.found and "--hub" in before.fix

    assert main(["pretix", "pull", "--hub", hub_url, "--json"]) == 0
    # the cancelled position in a paid order included
    assert json.loads(capsys.readouterr().out)["positions"] == 7
    assert main(["pretix", "pull", "--hub", hub_url, "--json"]) == 0  # from where the last one ended
    again = json.loads(capsys.readouterr().out)
    assert again["incremental"] is True and again["positions"] == 0
    hub = open_hub(hub_url)
    with hub.read() as conn:
        assert d["revoked_printed"] in get_meta(conn, "pretix_revoked")
    hub.close()

    _exchange(desk_a, hub_url, "Accueil A")
    a = open_replica(desk_a)
    try:
        paid = secret(s, "PAID2", "d1")
        assert scan.decide(a, event, paid, day=DAY1, desk="Accueil A").outcome == "admitted"
        # The revoked list came from the hub: refused, though the desk never talked to pretix.
        assert scan.decide(a, event, d["revoked_printed"], day=DAY1, desk="Accueil A").outcome == "revoked"
        after = check_pretix(a, hub_url)
        assert after.ok is True and "joignable" in after.found and "(par le hub)" in after.found
        # A desk that is not the hub's machine holds no token: the line says when pretix was read.
        monkeypatch.setenv("CHECKIN_HOME", str(tmp_path / "other-desk"))
        monkeypatch.delenv("CHECKIN_PRETIX_TOKEN")
        desk_only = check_pretix(a, hub_url)
        assert desk_only.ok is True and "lu par la machine du hub" in desk_only.found
        monkeypatch.setenv("CHECKIN_HOME", str(home))
        monkeypatch.setenv("CHECKIN_PRETIX_TOKEN", d["token"])
    finally:
        a.close()
    _exchange(desk_a, hub_url, "Accueil A")

    monkeypatch.delenv("CHECKIN_PRETIX_TOKEN")  # the token is the link's, kept when it was made
    before = pretix_checkins(s).get(paid, 0)  # the session's server: other tests may have admitted it
    assert main(["pretix", "push", "--hub", hub_url, "--db", str(gateway), "--json"]) == 0
    pushed = json.loads(capsys.readouterr().out)
    assert pushed["sent"] == 1 and pushed["accepted"] == 1
    assert pretix_checkins(s)[paid] == before + 1
    assert main(["pretix", "push", "--hub", hub_url, "--db", str(gateway), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sent"] == 0


pytestmark = pytest.mark.slow
