"""``checkin pretix link``: checked at once, kept (token in the keyring or a 0600 file), then
read by pull and push."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from checkin.base import keys
from checkin.cli import main
from checkin.pretix import link as link_module

from .conftest import PretixServer


class Ring:
    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, account: str, value: str) -> None:
        self.kept[(service, account)] = value

    def get_password(self, service: str, account: str) -> str | None:
        return self.kept.get((service, account))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHECKIN_HOME", str(tmp_path / "home"))
    for name in ("URL", "ORGANIZER", "EVENT", "LIST", "TOKEN"):
        monkeypatch.delenv(f"CHECKIN_PRETIX_{name}", raising=False)
    return tmp_path


@pytest.mark.parametrize("ring", [None, Ring()])
def test_link_checked_kept_and_used(
    pretix_server: PretixServer,
    home: Path,
    ring: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    d = pretix_server.data
    monkeypatch.setattr(keys, "system_keyring", lambda: ring)
    db = str(home / "desk.sqlite")
    args = [
        "pretix",
        "link",
        pretix_server.url,
        "--organizer",
        d["organizer"],
        "--slug",
        d["event"],
        "--db",
        db,
    ]
    monkeypatch.setenv("CHECKIN_PRETIX_TOKEN", d["weak_token"])
    assert main([*args, "--list", d["list_name"]]) == 1
    assert "droits" in capsys.readouterr().err
    monkeypatch.setenv("CHECKIN_PRETIX_TOKEN", d["token"])
    assert main([*args, "--list", "Sortie"]) == 1
    assert d["list_name"] in capsys.readouterr().err  # the lists pretix has, named
    assert main([*args, "--slug", "nope", "--list", d["list_name"]]) == 1
    assert "n'a pas cet événement" in capsys.readouterr().err
    assert main([*args, "--list", d["list_name"]]) == 0
    capsys.readouterr()
    if ring is None:
        path = link_module.token_file()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600 and d["token"] in path.read_text()
    else:
        assert list(ring.kept.values()) == [d["token"]]
    monkeypatch.delenv("CHECKIN_PRETIX_TOKEN")
    assert main(["pretix", "pull", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["positions"] == 7
    assert main(["pretix", "push", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sent"] == 0
