"""A PostgreSQL hub on another machine is reached over TLS, or staff said ``--insecure``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url

from checkin.cli import main
from checkin.sync import hub as hub_module
from checkin.sync import tls
from checkin.sync.hub import HubError, make_engine, open_hub

REMOTE = "postgresql://checkin@hub.venue.example:5432/aict"


class Reached(HubError):
    """Raised by the fake create_engine: the URL got past the rule."""


@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """create_engine replaced: records what would have been connected to, connects nothing."""
    made: list[str] = []

    def fake(url: Any, **_kw: Any) -> Any:
        made.append(str(url))
        raise Reached("reached")

    monkeypatch.setattr(hub_module, "create_engine", fake)
    monkeypatch.setenv(tls.INSECURE_ENV, "0")
    monkeypatch.delenv("PGSSLMODE", raising=False)
    return made


def test_plain_url_to_another_machine_is_refused_before_any_connection(engines: list[str]) -> None:
    with pytest.raises(HubError, match="la liaison doit être chiffrée") as refused:
        make_engine(REMOTE, create=False)
    assert "--insecure" in str(refused.value) and "sslmode" in str(refused.value)
    assert engines == []
    with pytest.raises(HubError, match="chiffrée"):
        make_engine("postgresql://checkin@10.0.0.5/aict?sslmode=prefer", create=False)
    assert engines == []


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://checkin@localhost/aict",
        "postgresql://checkin@127.0.0.1:5433/aict",
        "postgresql://checkin@[::1]/aict",
        "postgresql:///aict",  # the local socket
        "postgresql://checkin@/aict?host=/var/run/postgresql",
        REMOTE + "?sslmode=require",
        REMOTE + "?sslmode=verify-full&sslrootcert=/etc/checkin/ca.pem",
    ],
)
def test_local_or_encrypted_links_pass(engines: list[str], url: str) -> None:
    with pytest.raises(Reached):
        make_engine(url, create=False)
    assert len(engines) == 1


def test_insecure_lets_staff_use_a_closed_network(engines: list[str], capsys: Any) -> None:
    assert main(["sync", "--hub", REMOTE]) == 1
    assert "la liaison doit être chiffrée" in capsys.readouterr().err and engines == []
    assert main(["sync", "--hub", REMOTE, "--insecure"]) == 1
    assert capsys.readouterr().err.strip() == "checkin: reached"
    assert engines and "hub.venue.example" in engines[0]


def test_preflight_says_whether_the_link_is_encrypted(pg_cluster: Any, tmp_path: Path) -> None:
    pg_cluster.admin("DROP DATABASE IF EXISTS tls_probe WITH (FORCE)")
    pg_cluster.admin("CREATE DATABASE tls_probe")
    hub = open_hub(pg_cluster.url("tls_probe"), create=True)
    try:
        with hub.read() as conn:
            said = tls.describe(hub.engine.url, conn)
    finally:
        hub.close()
    assert said == "Liaison non chiffrée, sur cette machine."
    assert (
        not tls.is_local(make_url(REMOTE))
        and tls.sslmode(make_url(REMOTE + "?sslmode=verify-ca")) == "verify-ca"
    )
