"""pretix's REST API over HTTP: one connection's settings, pages followed through ``next``,
every failure turned into one sentence (:class:`PretixError`).

The standard library's ``urllib`` only. A 429 answer is waited out (its ``Retry-After``,
at most ``MAX_WAIT_S``) and the request sent again; anything else that is not a 2xx answer
is a sentence naming what to do.
"""

from __future__ import annotations

import json
import logging
import os
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from checkin.base.errors import KnownError
from checkin.base.i18n import _

log = logging.getLogger(__name__)

TIMEOUT_S = 30.0
MAX_WAIT_S = 60.0  # the longest Retry-After honoured
RETRIES = 3  # 429 answers waited out per request


class PretixError(KnownError):
    """pretix could not be reached or refused the request; nothing was applied."""


@dataclass
class Link:
    """Where the event lives in pretix and the token that opens it (never logged)."""

    url: str
    organizer: str
    event: str
    checkin_list: int
    token: str = field(repr=False)

    @property
    def event_path(self) -> str:
        return f"/api/v1/organizers/{self.organizer}/events/{self.event}"


def link_from(
    url: str | None = None,
    organizer: str | None = None,
    event: str | None = None,
    checkin_list: str | None = None,
) -> Link:
    """The link from the options given, else ``CHECKIN_PRETIX_*``; the token from the
    environment only (a token on the command line would land in the shell's history)."""
    env = os.environ
    values = {
        "URL": url or env.get("CHECKIN_PRETIX_URL", ""),
        "ORGANIZER": organizer or env.get("CHECKIN_PRETIX_ORGANIZER", ""),
        "EVENT": event or env.get("CHECKIN_PRETIX_EVENT", ""),
        "LIST": checkin_list or env.get("CHECKIN_PRETIX_LIST", ""),
        "TOKEN": env.get("CHECKIN_PRETIX_TOKEN", ""),
    }
    missing = [k for k, v in values.items() if not v]
    if missing:
        raise PretixError(
            _(
                "Lien pretix incomplet : donnez {names} (options ou variables CHECKIN_PRETIX_…).",
                names=", ".join(missing),
            )
        )
    if not values["LIST"].isdigit():
        raise PretixError(
            _("Liste d'enregistrement pretix : un numéro attendu, pas « {value} ».", value=values["LIST"])
        )
    return Link(
        values["URL"].rstrip("/"), values["ORGANIZER"], values["EVENT"], int(values["LIST"]), values["TOKEN"]
    )


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


Sleep = Callable[[float], None]


class Client:
    """Requests to one pretix, counted (``requests``) for the summaries and the measures."""

    def __init__(self, link: Link, *, timeout: float = TIMEOUT_S, sleep: Sleep = time.sleep) -> None:
        self.link = link
        self.timeout = timeout
        self.sleep = sleep
        self.requests = 0

    def get(self, path: str, params: dict[str, str] | None = None) -> Answer:
        return self._send("GET", self._url(path, params), None)

    def post(self, path: str, data: dict[str, Any]) -> Answer:
        return self._send("POST", self._url(path, None), data)

    def pages(self, path: str, params: dict[str, str] | None = None) -> Iterator[Answer]:
        """Every page of a list, first to last, through each page's ``next``."""
        url: str | None = self._url(path, params)
        while url:
            page = self._send("GET", url, None)
            yield page
            url = page.body.get("next") if isinstance(page.body, dict) else None

    def _url(self, path: str, params: dict[str, str] | None) -> str:
        query = "?" + urllib.parse.urlencode(params) if params else ""
        return self.link.url + path + query

    def _send(self, method: str, url: str, data: dict[str, Any] | None) -> Answer:
        for attempt in range(RETRIES + 1):
            try:
                return self._once(method, url, data)
            except _RetryLater as wait:
                if attempt == RETRIES:
                    break
                log.info("pretix asked to wait %.1f s (429)", wait.seconds)
                self.sleep(wait.seconds)
        raise PretixError(_("pretix refuse trop de requêtes (429) : réessayez dans quelques minutes."))

    def _once(self, method: str, url: str, data: dict[str, Any] | None) -> Answer:
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, method=method)
        request.add_header("Authorization", f"Token {self.link.token}")
        request.add_header("Accept", "application/json")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Answer(response.status, dict(response.headers), _json(response.read()))
        except urllib.error.HTTPError as exc:
            payload = _json(exc.read())
            if exc.code == 429:
                raise _RetryLater(_retry_after(exc.headers.get("Retry-After"))) from exc
            if method == "POST" and isinstance(payload, dict) and "status" in payload:
                return Answer(exc.code, dict(exc.headers), payload)  # the RPC's own refusal of a ticket
            raise _http_error(exc.code, self.link) from exc
        except TimeoutError as exc:
            raise PretixError(
                _("pretix ne répond pas ({url}) : réessayez plus tard.", url=self.link.url)
            ) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise PretixError(
                    _("pretix ne répond pas ({url}) : réessayez plus tard.", url=self.link.url)
                ) from exc
            if isinstance(exc.reason, ssl.SSLError):
                raise _tls_error(self.link, exc.reason) from exc
            raise PretixError(
                _("pretix injoignable ({url}) : {reason}.", url=self.link.url, reason=exc.reason)
            ) from exc
        except ssl.SSLError as exc:  # the secure link broken once open
            raise _tls_error(self.link, exc) from exc
        except OSError as exc:  # the connection reset or cut mid-answer
            raise PretixError(
                _("pretix injoignable ({url}) : {reason}.", url=self.link.url, reason=exc)
            ) from exc


def _tls_error(link: Link, error: ssl.SSLError) -> PretixError:
    """A certificate this machine does not trust, or a broken TLS link: one sentence."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return PretixError(
            _(
                "Le certificat de pretix ({url}) n'est pas reconnu ({reason}) : rien n'a été lu "
                "ni envoyé. Vérifiez l'adresse et l'heure de ce poste ; sur un réseau qui "
                "intercepte les connexions, passez par un autre réseau.",
                url=link.url,
                reason=error.verify_message or error.reason,
            )
        )
    return PretixError(
        _(
            "La liaison chiffrée avec pretix ({url}) a échoué ({reason}) : rien n'a été lu ni envoyé.",
            url=link.url,
            reason=error.reason or error,
        )
    )


class _RetryLater(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def _retry_after(value: str | None) -> float:
    try:
        return min(max(float(value or 1), 0.0), MAX_WAIT_S)
    except ValueError:
        return min(5.0, MAX_WAIT_S)  # an HTTP date: wait a little


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _http_error(code: int, link: Link) -> PretixError:
    if code == 401:
        return PretixError(
            _("pretix refuse le jeton (révoqué ou erroné) : demandez-en un nouveau à l'organisateur.")
        )
    if code == 403:
        return PretixError(
            _(
                "Le jeton pretix n'a pas les droits nécessaires sur l'événement « {event} », "
                "ou l'organisateur « {organizer} » n'a pas cet événement : vérifiez le lien et le jeton.",
                event=link.event,
                organizer=link.organizer,
            )
        )
    if code == 404:
        return PretixError(
            _(
                "pretix ne connaît pas l'organisateur « {organizer} », l'événement « {event} » "
                "ou la liste {list} : vérifiez le lien.",
                organizer=link.organizer,
                event=link.event,
                list=link.checkin_list,
            )
        )
    return PretixError(_("pretix a répondu une erreur {code} : réessayez plus tard.", code=code))
