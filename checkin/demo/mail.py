"""Sample confirmation e-mails for the demo desk: a page each, with the QR code to scan.

A newcomer tries the desk with a real scanner on the printed pages, or with a phone showing
the PDF in front of the webcam (F3). Each page says which answer the desk will give:

* **valide** — admitted (the first time; scanned again, "already in");
* **déjà utilisé** — already in (the demo records that person's arrival, on every day of
  the event, at a desk named « Accueil démo (exemple) »);
* **annulé** — a cancelled registration;
* **autre jour** — registered for another day only;
* **illisible** — a code damaged beyond repair (every third sign misread, as a smudged
  print or a cracked phone screen gives).

The QR codes carry what real e-mails carry: a link ending with the code, or the bare code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

from checkin.base.i18n import _
from checkin.event.model import EventConfig
from checkin.replica import attendees, facts
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica

EXAMPLE_DESK = "Accueil démo (exemple)"
LINK = "https://inscriptions.example.org/billet/{code}"


@dataclass(frozen=True)
class Sample:
    kind: str  # valid | already_in | cancelled | other_day | unreadable
    payload: str  # what the QR code carries
    outcome: str  # what scan.decide answers
    attendee: AttendeeView | None


def garble(code: str) -> str:
    """A code as a smudged print or a cracked phone screen reads it: every third sign lost."""
    signs = "§€¤°"
    return "".join(signs[i // 3 % 4] if i % 3 == 2 else ch for i, ch in enumerate(code))


def _pick(people: list[AttendeeView], test: Any, taken: set[str]) -> AttendeeView | None:
    for person in people:
        if person.uid not in taken and test(person):
            taken.add(person.uid)
            return person
    return None


def prepare(replica: Replica, event: EventConfig, day: str) -> list[Sample]:
    """Choose one person per situation in the demo replica (recording the "already used"
    arrival); the same people every time for the same replica."""
    with replica.read() as conn:
        people = sorted(attendees.all_live(conn), key=lambda a: a.registration)
        arrived = {
            str(r[0])
            for r in conn.exec_driver_sql(
                "SELECT attendee_uid FROM fact WHERE kind = 'checkin' AND desk != ?", (EXAMPLE_DESK,)
            )
        }
        example = {
            str(r[0])
            for r in conn.exec_driver_sql(
                "SELECT attendee_uid FROM fact WHERE kind = 'checkin' AND desk = ?", (EXAMPLE_DESK,)
            )
        }
    every_day = {d.iso for d in event.days}
    taken: set[str] = set(arrived)

    def live(a: AttendeeView) -> bool:
        return a.live_uid in ("", a.uid)

    def both(a: AttendeeView) -> bool:
        return live(a) and a.status == "confirmed" and (not a.days or set(a.days) >= every_day)

    used = _pick(people, lambda a: a.uid in example, set()) or _pick(people, both, taken)
    if used is not None:
        taken.add(used.uid)
    valid = _pick(people, lambda a: both(a) and a.uid not in example, taken)
    cancelled = _pick(people, lambda a: live(a) and a.status == "cancelled", taken)
    other = _pick(
        people,
        lambda a: live(a) and a.status == "confirmed" and bool(a.days) and day not in a.days,
        taken,
    )
    if used is not None and used.uid not in example:
        for d in event.days:
            facts.record_checkin(replica, used, day=d.iso, desk=EXAMPLE_DESK, role="staff")
    samples = []
    if valid:
        samples.append(Sample("valid", LINK.format(code=valid.code), "admitted", valid))
    if used:
        samples.append(Sample("already_in", used.code, "already_in", used))
    if cancelled:
        samples.append(Sample("cancelled", cancelled.code, "cancelled", cancelled))
    if other:
        samples.append(Sample("other_day", LINK.format(code=other.code), "not_today", other))
    base = valid.code if valid else "AICT26-00000000"
    samples.append(Sample("unreadable", garble(base), "unreadable", None))
    return samples


def _qr(payload: str, size: float) -> Drawing:
    widget = QrCodeWidget(payload, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def write(path: Path, event: EventConfig, samples: list[Sample]) -> Path:
    story: list[Any] = []
    for n, sample in enumerate(samples):
        if n:
            story.append(PageBreak())
        story += _page(event, sample, n, len(samples))
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A5,
        title=_("Exemples d'e-mails de confirmation"),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        invariant=1,
    )
    doc.build(story)
    return path


def _titles() -> dict[str, str]:
    return {
        "valid": _("Billet valide"),
        "already_in": _("Billet déjà utilisé"),
        "cancelled": _("Inscription annulée"),
        "other_day": _("Billet pour un autre jour"),
        "unreadable": _("Code abîmé"),
    }


def _expected() -> dict[str, str]:
    """What the desk answers to each page's code, printed at the bottom of the page."""
    return {
        "valid": _("Réponse attendue : ADMIS·E (la première fois ; scanné à nouveau : déjà enregistré·e)"),
        "already_in": _(
            "Réponse attendue : DÉJÀ ENREGISTRÉ·E (arrivée notée à « {desk} »)", desk=EXAMPLE_DESK
        ),
        "cancelled": _("Réponse attendue : INSCRIPTION ANNULÉE"),
        "other_day": _("Réponse attendue : PAS INSCRIT·E AUJOURD'HUI (inscrit·e pour un autre jour)"),
        "unreadable": _("Réponse attendue : CODE ILLISIBLE (code abîmé)"),
    }


