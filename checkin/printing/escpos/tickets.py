"""Thermal tickets over ESC/POS printed now: the welcome slip, the fallback label badge,
the closing slip, and the set-up test page.

The functions here print *now* and wait for the printer (the command line and the set-up
test); the desk's print queue calls them from its worker threads through
:class:`.backend.EscposBackend`, so a printer that is off never holds the desk.
"""

from __future__ import annotations

from datetime import date, datetime

from checkin.base.errors import KnownError
from checkin.base.i18n import _, language
from checkin.event import model as event_mod
from checkin.event.model import EventConfig
from checkin.printing.escpos import connect, data, layout, render
from checkin.printing.escpos.render import Built, Device
from checkin.printing.escpos.status import Status
from checkin.replica import attendees
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica

KINDS = ("welcome", "label", "closing")


def device_for(
    uri: str | None, profile: str | None = None, width: int | None = None, codepage: str | None = None
) -> Device:
    """The printer's capabilities: explicit arguments first, then the address's options."""
    options = connect.parse(uri).options if uri else {}
    chosen_width = width or options.get("width") or 80
    try:
        width_mm = int(chosen_width)
    except ValueError as exc:
        raise KnownError(
            _("Largeur de papier non prise en charge : {width} mm (80 ou 58)", width=chosen_width)
        ) from exc
    return render.device(profile or options.get("profile"), width_mm, codepage or options.get("codepage"))


def ticket_bytes(
    kind: str,
    *,
    replica: Replica | None,
    event: EventConfig | None = None,
    code: str = "",
    attendee: AttendeeView | None = None,
    dev: Device,
    desk: str = "",
    day: str | None = None,
    layout_name: str | None = None,
    now: datetime | None = None,
) -> Built:
    """The bytes of one slip for the printer ``dev`` (nothing is sent)."""
    if kind not in KINDS:
        raise KnownError(_("Type de ticket inconnu : {kind} (welcome, label ou closing)", kind=kind))
    ev = event or event_mod.load()
    chosen = layout.load(layout_name or kind)
    if chosen.kind != kind:
        raise KnownError(_("Le modèle {name} n'est pas un ticket {kind}.", name=chosen.name, kind=kind))
    if replica is None and (kind != "label" or attendee is None):
        raise KnownError(_("Ce ticket demande la base de l'accueil."))
    if kind == "closing":
        assert replica is not None
        slip = data.closing(replica, ev, day or data.default_day(ev), desk=desk, language=_lang(ev), now=now)
        return render.build(chosen, slip, dev)
    person = attendee or (attendees.get(replica, code.strip().upper()) if code and replica else None)
    if person is None:
        raise KnownError(_("Code inconnu : {code}", code=code))
    the_day = day or data.default_day(ev, person, date.today())
    if kind == "welcome":
        assert replica is not None
        slip = data.welcome(replica, ev, person, the_day, desk=desk, now=now)
    else:
        slip = data.label(ev, person, the_day, desk=desk, language=_lang(ev), now=now)
    return render.build(chosen, slip, dev)


def _lang(ev: EventConfig) -> str:
    current = language()
    return current if current in ev.languages else ev.languages[0] if ev.languages else "fr"


def print_ticket(
    uri: str,
    kind: str = "welcome",
    *,
    replica: Replica,
    code: str = "",
    event: EventConfig | None = None,
    profile: str | None = None,
    width: int | None = None,
    codepage: str | None = None,
    desk: str = "",
    day: str | None = None,
) -> tuple[Built, Status]:
    """Build one slip and print it now; a known error when the printer cannot take it."""
    target = connect.parse(uri)
    dev = device_for(uri, profile, width, codepage)
    built = ticket_bytes(kind, replica=replica, event=event, code=code, dev=dev, desk=desk, day=day)
    return built, connect.send(target, built.data)


def print_test(
    uri: str, profile: str | None = None, width: int | None = 80, codepage: str | None = None
) -> Status:
    """The set-up print: code page table, accents, other scripts, native and image QR."""
    target = connect.parse(uri)
    dev = device_for(uri, profile, width if width != 80 else None, codepage)
    return connect.send(target, render.test_page(dev).data)
