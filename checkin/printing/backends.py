"""Where a rendered PDF goes: a folder of files, a CUPS queue, (in ``checkin/ui``) a QPrinter.

A back-end takes finished bytes and a job id. It must be *idempotent per job id* as far as
it can tell, because the queue may hand the same job again after a crash: the file
back-end writes to a name made of the job id (a second write replaces the first), and the
CUPS back-end returns the CUPS request id, which the queue records at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from checkin.base import paths
from checkin.base.i18n import _
from checkin.printing import cups
from checkin.printing.errors import PrinterError


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
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # a badge: personal
            with os.fdopen(fd, "wb") as out:
                out.write(data)
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


@dataclass
class CupsBackend:
    """A CUPS queue through ``lp``: the stock's media size, no scaling, no fit-to-page."""

    name: str
    queue: str
    server: str = ""  # host:port or socket path; empty = the system's default
    timeout: float = cups.SUBMIT_TIMEOUT

    def submit(self, data: bytes, *, job_id: str, title: str, media: str) -> str:
        return cups.submit(
            self.queue,
            data,
            name=self.name,
            title=f"checkin-{job_id}",
            options=(f"media={media}", "fit-to-page=false", "print-scaling=none", "scaling=100"),
            server=self.server,
            timeout=self.timeout,
            refuse_stopped=True,
        )

    def already_done(self, job_id: str) -> bool | None:
        # lpstat does not show job titles; the queue records the request id right after
        # ``lp`` returns, so only a crash inside that instant can leave us unsure.
        return None
