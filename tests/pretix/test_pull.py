"""``checkin pretix pull`` against a real pretix: every position as pretix holds it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checkin.arrivals import scan
from checkin.cli import main
from checkin.event.model import EventConfig
from checkin.pretix.api import Client, Link, PretixError
from checkin.pretix.pull import pull
from checkin.replica import signed
from checkin.replica.db import Replica

from .conftest import PretixServer


def link(server: PretixServer, token: str | None = None) -> Link:
    d = server.data
    return Link(server.url, d["organizer"], d["event"], d["list"], token or d["token"])


def rows(replica: Replica) -> dict[str, tuple[str, str, str]]:
    with replica.read() as conn:
        got = conn.exec_driver_sql("SELECT registration, code, status, category FROM attendee").all()
    return {r[0]: (r[1], r[2], r[3]) for r in got}


def test_every_position_pulled_as_pretix_holds_it(
    pretix_server: PretixServer, event: EventConfig, replica: Replica
) -> None:
    client = Client(link(pretix_server))
    first = pull(replica, event, client)
    got = rows(replica)
    people = [p for p in pretix_server.data["positions"] if p["addon_to"] is None]
    by_secret = {code: (reg, status, category) for reg, (code, status, category) in got.items()}
    assert set(by_secret) == {p["secret"] for p in people}  # exact case, cancelled included
    status = {"p": "confirmed", "n": "pending", "c": "cancelled"}
    for p in people:
        assert by_secret[p["secret"]][1] == ("cancelled" if p["canceled"] else status[p["status"]])
    assert by_secret[next(p["secret"] for p in people if p["order"] == "PAID1")][2] == "Élu"
    with replica.read() as conn:
        (entitled,) = conn.exec_driver_sql("SELECT count(*) FROM entitlement").one()
        revoked = {r[0] for r in conn.exec_driver_sql("SELECT secret FROM pretix_revoked")}
    assert entitled == 1  # the dinner add-on, as an entitlement of its person
    assert pretix_server.data["revoked_printed"] in revoked
    assert first.requests == 5 and not first.incremental  # list, items, orders, revoked secrets, event
    print(f"pull: {first.positions} positions, {first.requests} requests, {first.seconds:.3f} s")
    again = pull(replica, event, client)
    assert again.incremental and again.positions == 0 and again.revoked_new == 0
    assert rows(replica) == got


def test_pulled_keys_admit_a_signed_secret_offline(
    pretix_server: PretixServer, event: EventConfig, replica: Replica
) -> None:
    """No ``public_keys`` in the event file: the pull reads the event's keys from pretix,
    and a ticket pretix signs after the pull is admitted offline on its signature."""
    assert event.pretix_keys == ()
    fresh = pretix_server.orm(
        "from pretix.base.models import Event\n"
        "from pretix.base.secrets import Sig1TicketSecretGenerator\n"
        f"ev = Event.objects.get(slug={pretix_server.data['event']!r})\n"
        f"item = ev.items.get(pk={pretix_server.data['items']['elu']})\n"
        "result = Sig1TicketSecretGenerator(ev).generate_secret(item)"
    )
    before = scan.decide(replica, event, fresh, day="2026-07-08", desk="Accueil 1")
    assert before.outcome != "admitted"  # no key yet: an unknown code
    pull(replica, event, Client(link(pretix_server)))
    with replica.read() as conn:
        assert signed.pulled_keys(conn) == (pretix_server.data["public_key"],)
    d = scan.decide(replica, event, fresh, day="2026-07-08", desk="Accueil 1")
    assert d.outcome == "admitted" and d.to_json()["signature_only"] is True
    assert d.code == fresh


def test_no_rights_token_is_a_sentence(
    pretix_server: PretixServer, event: EventConfig, replica: Replica
) -> None:
    with pytest.raises(PretixError) as err:
        pull(replica, event, Client(link(pretix_server, pretix_server.data["weak_token"])))
    assert "droits" in str(err.value)
    assert rows(replica) == {}


def test_commands_pull_and_push(
    pretix_server: PretixServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    d = pretix_server.data
    monkeypatch.setenv("CHECKIN_PRETIX_TOKEN", d["weak_token"])
    db = str(tmp_path / "cli.sqlite")
    base = [
        "--url",
        pretix_server.url,
        "--organizer",
        d["organizer"],
        "--slug",
        d["event"],
        "--list",
        str(d["list"]),
    ]
    assert main(["pretix", "pull", "--db", db, *base]) == 1
    assert "droits" in capsys.readouterr().err
    monkeypatch.setenv("CHECKIN_PRETIX_TOKEN", d["token"])
    assert main(["pretix", "pull", "--db", db, "--json", *base]) == 0
    assert json.loads(capsys.readouterr().out)["positions"] == 7
    assert main(["pretix", "push", "--db", db, *base]) == 0
    assert "0" in capsys.readouterr().out
