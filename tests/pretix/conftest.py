"""A real pretix server for the tests: pretix's own code, database, ORM and HTTP API.

One per test session: pretix from a cached venv (``CHECKIN_PRETIX_VENV``, else
``/tmp/pretix-venv``; built here when missing — ``.ci/run`` starts that build early, beside
the project's own install), an SQLite database migrated by ``python -m pretix migrate``
(the migrated empty file is kept beside the venv: migrating takes minutes, copying none),
an event built by ``build_event.py`` through pretix's ORM, and ``runserver`` on a free
loopback port, stopped at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PRETIX = "pretix==2026.8.0"
HERE = Path(__file__).resolve().parent


@dataclass
class PretixServer:
    url: str  # http://127.0.0.1:PORT
    data: dict[str, Any]  # what build_event.py wrote
    venv: Path
    env: dict[str, str]

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def orm(self, code: str) -> Any:
        """Run ``code`` in pretix's Django (scopes off); it sets ``result``, returned as JSON."""
        script = (
            "import os, json, django\nos.environ.setdefault('DJANGO_SETTINGS_MODULE','pretix.settings')\n"
            "django.setup()\nfrom django_scopes import scopes_disabled\nresult=None\n"
            "with scopes_disabled():\n"
            + "".join(f"    {line}\n" for line in code.splitlines())
            + "print(json.dumps(result, default=str))\n"
        )
        done = subprocess.run(
            [str(self.python), "-c", script], env=self.env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])


def pretix_venv() -> Path:
    venv = Path(os.environ.get("CHECKIN_PRETIX_VENV", "/tmp/pretix-venv"))
    ready = venv / ".checkin-ready"
    if not ready.exists():
        if not (venv / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", PRETIX], check=True)
        ready.write_text(PRETIX)
    return venv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _config(folder: Path, port: int) -> Path:
    cfg = folder / "pretix.cfg"
    cfg.write_text(
        f"[pretix]\ninstance_name=checkin tests\nurl=http://127.0.0.1:{port}\ndatadir={folder / 'data'}\n"
        f"currency=EUR\n[database]\nbackend=sqlite3\nname={folder / 'db.sqlite3'}\n"
        "[mail]\nfrom=test@localhost\n",
        encoding="utf-8",
    )
    (folder / "data").mkdir(exist_ok=True)
    return cfg


def _migrated(venv: Path, folder: Path, env: dict[str, str]) -> None:
    template = venv / "checkin-migrated.sqlite3"
    if template.exists():
        shutil.copy(template, folder / "db.sqlite3")
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pretix", "migrate", "--noinput"],
        env=env,
        check=True,
        capture_output=True,
        timeout=1800,
    )
    if not template.exists():
        shutil.copy(folder / "db.sqlite3", template)


def _wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"pretix runserver exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/api/v1/", timeout=2):
                return
        except OSError as exc:
            if getattr(exc, "code", None):  # an HTTP answer: the server is up
                return
            time.sleep(0.3)
    raise RuntimeError("pretix runserver did not answer in 120 s")


@pytest.fixture(scope="session")
def pretix_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PretixServer]:
    venv = pretix_venv()
    folder = tmp_path_factory.mktemp("pretix")
    port = free_port()
    env = {**os.environ, "PRETIX_CONFIG_FILE": str(_config(folder, port)), "PYTHONWARNINGS": "ignore"}
    env.pop("PYTHONPATH", None)
    _migrated(venv, folder, env)
    out = folder / "event.json"
    subprocess.run(
        [str(venv / "bin" / "python"), str(HERE / "build_event.py"), str(out)],
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    log = (folder / "runserver.log").open("wb")
    proc = subprocess.Popen(
        [str(venv / "bin" / "python"), "-m", "pretix", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait(url, proc)
        yield PretixServer(url, json.loads(out.read_text(encoding="utf-8")), venv, env)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def pretix_exports(pretix_server: PretixServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """pretix's own exporters run once per session on the test server: every shape of
    ``exports.SHAPES`` in every language of ``exports.LANGUAGES``, and its JSON data export;
    keyed ``shape-language`` (``json-any``)."""
    from .exports import make_all

    return {made.id: made.path for made in make_all(pretix_server, tmp_path_factory.mktemp("exports"))}
