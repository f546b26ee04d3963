"""Opening a door (``checkin desk --room``) or the occupancy view (``checkin occupancy``):
the replica, the event and the lead's lock, the same as the desk opens them."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from checkin.arrivals import occupancy
from checkin.base import i18n, paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.base.settings import DeskSettings
from checkin.event import model as event_mod
from checkin.event.model import EventConfig
from checkin.replica.db import Replica, open_replica
from checkin.replica.movements import Session
from checkin.ui.app import application, choose_day
from checkin.ui.door.occupancy import OccupancyView, wall_clock
from checkin.ui.door.station import DoorParts, DoorStation
from checkin.ui.lead.lock import LeadLock
from checkin.ui.qt import QLabel, QThreadPool, QWidget
from checkin.ui.session import DeskSession
from checkin.ui.sync.live import LiveSyncRelay

log = logging.getLogger(__name__)


@dataclass
class Opened:
    """A door or an occupancy view, the replica under it and its live exchange with the hub."""

    window: QWidget
    replica: Replica
    relay: LiveSyncRelay | None = None
    closed: bool = False

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.relay is not None:  # the exchange in flight ends before the replica closes
            self.relay.stop()
            self.relay.wait(30)
        if isinstance(self.window, DoorStation):
            self.window.stop_listening(application())
            self.window.tick.stop()
        if isinstance(self.window, OccupancyView):  # its reads on the pool end before the replica
            self.window.timer.stop()
            self.window.closed = True
            QThreadPool.globalInstance().waitForDone(30_000)
        self.window.close()
        self.window.deleteLater()
        self.replica.close()


def _live(
    replica: Replica,
    settings: DeskSettings,
    ev: EventConfig,
    window: QWidget,
    label: QLabel,
    now: Callable[[], datetime],
) -> LiveSyncRelay | None:
    """With a hub, the window exchanges in the background like the desk (the other doors'
    movements come in, this one's go out); its ``sync`` label says how it goes."""
    if not settings.hub_url:
        return None
    relay = LiveSyncRelay(
        replica, settings.hub_url, settings.desk_name, window,
        desk_fields=ev.desk_fields, interval=float(settings.sync_interval_s), clock=now,
    )  # fmt: skip

    def show(text: str, online: bool) -> None:
        label.setText(_("Synchro : {state}", state=text))
        label.show()
        label.setStyleSheet("" if online else "color: #8A4B00; font-weight: bold;")

    relay.changed.connect(show)
    relay.start()
    return relay


def _hub_seats(replica: Replica, url: str, desk: str) -> Callable[[Session, int], None] | None:
    """Asks the hub for this door's seats when its share is used up; the hub away, the
    door keeps the share it holds (and says ``full`` beyond it)."""
    if not url:
        return None

    def more(target: Session, capacity: int) -> None:
        from checkin.sync import leases
        from checkin.sync.hub import HubError, open_hub

        try:
            hub = open_hub(url)
        except HubError as error:
            log.warning("door without the hub: %s", error)
            return
        try:
            leases.rebalance(replica, hub, target, capacity, desk)
        except HubError as error:
            log.warning("no new seats from the hub: %s", error)
        finally:
            hub.close()

    return more


def build_door(
    db: str | os.PathLike[str] | None,
    room: str,
    *,
    desk_name: str | None = None,
    day: str | None = None,
    settings: DeskSettings | None = None,
    event: EventConfig | None = None,
    now: Callable[[], datetime] = wall_clock,
) -> Opened:
    ev = event or event_mod.load()
    settings = settings or DeskSettings.load()
    chosen_day = choose_day(ev, day, saved=settings.chosen_day())
    application()
    if desk_name:
        settings.desk_name = desk_name
    i18n.set_language(os.environ.get("CHECKIN_LANG") or settings.language)
    replica = open_replica(paths.db_path(db))
    replica.set_interactive()
    try:
        room = occupancy.door_room(replica, ev, room)
    except KnownError:
        replica.close()
        raise
    session = DeskSession(replica, ev, chosen_day, settings.desk_name)
    lock = LeadLock(settings, provisioned=ev.lead_pin_hash)
    parts = DoorParts(
        session, settings, lock, room, now,
        _hub_seats(replica, settings.hub_url, settings.desk_name),
    )  # fmt: skip
    station = DoorStation(parts)
    lock.setParent(station)
    station.start_listening(application())
    return Opened(station, replica, _live(replica, settings, ev, station, station.sync, now))


def build_occupancy(
    db: str | os.PathLike[str] | None,
    *,
    day: str | None = None,
    settings: DeskSettings | None = None,
    event: EventConfig | None = None,
    now: Callable[[], datetime] = wall_clock,
) -> Opened:
    ev = event or event_mod.load()
    settings = settings or DeskSettings.load()
    application()
    i18n.set_language(os.environ.get("CHECKIN_LANG") or settings.language)
    replica = open_replica(paths.db_path(db))
    replica.set_interactive()
    view = OccupancyView(replica, ev, choose_day(ev, day, saved=settings.chosen_day()), now)
    return Opened(view, replica, _live(replica, settings, ev, view, view.sync, now))


def run(opened: Opened) -> int:
    app = application()
    opened.window.resize(1366, 768)
    opened.window.show()
    if isinstance(opened.window, DoorStation):
        opened.window.sounds.preload()
    try:
        return int(app.exec())
    finally:
        opened.close()
        app.shutdown()
