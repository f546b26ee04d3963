"""Throw-away certificates for the TLS tests: a CA, a server certificate it signs for
localhost and 127.0.0.1, and another, unrelated CA (made with ``cryptography``)."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(
    subject: str, key: Any, issuer: str, issuer_key: Any, *, ca: bool, hosts: tuple[str, ...] = ()
) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if hosts:
        names: list[x509.GeneralName] = [x509.DNSName("localhost")]
        names += [x509.IPAddress(ipaddress.ip_address(h)) for h in hosts]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def make_certificates(folder: Path) -> dict[str, Path]:
    """A CA, a server certificate it signs (localhost, 127.0.0.1), and another, unrelated CA."""
    ca_key, other_key, server_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _certificate("checkin test CA", ca_key, "checkin test CA", ca_key, ca=True)
    other = _certificate("another CA", other_key, "another CA", other_key, ca=True)
    server = _certificate("localhost", server_key, "checkin test CA", ca_key, ca=False, hosts=("127.0.0.1",))
    files = {
        "ca": folder / "ca.pem",
        "other": folder / "other-ca.pem",
        "cert": folder / "server.crt",
        "key": folder / "server.key",
    }
    files["ca"].write_bytes(_pem(ca))
    files["other"].write_bytes(_pem(other))
    files["cert"].write_bytes(_pem(server))
    files["key"].write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    files["key"].chmod(0o600)
    return files
