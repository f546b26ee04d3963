"""Which day a run serves, chosen by one rule wherever a day is not given.

The command line (``scan --day``, ``preflight``), the desk and the thermal tickets all
fall back the same way: today when today is an event day, else the first event day —
a desk started the evening before, or on a laptop whose clock is wrong, still opens on
a real day of the event instead of an empty one.
"""

from __future__ import annotations

from datetime import date

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.event.model import EventConfig


def serving(
    event: EventConfig, given: str | None = None, *, today: date | None = None, first: str = ""
) -> str:
    """The day given (an ISO date, written back as one), else today when today is an event
    day, else ``first`` (an attendee's first day, when there is one), else the first event day."""
    if given:
        try:
            return date.fromisoformat(given).isoformat()
        except ValueError as exc:
            raise KnownError(_("Date invalide « {value} » : attendu AAAA-MM-JJ.", value=given)) from exc
    iso = (today or date.today()).isoformat()
    if event.day(iso):
        return iso
    return first or event.days[0].iso
