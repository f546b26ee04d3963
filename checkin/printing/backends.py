"""Where a rendered PDF goes: a folder of files, a CUPS queue, (in ``checkin/ui``) a QPrinter.

A back-end takes finished bytes and a job id. It must be *idempotent per job id* as far as
it can tell, because the queue may hand the same job again after a crash: the file
back-end writes to a name made of the job id (a second write replaces the first), and the
CUPS back-end returns the CUPS request id, which the queue records at once.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from checkin.base import paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _

log = logging.getLogger(__name__)


class PrinterError(KnownError):
    """The printer refused the job (off, out of paper, missing): retry later."""


@runtime_checkable
class Backend(Protocol):
    name: str

    def submit(self, data: bytes, *, job_id: str, title: str, media: str) -> str:
        """Hand one job over; returns a handle (a file path, a CUPS request id)."""
        ...

    def already_done(self, job_id: str) -> bool | None:
        """Whether a job with this id already reached the printer (after a crash);
        ``None`` when the printer cannot tell (the queue then asks a person, see
        :meth:`checkin.printing.queue.PrintQueue.recover`)."""
        ...


@dataclass
class FileBackend:
    """The default and the demo: one PDF per job in a folder."""

    name: str = "files"
    folder: Path | None = None

    def directory(self) -> Path:
        folder = self.folder or paths.print_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def path_for(self, job_id: str) -> Path:
        return self.directory() / f"job-{job_id}.pdf"

    def submit(self, data: bytes, *, job_id: str, title: str, media: str) -> str:
        target = self.path_for(job_id)
        tmp = target.with_suffix(".part")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, target)  # atomic: a crash leaves no half file under the final name
        except OSError as exc:
            raise PrinterError(
                _(
                    "Impossible d'écrire dans le dossier {folder} : {error}",
                    folder=self.directory(),
                    error=exc.strerror,
                )
            ) from exc
        return str(target)

    def already_done(self, job_id: str) -> bool:
        return self.path_for(job_id).exists()


_REQUEST = re.compile(r"request id is (\S+)")


def _cups_env(server: str) -> dict[str, str]:
    env = dict(os.environ)
    if server:
        env["CUPS_SERVER"] = server
    return env


@dataclass
class CupsBackend:
    """A CUPS queue through ``lp``: the stock's media size, no scaling, no fit-to-page."""

    name: str
    queue: str
    server: str = ""  # host:port or socket path; empty = the system's default
    timeout: float = 30.0

    def submit(self, data: bytes, *, job_id: str, title: str, media: str) -> str:
        if shutil.which("lp") is None:
            raise PrinterError(_("CUPS n'est pas installé sur ce poste (commande lp absente)."))
        self.check()
        command = [
            "lp",
            "-d",
            self.queue,
            "-t",
            f"checkin-{job_id}",
            "-o",
            f"media={media}",
            "-o",
            "fit-to-page=false",
            "-o",
            "print-scaling=none",
            "-o",
            "scaling=100",
            "-",
        ]
        try:
            done = subprocess.run(
                command,
                input=data,
                capture_output=True,
                timeout=self.timeout,
                env=_cups_env(self.server),
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise PrinterError(_("L'imprimante {name} ne répond pas.", name=self.name)) from exc
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise PrinterError(
                _(
                    "L'imprimante {name} a refusé le travail : {error}",
                    name=self.name,
                    error=message[-1] if message else done.returncode,
                )
            )
        found = _REQUEST.search(done.stdout.decode("utf-8", "replace"))
        return found.group(1) if found else ""

    def check(self) -> None:
        """Refuse early when CUPS knows the printer is stopped (off, jammed, paused)."""
        try:
            done = subprocess.run(
                ["lpstat", "-p", self.queue],
                capture_output=True,
                timeout=self.timeout,
                env=_cups_env(self.server),
                check=False,
            )
        except (subprocess.TimeoutExpired, FileNotFoundError):
            return  # lp will tell
        lines = done.stdout.decode("utf-8", "replace").splitlines()
        if lines and " disabled" in lines[0]:
            reason = " ".join(line.strip() for line in lines[1:] if line.strip())
            raise PrinterError(
                _("L'imprimante {name} est arrêtée : {reason}", name=self.name, reason=reason or "?")
            )

    def already_done(self, job_id: str) -> bool | None:
        # lpstat does not show job titles; the queue records the request id right after
        # ``lp`` returns, so only a crash inside that instant can leave us unsure.
        return None


def system_printers(server: str = "") -> list[str]:
    """The CUPS destinations this machine offers (empty when CUPS is absent)."""
    if shutil.which("lpstat") is None:
        return []
    try:
        done = subprocess.run(
            ["lpstat", "-e"],
            capture_output=True,
            timeout=10,
            env=_cups_env(server),
            check=False,
        )
    except subprocess.TimeoutExpired:
        log.warning("lpstat did not answer")
        return []
    return [line.strip() for line in done.stdout.decode("utf-8", "replace").splitlines() if line.strip()]
