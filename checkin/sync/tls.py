"""The hub link over a network is encrypted, or staff said the network is closed.

A PostgreSQL hub on another machine is reached across the venue's network, where anyone
on the same Wi-Fi can read a plain connection: names, e-mails and codes in clear. So a URL
to another host must ask libpq for TLS (``sslmode=require``, ``verify-ca`` or
``verify-full``, in the URL or in ``PGSSLMODE``) unless staff say ``--insecure`` (a closed
network of their own; ``CHECKIN_HUB_INSECURE=1`` for the window and scripts). A local
socket or the loopback address never leaves the machine. The rule is applied by
:func:`checkin.sync.hub.make_engine`, the one place hub URLs are opened, before any
connection is tried. With ``sslrootcert`` (a CA file) libpq checks the server's
certificate against it; the pre-flight says which of these the link has.
"""

from __future__ import annotations

import os

from sqlalchemy import URL, Connection, text

from checkin.base.i18n import _

INSECURE_ENV = "CHECKIN_HUB_INSECURE"
ENCRYPTED_MODES = frozenset({"require", "verify-ca", "verify-full"})
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def plain_allowed() -> bool:
    """Staff's ``--insecure`` (carried to every part of the run by the environment)."""
    return os.environ.get(INSECURE_ENV, "").strip().lower() in {"1", "yes", "true", "oui"}


def _query(url: URL, key: str) -> str:
    value = url.query.get(key, "")
    return str(value[-1] if isinstance(value, tuple) else value)


def sslmode(url: URL) -> str:
    return _query(url, "sslmode") or os.environ.get("PGSSLMODE", "")


def is_local(url: URL) -> bool:
    """A Unix socket (no host, or a host that is a folder) or the loopback address."""
    hosts = [h for h in ((url.host or "") + "," + _query(url, "host")).split(",") if h]
    return all(h.startswith("/") or h.lower() in _LOOPBACK for h in hosts)


def refusal(url: URL, *, insecure: bool | None = None) -> str:
    """Why a plain PostgreSQL link to another machine is refused (empty: it is not)."""
    if url.get_backend_name() != "postgresql" or is_local(url):
        return ""
    if sslmode(url) in ENCRYPTED_MODES or (plain_allowed() if insecure is None else insecure):
        return ""
    return _(
        "Le hub {host} est sur une autre machine : la liaison doit être chiffrée. Ajoutez "
        "« ?sslmode=verify-full&sslrootcert=ca.pem » (ou sslmode=require) à l'adresse du hub, "
        "ou, sur un réseau fermé qui n'appartient qu'à vous, lancez checkin avec --insecure.",
        host=url.host or "?",
    )


def describe(url: URL, conn: Connection) -> str:
    """What the pre-flight says of the link: encrypted or not, certificate checked or not."""
    if url.get_backend_name() != "postgresql":
        return ""
    row = conn.execute(text("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).first()
    if not row or not row[0]:
        if is_local(url):
            return _("Liaison non chiffrée, sur cette machine.")
        return _("Liaison NON chiffrée (--insecure : réseau fermé).")
    mode, ca = sslmode(url), _query(url, "sslrootcert") or os.environ.get("PGSSLROOTCERT", "")
    if mode in {"verify-ca", "verify-full"} or ca:
        return _(
            "Liaison chiffrée ({version}), certificat du serveur vérifié avec {ca}.",
            version=row[1],
            ca=ca or "~/.postgresql/root.crt",
        )
    return _(
        "Liaison chiffrée ({version}), mais certificat du serveur NON vérifié : ajoutez "
        "« sslmode=verify-full&sslrootcert=ca.pem » (le fichier CA du hub) à son adresse.",
        version=row[1],
    )


def explain(url: URL, error: str) -> str:
    """A TLS failure told in one sentence (empty: the error is not about TLS)."""
    if url.get_backend_name() != "postgresql":
        return ""
    where = f"{url.host or '?'}:{url.port or 5432}"
    ca = _query(url, "sslrootcert") or os.environ.get("PGSSLROOTCERT", "") or "~/.postgresql/root.crt"
    if "certificate verify failed" in error or "does not match host name" in error:
        return _(
            "Le hub {where} présente un certificat que {ca} ne garantit pas : ce n'est peut-être "
            "pas votre serveur, ou ce n'est pas le bon fichier CA. Rien n'a été échangé ; "
            "demandez le fichier CA du hub à la personne qui l'a installé.",
            where=where,
            ca=ca,
        )
    if "root certificate file" in error and "does not exist" in error:
        return _(
            "Le fichier CA {ca} est introuvable : vérifiez le chemin donné à sslrootcert. "
            "Rien n'a été échangé.",
            ca=ca,
        )
    if "server does not support SSL" in error:
        return _(
            "Le hub {where} n'accepte pas de liaison chiffrée (ssl = off sur le serveur "
            "PostgreSQL) : activez-la sur le serveur (ssl = on, avec son certificat). Rien n'a été échangé.",
            where=where,
        )
    return ""
