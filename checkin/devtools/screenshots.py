"""``checkin screenshots OUTDIR``: every state of the desk window as a 1366×768 PNG.

Runs offscreen on a throw-away demo event (its own temporary home, so nothing of a real
desk is touched), so the look of each state can be reviewed — and compared between
versions — without a display.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from checkin.base import paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.devtools.door_shots import door_shots
from checkin.event.model import EventConfig
from checkin.replica import cipher

SIZE = (1366, 768)


class _BrokenPrinter:
    def submit(self, data: bytes, *, job_id: str, title: str, media: str) -> str:
        raise KnownError(_("Imprimante injoignable : {name}", name="Brother QL-820"))

    def already_done(self, job_id: str) -> bool:
        return False


def _wait(condition: Callable[[], bool], timeout_ms: int = 10_000) -> bool:
    """Run the event loop until ``condition()`` holds (polling every 20 ms)."""
    from checkin.ui.qt import QElapsedTimer, QEventLoop, QTimer

    loop = QEventLoop()
    clock = QElapsedTimer()
    clock.start()

    def check() -> None:
        if condition() or clock.elapsed() > timeout_ms:
            loop.quit()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(20)
    if not condition():
        loop.exec()
    timer.stop()
    return condition()


def _codes(db: Path, last_day: str) -> dict[str, str]:
    con = cipher.connect(db, readonly=True)
    live = "(live_uid = uid OR live_uid = '')"

    def one(sql: str) -> str:
        row = con.execute(sql).fetchone()
        return str(row[0]) if row else "AICT26-ZZZZ9999"

    try:
        return {
            "admitted": one(
                f"SELECT code FROM attendee WHERE status='confirmed' AND {live} AND native_name != '' AND first_name != '' AND days LIKE '%,%' LIMIT 1"
            ),
            "second": one(
                f"SELECT code FROM attendee WHERE status='confirmed' AND {live} AND days LIKE '%,%' LIMIT 1 OFFSET 5"
            ),
            "repaired": one(
                f"SELECT code FROM attendee WHERE status='confirmed' AND {live} AND days LIKE '%,%' LIMIT 1 OFFSET 7"
            ),
            "printer": one(
                f"SELECT code FROM attendee WHERE status='confirmed' AND {live} AND days LIKE '%,%' LIMIT 1 OFFSET 9"
            ),
            "english": one(
                f"SELECT code FROM attendee WHERE status='confirmed' AND {live} AND days LIKE '%,%' LIMIT 1 OFFSET 11"
            ),
            "not_today": one(
                f"SELECT code FROM attendee WHERE status='confirmed' AND {live} AND days = '{last_day}' LIMIT 1"
            ),
            "cancelled": one(f"SELECT code FROM attendee WHERE status='cancelled' AND {live} LIMIT 1"),
            "waitlisted": one(f"SELECT code FROM attendee WHERE status='waitlisted' AND {live} LIMIT 1"),
            "superseded": one("SELECT code FROM attendee WHERE live_uid != '' AND live_uid != uid LIMIT 1"),
        }
    finally:
        con.close()


def render_all(outdir: Path, event: EventConfig | None = None) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with paths.temporary_home("checkin-shots-") as home:
        return _render(outdir, home, event)


def _render(outdir: Path, home: Path, event: EventConfig | None) -> list[Path]:
    """The states in the order a morning meets them; the PNGs are numbered in that order."""
    from checkin.base import i18n
    from checkin.event import model as event_mod

    ev = event or event_mod.load()
    db = _demo_replica(home, ev)
    codes = _codes(db, ev.days[-1].iso)
    i18n.set_language("fr")
    desk = _open_desk(db, ev)
    w = desk.window
    w.resize(*SIZE)
    w.show()
    shot = _Camera(w, outdir)

    def scan(text: str) -> None:
        w.scan.on_scan(text)

    try:
        _answer_shots(w, codes, shot, scan)
        _lead_shots(w, shot)
        for key in ("second", "repaired", "not_today", "cancelled"):
            scan(codes[key])
        w.show_staff()
        _wait(lambda: w.staff.page.figures.expected > 0)
        shot("staff-view")
        _scanner_check_shot(w, ev, shot)
        _import_preview_shots(w, home, ev, shot, scan)
        w.lead.lock.lock()
        _printer_error_shot(desk, w, codes, shot, scan)
        _english_shots(w, codes, shot, scan)
        _group_shots(w, db, shot, scan)
    finally:
        desk.close()
    _kiosk_shots(db, ev, shot)
    small, at = door_shots(db, ev, shot, _wait)
    _staff_rooms_shot(db, small, at, shot)
    return shot.written


def _staff_rooms_shot(db: Path, ev: EventConfig, at: Any, shot: _Camera) -> None:
    """The staff view's « Salles » tab on the doors' day (the occupancy view's moment)."""
    desk = _open_desk(db, ev)
    w = desk.window
    w.resize(*SIZE)
    w.show()
    shot.window = w
    w.rooms.now = lambda: at
    try:
        w.lead.lock.unlock("1234")
        w.show_staff()
        _wait(lambda: w.staff.page.figures.expected > 0)
        w.staff.page.show_rooms()
        _wait(lambda: bool(w.rooms.rows))
        shot("staff-rooms")
    finally:
        desk.close()


def _demo_replica(home: Path, ev: EventConfig) -> Path:
    """The demo event, with two walk-ins of the same name (for the homonyms' search)."""
    from checkin.replica import facts
    from checkin.replica.db import open_replica
    from checkin.ui.app import demo_database

    db = demo_database(home / "demo", attendees=300, event=ev)
    replica = open_replica(db)
    for org in ("Mairie de Lyon", "Région Bretagne"):
        facts.create_walkin(
            replica,
            ev,
            {"first_name": "Jean", "last_name": "Dupont", "organisation": org},
            day=ev.days[0].iso,
            desk="préparation",
            role="staff",
        )
    replica.close()
    return db


def _open_desk(db: Path, ev: EventConfig) -> Any:
    """The desk window on the demo replica, with a lead PIN (1234) and a desk name."""
    from checkin.base.pin import hash_pin
    from checkin.base.settings import DeskSettings
    from checkin.ui.app import build_desk

    settings = DeskSettings.load()
    settings.pin_hash = hash_pin("1234")
    settings.desk_name = "Accueil 2"
    return build_desk(db, day=ev.days[0].iso, settings=settings, event=ev, show_crash_dialog=False)


class _Camera:
    """Takes the window (and a dialog over it, on a darkened window) as the next PNG."""

    def __init__(self, window: Any, outdir: Path) -> None:
        self.window = window
        self.outdir = outdir
        self.written: list[Path] = []

    def __call__(self, name: str, dialog: Any = None, *, keep_size: bool = False) -> None:
        from checkin.ui.qt import QColor, QPainter, QPoint

        _wait(lambda: False, 60)  # let layouts settle and queued signals arrive
        pixmap = self.window.grab()
        if dialog is not None:
            if not keep_size:
                dialog.adjustSize()
            inner = dialog.grab()
            painter = QPainter(pixmap)
            painter.fillRect(pixmap.rect(), QColor(0, 0, 0, 110))
            painter.drawPixmap(
                QPoint((pixmap.width() - inner.width()) // 2, (pixmap.height() - inner.height()) // 3), inner
            )
            painter.end()
        path = self.outdir / f"{len(self.written) + 1:02d}-{name}.png"
        pixmap.save(str(path))
        self.written.append(path)


def _answer_shots(w: Any, codes: dict[str, str], shot: _Camera, scan: Callable[[str], None]) -> None:
    """Every answer to a scan, from the first admission to a repaired code."""
    from checkin.base.codes import garble

    shot("ready")
    scan(codes["admitted"])
    _wait(lambda: "✓" in w.scan.page.panel.printing.text())
    shot("admitted")
    scan(codes["admitted"])
    shot("already-in")
    for outcome in ("not_today", "cancelled", "waitlisted", "superseded"):
        scan(codes[outcome])
        shot(outcome.replace("_", "-"))
    scan("AICT26-ZZZZ9999")
    shot("unknown")
    scan("%%%")
    shot("unreadable")
    scan(garble(codes["repaired"], "us", "fr"))
    shot("repaired")


def _lead_shots(w: Any, shot: _Camera) -> None:
    """Search, the card as a volunteer and as the lead (behind the PIN), and the forms."""
    w.people.show_search()
    w.people.search.field.setText("dupont")
    _wait(lambda: w.people.search.shown_text == "dupont")
    shot("search-homonyms")
    person = w.scan.page.panel.decision.attendee if w.scan.page.panel.decision else None
    if person is not None:
        w.people.open_card(person)
        shot("card-volunteer")
    w.lead.toggle()
    shot("pin-lock", w.lead.pin_dialog)
    w.lead.pin_dialog.pin.setText("1234")
    w.lead.pin_dialog.try_accept()
    if person is not None:
        w.people.open_card(person)
        shot("card-lead")
        w.people.card.buttons["reprint"].click()
        shot("reprint-reason", w.frame.dialog)
        w.frame.dialog.reject()
    w.people.open_walkin()
    w.frame.dialog.first_name.setText("Zoë")
    w.frame.dialog.last_name.setText("Çelik")
    w.frame.dialog.organisation.setText("Ville d'Izmir")
    shot("walkin-form", w.frame.dialog)
    w.frame.dialog.reject()


def _scanner_check_shot(w: Any, ev: EventConfig, shot: _Camera) -> None:
    """The lead's scanner check, as a US-set scanner on this AZERTY desk reads the page."""
    from checkin.arrivals.scanner_check import payloads
    from checkin.base.codes import garble
    from checkin.ui.scan.burst import Burst, Stroke

    text = "]Q1" + payloads(ev.code_pattern)["qr"]
    typed = garble(text, "us", "fr")
    strokes = [Stroke("char", ch, 1000.0 + 12 * i, i) for i, ch in enumerate(typed)]
    w.scan.open_scanner_check()
    dialog = w.scan.scanner_check
    dialog.read(Burst(typed, "enter", strokes))
    shot("scanner-check", dialog)
    dialog.reject()


def _printer_error_shot(
    desk: Any, w: Any, codes: dict[str, str], shot: _Camera, scan: Callable[[str], None]
) -> None:
    """A badge for a printer that cannot be reached: the answer and the banner say so.
    The working printers are put back after, and the error forgotten."""
    queue = desk.printing.queue if desk.printing else None
    if queue is None:
        return
    working = dict(queue.printers)
    for name in list(queue.printers):
        queue.printers[name] = _BrokenPrinter()
    queue.max_attempts = 1
    scan(codes["printer"])
    # The job fails on its worker thread: wait for the answer and the banner to say so.
    _wait(lambda: "Impression impossible" in w.banner.text and "échec" in w.scan.page.panel.printing.text())
    shot("printer-error")
    w.banner.dismiss()
    queue.printers.update(working)
    if desk.printing is not None:
        desk.printing.errors.clear()
    w.frame.last_error = ""


def _english_shots(w: Any, codes: dict[str, str], shot: _Camera, scan: Callable[[str], None]) -> None:
    """The same desk switched to English, then back to French."""
    w.set_language("en")
    scan(codes["english"])
    shot("english-admitted")
    scan(codes["not_today"])
    shot("english-not-today")
    w.people.show_search()
    w.people.search.field.setText("dupo")
    _wait(lambda: w.people.search.shown_text == "dupo")
    shot("english-search")
    w.set_language("fr")


def _import_preview_shots(
    w: Any, home: Path, ev: EventConfig, shot: Callable[..., None], scan: Callable[[str], None]
) -> None:
    """A pretix check-in list in the import preview: as read, then a ticket type decided
    by staff, then imported, and a ticket whose payment is pending scanned."""
    from checkin.demo import synthetic

    export = synthetic.write_pretix_checkin_list(home / "pretix_liste.csv", 40, ev)
    tools = w.staff.tools
    tools.preview_import(export)
    _wait(lambda: tools.dialog is not None and getattr(tools.dialog, "current", None) is not None, 30_000)
    dialog = tools.dialog
    dialog.resize(1300, 700)
    shot("import-preview", dialog, keep_size=True)
    dialog.tabs.setCurrentIndex(2)
    dialog.select_ticket_type("Pass Découverte")
    shot("import-preview-ticket-types", dialog, keep_size=True)
    before = dialog.current
    dialog.decide("Pass Découverte", ev.categories[-2].key, (ev.days[-1].iso,))
    _wait(lambda: dialog.current is not before, 30_000)
    dialog.tabs.setCurrentIndex(3)
    shot("import-preview-rule-applied", dialog, keep_size=True)
    done: list[str] = []
    tools.finished.connect(done.append)
    dialog.import_button.click()
    _wait(lambda: bool(done), 60_000)
    from checkin.replica import contents

    # An import takes the « invented » mark away (real people may have come in); these are
    # the demo's own invented people: marked again, or the retention date would purge the
    # desk at the next window of this run (the staff view's rooms on a purged desk).
    contents.mark_invented(w.session.replica, "demo")
    pending = next(
        line.split(";")[10]
        for line in export.read_text(encoding="utf-8").splitlines()[1:]
        if line.split(";")[9] == "Non"
    )
    w.show_scan()
    scan(pending)
    shot("payment-pending")


def _group_shots(w: Any, db: Path, shot: _Camera, scan: Callable[[str], None]) -> None:
    """A delegation: a member's answer offering the group, then the group page."""
    con = cipher.connect(db, readonly=True)
    try:
        row = con.execute(
            "SELECT code FROM attendee WHERE delegation != '' AND status = 'confirmed' AND "
            "delegation IN (SELECT delegation FROM attendee GROUP BY delegation HAVING count(*) >= 4) LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    if row is None:
        return
    w.show_scan()
    scan(str(row[0]))
    _wait(lambda: w.group.strip.isVisible())
    shot("delegation-offer")
    w.open_group()
    shot("delegation")
    w.show_scan()


def _kiosk_shots(db: Path, ev: EventConfig, shot: _Camera) -> None:
    """The self-service kiosk: idle (both languages), a welcome, a badge already printed,
    "see the desk" for an unknown code, and the idle screen after the language button."""
    from checkin.base import i18n
    from checkin.base.settings import DeskSettings
    from checkin.ui.kiosk.app import build_kiosk

    day = ev.days[0].iso
    con = cipher.connect(db)
    try:
        row = con.execute(
            "SELECT code FROM attendee WHERE status = 'confirmed' AND (live_uid = uid OR live_uid = '') "
            "AND (days = '' OR days LIKE ?) AND uid NOT IN (SELECT attendee_uid FROM fact) ORDER BY id LIMIT 1",
            (f"%{day}%",),
        ).fetchone()
    finally:
        con.close()
    settings = DeskSettings.load()
    settings.desk_name = "Borne 1"
    settings.muted = True
    kiosk = build_kiosk(db, print_only=False, day=day, settings=settings, event=ev)
    station = kiosk.station
    station.resize(*SIZE)
    station.show()
    shot.window = station
    try:
        shot("kiosk-idle")
        code = str(row[0]) if row else "AICT26-ZZZZ9999"
        station.on_scan(code)
        shot("kiosk-welcome")
        _wait(lambda: bool(station.parts.bridge.queue.jobs()))
        station.on_scan(code)
        shot("kiosk-already-printed")
        station.on_scan("AICT26-ZZZZ9999")
        shot("kiosk-see-the-desk")
        station.go_idle()
        station.switch_language()
        shot("kiosk-idle-english")
    finally:
        i18n.set_language("fr")
        kiosk.close()
