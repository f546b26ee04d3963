"""Opening the kiosk: the replica, the event, the print queue and the lead's lock, the same
as the desk opens them, around a :class:`KioskStation` instead of the desk window."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from checkin.base import i18n, paths
from checkin.base.settings import DeskSettings
from checkin.event import model as event_mod
from checkin.event.model import EventConfig
from checkin.replica.db import Replica, open_replica
from checkin.ui.app import application, choose_day
from checkin.ui.kiosk.station import KioskParts, KioskStation
from checkin.ui.lead.lock import LeadLock
from checkin.ui.printers.bridge import PrintBridge
from checkin.ui.session import DeskSession

log = logging.getLogger(__name__)


@dataclass
class Kiosk:
    station: KioskStation
    bridge: PrintBridge
    replica: Replica
    closed: bool = False

    def close(self) -> None:
        """The printer threads first, then the window, then the replica."""
        if self.closed:
            return
        self.closed = True
        self.bridge.stop()
        self.station.stop_listening(application())
        self.station.leaving = True
        self.station.close()
        self.station.deleteLater()
        self.replica.close()


def build_kiosk(
    db: str | os.PathLike[str] | None = None,
    *,
    print_only: bool | None = None,
    desk_name: str | None = None,
    day: str | None = None,
    settings: DeskSettings | None = None,
    event: EventConfig | None = None,
) -> Kiosk:
    """``print_only`` None: the desk setting says (``kiosk = "print-only"``)."""
    ev = event or event_mod.load()
    settings = settings or DeskSettings.load()
    chosen_day = choose_day(ev, day, saved=settings.chosen_day())
    app = application()
    if desk_name:
        settings.desk_name = desk_name
    i18n.set_language(os.environ.get("CHECKIN_LANG") or settings.language)
    replica = open_replica(paths.db_path(db))
    replica.set_interactive()
    session = DeskSession(replica, ev, chosen_day, settings.desk_name)
    bridge = PrintBridge.build(replica, ev)
    lock = LeadLock(settings, provisioned=ev.lead_pin_hash)
    only = settings.kiosk == "print-only" if print_only is None else print_only
    station = KioskStation(KioskParts(session, settings, bridge, lock, only))
    bridge.setParent(station)
    lock.setParent(station)
    station.start_listening(app)
    return Kiosk(station, bridge, replica)


def run(kiosk: Kiosk) -> int:
    app = application()
    kiosk.station.left.connect(app.quit)
    kiosk.station.showFullScreen()
    kiosk.station.sounds.preload()
    log.info("kiosk shown (print only: %s)", kiosk.station.parts.print_only)
    try:
        return int(app.exec())
    finally:
        kiosk.close()
        app.shutdown()
