"""Every call to CUPS's command-line tools: ``lp``, ``lpstat``, ``lpoptions``, ``ipptool``.

The badge back-end (a PDF to a queue), the raw receipt queue (``cups:QUEUE``) and the
pre-flight (a queue's paper and scaling) all go through here, so how the tools are found,
which server they ask (``server``: host:port or a socket path; empty: the system's default,
or ``CUPS_SERVER``), how long a desk waits for them and what a volunteer reads when they
fail are written once. A job that does not reach CUPS is a
:class:`~checkin.printing.errors.PrinterError`; a question that gets no answer is an empty
answer, and the caller says what that means.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from urllib.parse import quote

from checkin.base.i18n import _
from checkin.printing.errors import PrinterNotReady, PrinterTimeout, PrinterUnreachable

log = logging.getLogger(__name__)

SUBMIT_TIMEOUT = 30.0  # seconds for lp to take a badge (a PDF of a few hundred kB)
RAW_TIMEOUT = 10.0  # seconds for lp to take a receipt slip (a few kB of ESC/POS)
QUERY_TIMEOUT = 10.0  # seconds for lpstat, lpoptions and ipptool to answer

_REQUEST = re.compile(r"request id is (\S+)")


def environment(server: str = "") -> dict[str, str]:
    """This process's environment, pointed at ``server`` when one is given."""
    env = dict(os.environ)
    if server:
        env["CUPS_SERVER"] = server
    return env


def submit(
    queue: str,
    data: bytes,
    *,
    name: str,
    title: str,
    options: Sequence[str] = (),
    server: str = "",
    timeout: float = SUBMIT_TIMEOUT,
    refuse_stopped: bool = False,
) -> str:
    """Hand ``data`` to ``lp`` for ``queue``; CUPS's request id ("" when lp did not say).

    ``name`` is how the desk calls the printer in its messages; ``options`` are ``-o``
    values (``raw``, ``media=A6``…); ``refuse_stopped`` asks ``lpstat`` first, so that a
    stopped printer fails the job with its reason instead of holding it in CUPS.
    """
    if shutil.which("lp") is None:
        raise PrinterUnreachable(_("CUPS n'est pas installé sur ce poste (commande lp absente)."))
    if refuse_stopped:
        check_enabled(queue, name=name, server=server, timeout=timeout)
    command = ["lp", "-d", queue, "-t", title]
    for option in options:
        command += ["-o", option]
    command.append("-")
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=timeout, env=environment(server), check=False
        )
    except FileNotFoundError as exc:
        raise PrinterUnreachable(_("CUPS n'est pas installé sur ce poste (commande lp absente).")) from exc
    except subprocess.TimeoutExpired as exc:
        raise PrinterTimeout(_("L'imprimante {name} ne répond pas.", name=name)) from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PrinterUnreachable(
            _(
                "L'imprimante {name} a refusé le travail : {error}",
                name=name,
                error=message[-1] if message else done.returncode,
            )
        )
    found = _REQUEST.search(done.stdout.decode("utf-8", "replace"))
    return found.group(1) if found else ""


def check_enabled(queue: str, *, name: str, server: str = "", timeout: float = QUERY_TIMEOUT) -> None:
    """Refuse early when CUPS knows the printer is stopped (off, jammed, paused).

    No answer from ``lpstat`` is no refusal: ``lp`` will tell.
    """
    try:
        done = subprocess.run(
            ["lpstat", "-p", queue],
            capture_output=True,
            timeout=timeout,
            env=environment(server),
            check=False,
        )
    except (subprocess.TimeoutExpired, FileNotFoundError):
        return
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    if lines and " disabled" in lines[0]:
        reason = " ".join(line.strip() for line in lines[1:] if line.strip())
        raise PrinterNotReady(
            _("L'imprimante {name} est arrêtée : {reason}", name=name, reason=reason or "?")
        )


def system_printers(server: str = "") -> list[str]:
    """The CUPS destinations this machine offers (empty when CUPS is absent)."""
    if shutil.which("lpstat") is None:
        return []
    try:
        done = subprocess.run(
            ["lpstat", "-e"],
            capture_output=True,
            timeout=QUERY_TIMEOUT,
            env=environment(server),
            check=False,
        )
    except subprocess.TimeoutExpired:
        log.warning("lpstat did not answer")
        return []
    return [line.strip() for line in done.stdout.decode("utf-8", "replace").splitlines() if line.strip()]


def _ask(args: list[str], server: str, *, any_status: bool = False) -> str:
    """A query tool's output; "" when it is missing, silent, or (unless ``any_status``) failed."""
    try:
        done = subprocess.run(
            args, capture_output=True, text=True, env=environment(server), timeout=QUERY_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout if done.returncode == 0 or any_status else ""


def saved_options(queue: str, server: str = "") -> dict[str, str]:
    """The options saved for ``queue`` (``lpoptions -p``); empty when the queue does not answer."""
    text = _ask(["lpoptions", "-p", queue], server)
    return dict(p.split("=", 1) for p in text.split() if "=" in p)


_IPP_TEST = """{
  OPERATION Get-Printer-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR keyword requested-attributes media-default,print-scaling-default,fit-to-page-default
  STATUS successful-ok
  DISPLAY media-default
  DISPLAY print-scaling-default
  DISPLAY fit-to-page-default
}
"""


def ipp_attributes(queue: str, server: str = "") -> dict[str, str]:
    """The queue's defaults as the printer system announces them over IPP (``ipptool``)."""
    host = server or os.environ.get("CUPS_SERVER", "") or "localhost"
    if host.startswith("/"):
        host = quote(host, safe="")  # a local socket, as CUPS writes it in a URI
    with tempfile.NamedTemporaryFile("w", suffix=".test", delete=False) as fh:
        fh.write(_IPP_TEST)
    try:
        # (-t: ipptool's own checks may fail — CUPS repeats media-default when the PPD
        # lacks the saved size — yet the values are printed; the first one counts.)
        out = _ask(["ipptool", "-t", f"ipp://{host}/printers/{queue}", fh.name], "", any_status=True)
    finally:
        os.unlink(fh.name)
    found: dict[str, str] = {}
    for key, value in re.findall(r"^\s*([a-z-]+) \([a-zA-Z]+\) = (.*)$", out, re.M):
        found.setdefault(key, value.strip())
    return found
