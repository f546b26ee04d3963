"""The print queue seen from the window: its plain-Python callbacks as Qt signals.

The queue (``checkin.printing.queue``) calls its listeners from its worker threads; a Qt
signal emitted there is delivered queued to the GUI thread, so the window updates its
labels safely. Enqueueing writes to the replica, so it runs on the task pool too.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.event.model import EventConfig
from checkin.replica.db import Replica
from checkin.ui import tasks
from checkin.ui.qt import QObject, Signal

log = logging.getLogger(__name__)


def state_text(job: Any) -> str:
    """The job's state in the volunteer's words."""
    what = _("Badge") if job.kind == "badge" else _("Ticket")
    if job.state == "queued":
        return _("{what} : en attente d'impression ({printer})", what=what, printer=job.printer)
    if job.state == "printing":
        return _("{what} : impression en cours ({printer})", what=what, printer=job.printer)
    if job.state == "done":
        return _("{what} : imprimé ✓ ({printer})", what=what, printer=job.printer)
    return _("{what} : échec d'impression — {error}", what=what, error=job.error or "?")


def _factories() -> dict[str, Callable[[Any], Any]]:
    """The Qt printer back-end, when the badge helper's module is there."""
    try:
        module: Any = importlib.import_module("checkin.ui.printers.qt_printer")
    except ImportError:
        return {}
    factory = getattr(module, "backend", None) or getattr(module, "factory", None)
    return {"qt": factory} if factory else {}


class PrintBridge(QObject):
    """Owns the desk's print queue and relays its job changes as :attr:`job_changed`."""

    job_changed = Signal(object)  # checkin.printing.queue.Job
    failed = Signal(object)  # an exception raised while enqueueing

    def __init__(self, queue: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.states: dict[str, str] = {}  # printer name → last state
        self.errors: dict[str, str] = {}  # printer name → last error
        queue.add_listener(self._from_worker)
        self.job_changed.connect(self._remember)

    @classmethod
    def build(cls, replica: Replica, event: EventConfig, parent: QObject | None = None) -> PrintBridge:
        from checkin.printing import config
        from checkin.printing.queue import PdfBadgeRenderer, PrintQueue

        printers = config.build_all(_factories())
        layouts = {name: cfg.layout for name, cfg in config.load().items()}
        queue = PrintQueue(
            replica, printers, PdfBadgeRenderer(event), default_printer=config.DEFAULT, layouts=layouts
        )
        queue.start()
        return cls(queue, parent)

    def _from_worker(self, job: Any) -> None:
        self.job_changed.emit(job)  # queued to the GUI thread

    def _remember(self, job: Any) -> None:
        self.states[job.printer] = job.state
        if job.state == "failed":
            self.errors[job.printer] = job.error
        elif job.state == "done":
            self.errors.pop(job.printer, None)

    def enqueue_badge(
        self,
        attendee: Any,
        *,
        printer: str | None = None,
        reason: str = "",
        reprint: bool = False,
        desk: str = "",
        role: str = "volunteer",
        on_done: Callable[[Any], None] | None = None,
    ) -> None:
        def work() -> str:
            job_id: str = self.queue.enqueue_badge(attendee, printer or None, reason, reprint, desk, role)
            return job_id

        tasks.run(work, on_done, self.failed.emit)

    def enqueue_batch(
        self,
        people: list[Any],
        *,
        printer: str | None = None,
        desk: str = "",
        role: str = "volunteer",
        on_done: Callable[[Any], None] | None = None,
    ) -> None:
        """A group's badges in its order: one task queues them one after the other (a task
        per badge could reach the queue in any order). A badge already printed — a
        delegation's, printed ahead by staff — is left out rather than stopping the batch."""

        def work() -> list[str]:
            jobs: list[str] = []
            for person in people:
                try:
                    jobs.append(self.queue.enqueue_badge(person, printer or None, "", False, desk, role))
                except KnownError:
                    continue
            return jobs

        tasks.run(work, on_done, self.failed.emit)

    def recover_unqueued(self, desk_id: str, day: str, desk: str) -> None:
        """Queue the badges of admissions a crash left without one (on the task pool)."""
        recover = getattr(self.queue, "recover_unqueued", None)
        if recover is not None:
            tasks.run(lambda: recover(desk_id=desk_id, day=day, desk=desk), None, self.failed.emit)

    def retry(self, job_id: str) -> None:
        tasks.run(lambda: self.queue.retry(job_id), None, self.failed.emit)

    def printer_names(self) -> list[str]:
        return list(getattr(self.queue, "printers", {}))

    def stop(self) -> None:
        try:
            self.queue.remove_listener(self._from_worker)
        except ValueError:
            pass
        stop = getattr(self.queue, "stop", None)
        if stop is not None:
            stop(timeout=2.0)