def _page(event: EventConfig, sample: Sample, n: int, total: int) -> list[Any]:
    """One e-mail: which example it is, the header, the greeting, the QR code, and the
    answer the desk will give."""
    from checkin.reports.pdf import Text  # names drawn as on badges, any script

    person = sample.attendee
    name = person.full_name if person else _("Participant·e")
    days = ", ".join(
        event.day_label(d) for d in (person.days if person and person.days else [x.iso for x in event.days])
    )
    return [
        Text(
            _(
                "Exemple de démonstration {n}/{total} — {title}",
                n=n + 1,
                total=total,
                title=_titles()[sample.kind],
            ),
            10,
            bold=True,
        ),
        Spacer(1, 3 * mm),
        _header(event, person),
        Spacer(1, 5 * mm),
        Text(_("Bonjour {name},", name=name), 12),
        Spacer(1, 2 * mm),
        Text(
            _(
                "Votre inscription aux {event} est confirmée ({days}). Présentez ce code à l'accueil, imprimé ou sur votre téléphone.",
                event=event.name,
                days=days,
            ),
            11,
        ),
        Spacer(1, 6 * mm),
        _qr(sample.payload, 55 * mm),
        Spacer(1, 2 * mm),
        Text(sample.payload if person else _("(code abîmé)"), 9),
        Spacer(1, 6 * mm),
        Text(_expected()[sample.kind], 11, bold=True),
    ]


def _header(event: EventConfig, person: AttendeeView | None) -> Table:
    """From, To and Subject, as a mail client shows them."""
    from checkin.reports.pdf import Text

    header = Table(
        [
            [Text(_("De :"), 9, bold=True), Text(f"{event.organiser} <inscriptions@example.org>", 9)],
            [
                Text(_("À :"), 9, bold=True),
                Text(person.email if person and person.email else "participant@example.org", 9),
            ],
            [
                Text(_("Objet :"), 9, bold=True),
                Text(_("Votre inscription — {event}", event=event.short_name), 9),
            ],
        ],
        colWidths=[18 * mm, 100 * mm],
    )
    header.setStyle(TableStyle([("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.grey)]))
    return header


def write_for_demo(db: Path, event: EventConfig, day: str, output: Path | None = None) -> Path:
    """The demo's e-mails beside its replica (``checkin demo`` writes them at each start)."""
    from checkin.replica.db import open_replica

    replica = open_replica(db)
    try:
        samples = prepare(replica, event, day)
    finally:
        replica.close()
    return write(output or db.parent / "confirmations-demo.pdf", event, samples)
