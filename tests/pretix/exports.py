"""pretix's own exporters run on the test server, as an organiser downloads their files.

Each export goes through pretix's REST API: ``POST …/exporters/{identifier}/run/`` with the
exporter's parameters, then ``GET`` the download address it answers until the file is there
(the test server has no celery broker, so pretix runs the export eagerly and the first
``GET`` usually has it). pretix writes its headers and status words in the event's
language (``export`` runs under ``language(event.settings.locale)``), so the event's locale
is switched through pretix's ORM between languages (its cache is a dummy one: the server
reads the new locale at once) and put back to French at the end.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LANGUAGES = ("fr", "en", "de")

# (name, exporter, parameters, extension): every shape of file our importer reads.
SHAPES: tuple[tuple[str, str, dict[str, Any], str], ...] = (
    ("positions-commas", "orderlist", {"_format": "positions:default", "paid_only": False}, "csv"),
    ("positions-semicolons", "orderlist", {"_format": "positions:semicolon", "paid_only": False}, "csv"),
    ("positions-excel", "orderlist", {"_format": "positions:excel", "paid_only": False}, "csv"),
    ("orderlist-xlsx", "orderlist", {"_format": "xlsx", "paid_only": False}, "xlsx"),
    ("checkinlist-csv", "checkinlist", {"_format": "default", "secrets": True, "status": ""}, "csv"),
    ("checkinlist-xlsx", "checkinlist", {"_format": "xlsx", "secrets": True, "status": ""}, "xlsx"),
    ("checkinlist-nosecrets", "checkinlist", {"_format": "default", "secrets": False, "status": ""}, "csv"),
)


@dataclass(frozen=True)
class Export:
    shape: str
    language: str
    path: Path

    @property
    def id(self) -> str:
        return f"{self.shape}-{self.language}"


def _call(url: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def run_exporter(base: str, token: str, identifier: str, params: dict[str, Any]) -> bytes:
    """The file pretix's exporter ``identifier`` makes with ``params``."""
    status, body = _call(f"{base}/exporters/{identifier}/run/", token, params)
    assert status == 202, (status, body[:500])
    download = json.loads(body)["download"]
    for _ in range(240):
        status, body = _call(download, token)
        if status == 200:
            return body
        assert status == 409, (status, body[:500])  # 409: still running
        time.sleep(0.25)
    raise AssertionError(f"pretix's {identifier} export did not finish")


def make_all(server: Any, folder: Path) -> list[Export]:
    """Every shape in every language, plus pretix's JSON data export once (in French)."""
    d = server.data
    base = f"{server.url}/api/v1/organizers/{d['organizer']}/events/{d['event']}"
    made: list[Export] = []
    try:
        for language in LANGUAGES:
            set_locale(server, language)
            for shape, identifier, params, ext in SHAPES:
                if identifier == "checkinlist":
                    params = {**params, "list": d["list"]}
                path = folder / f"{shape}-{language}.{ext}"
                path.write_bytes(run_exporter(base, d["token"], identifier, params))
                made.append(Export(shape, language, path))
            if language == "fr":  # pretix's JSON data export: its names in French too
                path = folder / "pretixdata.json"
                path.write_bytes(run_exporter(base, d["token"], "json", {}))
                made.append(Export("json", "any", path))
    finally:
        set_locale(server, "fr")
    return made


def set_locale(server: Any, language: str) -> None:
    server.orm(
        "from pretix.base.models import Event\n"
        f"ev = Event.objects.get(slug={server.data['event']!r})\n"
        f"ev.settings.locale = {language!r}\n"
        "result = ev.settings.locale"
    )
