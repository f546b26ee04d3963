"""A receipt printer as a back-end of the desk's print queue (``checkin.printing.queue``).

The queue speaks to back-ends through ``submit(data, job_id=…, title=…, media=…)`` and
``already_done(job_id)``; its default renderer makes PDF badges, which a receipt printer
cannot print. So this back-end also renders: :meth:`EscposBackend.render` has the queue's
``Renderer`` signature (a badge job becomes the label badge, a ticket job the welcome
slip), and :meth:`print_job` renders and prints a job in one call. Every failure is a
:class:`~checkin.printing.errors.PrinterError` (a ``KnownError``) that the queue
records on the job before retrying.
"""

from __future__ import annotations

import logging
from typing import Any

from checkin.base.i18n import _
from checkin.event.model import EventConfig
from checkin.printing.errors import PrinterError
from checkin.printing.escpos import connect, layout
from checkin.printing.escpos.render import Device
from checkin.printing.escpos.tickets import device_for, ticket_bytes
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica

log = logging.getLogger(__name__)

MEDIA = "escpos"


class EscposBackend:
    """One receipt printer, known by its address (and optionally its settings)."""

    def __init__(
        self,
        uri: str,
        profile: str | None = None,
        width: int | None = None,
        codepage: str | None = None,
        *,
        name: str | None = None,
        replica: Replica | None = None,
        event: EventConfig | None = None,
    ) -> None:
        self.target = connect.parse(uri)
        self.dev: Device = device_for(uri, profile, width, codepage)
        self.name = name or self.target.name
        self.replica = replica
        self.event = event

    def __repr__(self) -> str:
        return f"EscposBackend({self.target.name!r}, {self.dev.profile}, {self.dev.width_mm} mm, {self.dev.codepage or 'raster'})"

    # -- the queue's Backend protocol ----------------------------------------------------

    def submit(self, data: bytes, *, job_id: str, title: str = "", media: str = MEDIA) -> str:
        """Send ready-made ESC/POS bytes; returns the printer's address as the handle."""
        if data[:5] == b"%PDF-":
            raise PrinterError(
                _("L'imprimante de tickets {name} ne peut pas imprimer un badge PDF.", name=self.name)
            )
        connect.send(self.target, data)
        log.info("job %s printed on %s", job_id, self.name)
        return self.target.name

    def already_done(self, job_id: str) -> bool | None:
        """A receipt printer keeps no record of jobs: after a crash, we cannot know."""
        return None

    # -- rendering ---------------------------------------------------------------------

    def render(self, job: Any, attendee: AttendeeView) -> tuple[bytes, str]:
        """The queue's Renderer: a badge job → the label badge, a ticket job → the welcome slip."""
        return self._bytes(job, attendee, self.replica), MEDIA

    def print_job(self, job: Any, replica: Replica) -> None:
        """Render and print one queue job now (raises a ``PrinterError`` on failure)."""
        self.submit(self._bytes(job, None, replica), job_id=str(getattr(job, "id", "")))

    def _bytes(self, job: Any, attendee: AttendeeView | None, replica: Replica | None) -> bytes:
        kind = "label" if getattr(job, "kind", "badge") == "badge" else "welcome"
        layout_name = getattr(job, "layout", "") or None
        if layout_name in layout.available():
            kind = layout.load(layout_name).kind
        else:
            layout_name = None  # a badge layout name ("a6"): use the ticket's own
        return ticket_bytes(
            kind,
            replica=replica,
            event=self.event,
            code=getattr(job, "code", ""),
            attendee=attendee,
            dev=self.dev,
            desk=getattr(job, "desk", ""),
            layout_name=layout_name,
        ).data
