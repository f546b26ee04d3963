"""The event's retention date, applied: past it, a desk purges itself.

The event file states ``[privacy] retention_days``; the retention date is the event's last
day plus that many days (:attr:`checkin.event.model.EventConfig.retention_until`). When a
command opens the desk's replica, or the desk window opens, and today on the venue's clock
is past that date while the replica still holds personal data, the desk purges itself
keeping the counts, as ``checkin purge --keep-aggregates`` does (files around it swept), and
says so in one sentence; in the :data:`WARN_DAYS` days before, it says it will. Never before the date, and never a replica of invented people
(the demo's, a rehearsal's, a bench's: ``checkin.replica.contents.invented_by``).

``CHECKIN_TODAY`` (an ISO date) stands for today, for tests and rehearsals of a past event.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.event.model import EventConfig
from checkin.replica import contents
from checkin.replica.db import Replica, open_replica
from checkin.sync.purge import purge_open

log = logging.getLogger(__name__)

WARN_DAYS = 14  # the desk says it will purge itself this many days before the date


def today(event: EventConfig) -> date:
    """Today on the venue's clock, or ``CHECKIN_TODAY`` when set."""
    given = os.environ.get("CHECKIN_TODAY", "").strip()
    if given:
        try:
            return date.fromisoformat(given)
        except ValueError:
            raise KnownError(
                _("CHECKIN_TODAY : « {value} » n'est pas une date AAAA-MM-JJ.", value=given)
            ) from None
    return event.today()


def due(event: EventConfig, on: date | None = None) -> bool:
    """Whether the retention date has passed (``on``: today, injected)."""
    return (on or today(event)) > event.retention_until


def holds_personal_data(replica: Replica) -> bool:
    with replica.read() as conn:
        row = conn.exec_driver_sql(
            "SELECT EXISTS(SELECT 1 FROM attendee) OR EXISTS(SELECT 1 FROM fact) "
            "OR EXISTS(SELECT 1 FROM meta WHERE key = 'purge.pending')"
        ).one()
    return bool(row[0])


def purge_open_if_due(
    replica: Replica, event: EventConfig, *, on: date | None = None, print_folders: Iterable[Path] = ()
) -> str:
    """Purge an open replica if the retention date has passed; the sentence saying so, or ""."""
    if not due(event, on) or not holds_personal_data(replica):
        return ""
    made_by = contents.invented_by(replica)
    if made_by:  # the demo's, a rehearsal's or a bench's invented people: nobody to protect
        log.info(
            "retention date %s passed: replica of invented people (%s) kept", event.retention_until, made_by
        )
        return ""
    counts = purge_open(replica, keep_aggregates=True, event=event, print_folders=print_folders)
    log.info("retention date %s passed: replica purged (%d counts kept)", event.retention_until, len(counts))
    return notice(event)


def purge_if_due(
    path: Path, event: EventConfig, *, on: date | None = None, print_folders: Iterable[Path] = ()
) -> str:
    """The same for the replica file at ``path`` (nothing if there is none yet)."""
    if not due(event, on) or not path.is_file():
        return ""
    replica = open_replica(path, create=False)
    try:
        return purge_open_if_due(replica, event, on=on, print_folders=print_folders)
    finally:
        replica.close()


def coming(event: EventConfig, on: date | None = None) -> bool:
    """Whether the event is over and its retention date less than :data:`WARN_DAYS` away."""
    day = on or today(event)
    last = max(d.date for d in event.days)
    return last < day <= event.retention_until and (event.retention_until - day).days < WARN_DAYS


def warning_open(replica: Replica, event: EventConfig, *, on: date | None = None) -> str:
    """In the days before the date, the sentence saying the desk will purge itself, or ""."""
    if not coming(event, on) or not holds_personal_data(replica) or contents.invented_by(replica):
        return ""
    return _(
        "Les données personnelles de ce poste seront effacées après le {date} (date de conservation "
        "de l'événement) : faites avant cette date les rapports et attestations nominatifs.",
        date=event.retention_until.isoformat(),
    )


def check_open(
    replica: Replica, event: EventConfig, *, on: date | None = None, print_folders: Iterable[Path] = ()
) -> str:
    """Past the date the desk purged, in the days before it warned: the sentence, or ""."""
    return purge_open_if_due(replica, event, on=on, print_folders=print_folders) or warning_open(
        replica, event, on=on
    )


def check(
    path: Path, event: EventConfig, *, on: date | None = None, print_folders: Iterable[Path] = ()
) -> str:
    """:func:`check_open` for the replica file at ``path`` (opened only near or past the date)."""
    if not (due(event, on) or coming(event, on)) or not path.is_file():
        return ""
    replica = open_replica(path, create=False)
    try:
        return check_open(replica, event, on=on, print_folders=print_folders)
    finally:
        replica.close()


def notice(event: EventConfig) -> str:
    return _(
        "Date de conservation dépassée ({date}) : les données personnelles de ce poste ont été effacées, "
        "seuls les compteurs sont gardés.",
        date=event.retention_until.isoformat(),
    )
