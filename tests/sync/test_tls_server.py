"""TLS against a real PostgreSQL server with a real certificate.

A throw-away CA signs a certificate for ``localhost`` and 127.0.0.1; a second cluster runs
with ``ssl = on`` and that certificate. The desk exchanges with it through checkin's own
hub engine, and the pre-flight says what the link is: encrypted, certificate checked or not.
A wrong CA and a server without TLS are sentences, and the desk keeps what it holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sample import SAMPLE_DIR

from checkin.cli import main
from checkin.event.model import EventConfig
from checkin.preflight import checks as preflight
from checkin.sync.hub import HubError, open_hub
from checkin.sync.hubimport import import_into_hub
from tests.certs import make_certificates

from .conftest import Cluster, _pg_bin
from .helpers import DAY1, admit, desk, fact_ids, people, sync


@pytest.fixture(scope="module")
def tls_cluster() -> Iterator[tuple[Cluster, dict[str, Path]]]:
    bindir = _pg_bin()
    if bindir is None:
        pytest.fail("PostgreSQL is not installed (apt-get install postgresql)")
    cluster = Cluster(bindir)
    files = make_certificates(cluster.root)
    for path in files.values():
        cluster.own(path)
    cluster.settings = f"-c ssl=on -c ssl_cert_file={files['cert']} -c ssl_key_file={files['key']}"
    cluster.start()
    try:
        yield cluster, files
    finally:
        cluster.stop()


def _hub(cluster: Cluster, query: str) -> str:
    """A fresh hub holding the sample registrations, reached with ``query``."""
    name = f"hub_{uuid.uuid4().hex[:10]}"
    cluster.admin(f"CREATE DATABASE {name}")
    url = f"postgresql://postgres@127.0.0.1:{cluster.port}/{name}?{query}"
    hub = open_hub(url, create=True)
    try:
        import_into_hub(hub, _event(), SAMPLE_DIR / "inscriptions.csv")
    finally:
        hub.close()
    return url


def _event() -> EventConfig:
    from checkin.event import model

    return model.load()


def _check(tmp_path: Path, url: str) -> preflight.Check:
    """The pre-flight's hub line for a new desk that has not exchanged."""
    replica = desk(tmp_path, f"pre-{uuid.uuid4().hex[:6]}")
    try:
        return preflight.check_hub(replica, url, DAY1, datetime.now(UTC))
    finally:
        replica.close()


def _preflight_line(tmp_path: Path, url: str) -> preflight.Check:
    replica = desk(tmp_path, "pre")
    try:
        sync(replica, url, "Accueil pré")
        return preflight.check_hub(replica, url, DAY1, datetime.now(UTC))
    finally:
        replica.close()


def test_verify_full_with_the_right_ca_exchanges_and_the_preflight_says_checked(
    tls_cluster: tuple[Cluster, dict[str, Path]], tmp_path: Path
) -> None:
    cluster, files = tls_cluster
    url = _hub(cluster, f"sslmode=verify-full&sslrootcert={files['ca']}")
    d1 = desk(tmp_path, "d1")
    try:
        assert sync(d1, url, "Accueil 1").pulled_by_table["attendee"] == 578
        admit(d1, people(d1, 1)[0], "Accueil 1")
        assert sync(d1, url, "Accueil 1").pushed == 1
    finally:
        d1.close()
    check = _preflight_line(tmp_path, url)
    assert check.ok is True
    assert "Liaison chiffrée (TLSv1." in check.found and f"vérifié avec {files['ca']}" in check.found


def test_another_ca_is_refused_with_a_sentence_and_the_desk_keeps_its_arrivals(
    tls_cluster: tuple[Cluster, dict[str, Path]], tmp_path: Path, capsys: Any
) -> None:
    cluster, files = tls_cluster
    url = _hub(cluster, f"sslmode=verify-full&sslrootcert={files['ca']}")
    d1 = desk(tmp_path, "d1")
    try:
        sync(d1, url, "Accueil 1")
        admit(d1, people(d1, 1)[0], "Accueil 1")
        kept = fact_ids(d1)
    finally:
        d1.close()
    wrong = url.replace(str(files["ca"]), str(files["other"]))
    capsys.readouterr()
    assert main(["sync", "--db", str(tmp_path / "d1.sqlite"), "--hub", wrong, "--desk", "Accueil 1"]) == 1
    err = capsys.readouterr().err
    assert f"présente un certificat que {files['other']} ne garantit pas" in err, err
    assert "Rien n'a été échangé" in err and "Traceback" not in err
    check = _check(tmp_path, wrong)
    assert check.ok is False and "ne garantit pas" in check.found
    d1 = desk(tmp_path, "d1")
    try:
        assert fact_ids(d1) == kept and len(kept) == 1
        assert sync(d1, url, "Accueil 1").pushed == 1  # the right CA: the arrival goes up
    finally:
        d1.close()
    missing = url.replace(str(files["ca"]), str(tmp_path / "nowhere.pem"))
    with pytest.raises(HubError, match=r"nowhere\.pem est introuvable"):
        open_hub(missing)


def test_require_without_a_ca_is_encrypted_and_the_preflight_asks_for_the_ca(
    tls_cluster: tuple[Cluster, dict[str, Path]], tmp_path: Path
) -> None:
    cluster, _files = tls_cluster
    url = _hub(cluster, "sslmode=require")
    check = _preflight_line(tmp_path, url)
    assert check.ok is True
    assert "Liaison chiffrée (TLSv1." in check.found
    assert "mais certificat du serveur NON vérifié" in check.found
    assert "sslrootcert=ca.pem" in check.found


def test_require_against_a_server_without_tls_is_a_sentence(
    pg_cluster: Cluster, tmp_path: Path, capsys: Any
) -> None:
    url = pg_cluster.url() + "?sslmode=require"
    capsys.readouterr()
    assert main(["sync", "--db", str(tmp_path / "d1.sqlite"), "--hub", url]) == 1
    err = capsys.readouterr().err
    assert f"Le hub 127.0.0.1:{pg_cluster.port} n'accepte pas de liaison chiffrée" in err, err
    assert "ssl = on" in err and "Traceback" not in err
    check = _check(tmp_path, url)
    assert check.ok is False and "n'accepte pas de liaison chiffrée" in check.found


def test_verify_full_checks_the_name_on_the_certificate(
    tls_cluster: tuple[Cluster, dict[str, Path]], tmp_path: Path
) -> None:
    """The right CA, but the hub is reached under a name its certificate does not carry."""
    cluster, files = tls_cluster
    url = _hub(cluster, f"sslmode=verify-full&sslrootcert={files['ca']}")
    renamed = url.replace("@127.0.0.1:", "@hub.venue.example:") + "&hostaddr=127.0.0.1"
    with pytest.raises(
        HubError, match=r"hub\.venue\.example:.* présente un certificat que .* ne garantit pas"
    ):
        open_hub(renamed)
    verify_ca = renamed.replace("verify-full", "verify-ca")  # the CA only, not the name
    assert "vérifié avec" in _check(tmp_path, verify_ca).found
