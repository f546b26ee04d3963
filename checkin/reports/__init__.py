"""After-the-day reports: attendance, sign-in sheet, certificates, conflicts, no-shows.

Each report reads one :class:`~checkin.replica.attendance.Dataset` (from a desk's replica or from
the hub) and is written as PDF, XLSX or CSV; the format follows ``--format`` or the output
file's extension. The list of report kinds (``KINDS``) is here, read by the command line and
the staff view.

Imports ``checkin.sync`` (a report read from the hub), ``checkin.printing`` (fonts and
shaping), ``checkin.replica``, ``checkin.event`` and ``checkin.base``; never Qt.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from checkin.base import paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.event import model as event_module
from checkin.event.model import EventConfig
from checkin.replica import attendance as data_module
from checkin.replica import conflicts
from checkin.replica.attendance import Dataset
from checkin.replica.db import open_replica
from checkin.reports import pdf, tables

KINDS = ("attendance", "emargement", "certificates", "conflicts", "noshows", "fallback")


def load(
    *,
    db: str | None = None,
    hub: str | None = None,
    event_path: str | None = None,
    event: EventConfig | None = None,
) -> Dataset:
    """The report's data; ``event`` (the one the command or the window resolved) first."""
    event = event or event_module.load(event_path)
    if hub:
        from checkin.sync.hub import open_hub

        h = open_hub(hub)
        try:
            with h.read() as conn:
                return data_module.load(conn, event, hub=True)
        finally:
            h.close()
    replica = open_replica(paths.db_path(db), create=False)
    try:
        with replica.read() as conn:
            return data_module.load(conn, event, hub=False)
    finally:
        replica.close()


def write_report(
    kind: str,
    *,
    output: str | Path,
    db: str | None = None,
    hub: str | None = None,
    day: str | None = None,
    fmt: str | None = None,
    event_path: str | None = None,
    event: EventConfig | None = None,
) -> Path:
    path = Path(output)
    fmt = fmt or path.suffix.lstrip(".").lower() or "pdf"
    if kind == "fallback" and fmt != "pdf":
        raise KnownError(_("La liste de secours s'imprime : format PDF seulement."))
    if fmt not in ("pdf", "xlsx", "csv"):
        raise KnownError(_("Format de rapport inconnu : {fmt} (pdf, xlsx ou csv)", fmt=fmt))
    if kind not in KINDS:
        raise KnownError(_("Rapport inconnu : {kind}", kind=kind))
    dataset = load(db=db, hub=hub, event_path=event_path, event=event)
    days = [d.iso for d in dataset.event.days]
    if day:
        if day not in days:
            raise KnownError(_("Ce jour ne fait pas partie de l'événement : {day}", day=day))
        days = [day]
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "pdf":
        _pdf(kind, path, dataset, days)
    else:
        sheets = sheets_for(kind, dataset, days)
        (tables.write_csv if fmt == "csv" else tables.write_xlsx)(path, sheets)
    if os.name != "nt":
        os.chmod(path, 0o600)  # names and e-mails: readable by their owner alone
    return path


def _pdf(kind: str, path: Path, data: Dataset, days: list[str]) -> None:
    if kind == "attendance":
        pdf.attendance(path, data, days)
    elif kind == "emargement":
        pdf.emargement(path, data, days)
    elif kind == "fallback":
        from checkin.reports import fallback

        fallback.write(path, data)
    elif kind == "certificates":
        pdf.certificates(path, data, days)
    elif kind == "noshows":
        header, per_day = _noshows(data, days)
        sections = [(data.event.day_label(d), rows) for d, rows in per_day]
        pdf.listing(path, _("Absents"), header, sections + _workshop_sections(data, days))
    else:
        header, rows = _conflicts(data)
        pdf.listing(path, _("Conflits"), header, [(_("Après le dernier échange"), rows)])


def _noshows(data: Dataset, days: list[str]) -> tuple[list[str], list[tuple[str, list[list[Any]]]]]:
    header = [_("Nom"), _("Prénom"), _("Structure"), _("Catégorie"), _("Code"), _("E-mail")]
    return header, [
        (
            d,
            [_person(p) for p in data.noshows(d)],
        )
        for d in days
    ]


def _person(p: data_module.Person) -> list[Any]:
    return [p.last_name or p.native_name, p.first_name, p.organisation, p.category, p.code, p.email]


def _workshop_sections(data: Dataset, days: list[str]) -> list[tuple[str, list[list[Any]]]]:
    """One section per workshop open to those registered for it: who never came in."""
    out = []
    for d in days:
        for s, absent, registered in data.workshop_noshows(d):
            heading = _(
                "{code} — {title} ({day}, {start}) : {absent} absents sur {registered} inscrits",
                code=s.code,
                title=s.title,
                day=data.event.day_label(d),
                start=s.start,
                absent=len(absent),
                registered=registered,
            )
            out.append((heading, [_person(p) for p in absent]))
    return out


def _conflicts(data: Dataset) -> tuple[list[str], list[list[Any]]]:
    header = [_("Type"), _("Participant"), _("Code"), _("Jour"), _("Détail")]
    labels = {
        "double_admission": _("Double entrée"),
        "walkin_registered": _("Inscrit sur place déjà inscrit"),
        "edit_vs_export": _("Correction contre export"),
        "edit_vs_edit": _("Deux corrections"),
        "pretix_refused": _("Refus de pretix"),
        "over_count": _("Salle au-delà de sa capacité"),
        "forced_entry": _("Entrée forcée à une porte"),
    }
    rows = [
        [
            labels.get(c["kind"], c["kind"]),
            c.get("name", ""),
            c.get("code", ""),
            c.get("day", ""),
            conflicts.describe(c),
        ]
        for c in data.conflicts
    ]
    return header, rows


def sheets_for(kind: str, data: Dataset, days: list[str]) -> list[tables.Sheet]:
    if kind == "attendance":
        sheets: list[tables.Sheet] = []
        for d in days:
            rows: list[list[Any]] = []
            for dim, label in (
                ("category", _("Catégorie")),
                ("organisation_type", _("Type de structure")),
                ("country", _("Pays")),
                ("organisation", _("Structure")),
            ):
                rows += [[label, v, e, p] for v, e, p in data_module.breakdown(data, d, dim)]
            rows += [[_("Quart d'heure"), t, "", n] for t, n in data_module.quarter_hours(data, d)]
            paper = sum(1 for p in data.present(d) if (p.uid, d) in data.paper)
            if paper:
                rows.append([_("Saisies après coup (liste papier)"), "", "", paper])
            sheets.append(
                (_("Présence {day}", day=d), [_("Critère"), _("Valeur"), _("Attendus"), _("Présents")], rows)
            )
        sessions = [(d, pdf.session_rows(data, d)) for d in days]
        header = pdf.session_header()
        return sheets + [(_("Sessions {day}", day=d), header, rows) for d, rows in sessions if rows]
    if kind == "emargement":
        return [
            (
                _("Émargement {day}", day=d),
                [_("Nom"), _("Prénom"), _("Structure"), _("Catégorie"), _("Arrivée"), _("Signature")],
                [
                    [
                        p.last_name or p.native_name,
                        p.first_name,
                        p.organisation,
                        p.category,
                        _arrival(data, p.uid, d),
                        "",
                    ]
                    for p in data.expected(d)
                ],
            )
            for d in days
        ]
    if kind == "certificates":
        header = [
            _("Nom"),
            _("Prénom"),
            _("Fonction"),
            _("Structure"),
            _("Jours présents"),
            _("Sessions suivies"),
        ]
        rows = [
            [
                p.last_name or p.native_name,
                p.first_name,
                p.function,
                p.organisation,
                ", ".join(x for x in data.days_present(p) if x in days),
                "; ".join(f"{s.code} {s.title}" for s in data.sessions_attended(p, days)),
            ]
            for p in data.people
            if any(x in days for x in data.days_present(p))
        ]
        return [(_("Attestations"), header, rows)]
    if kind == "noshows":
        header, per_day = _noshows(data, days)
        workshops: list[tables.Sheet] = [
            (
                _("Absents ateliers {day}", day=d),
                [_("Session"), *header],
                [[s.code, *_person(p)] for s, absent, _n in data.workshop_noshows(d) for p in absent],
            )
            for d in days
            if data.workshop_noshows(d)
        ]
        days_sheets: list[tables.Sheet] = [(_("Absents {day}", day=d), header, rows) for d, rows in per_day]
        return days_sheets + workshops
    header, rows = _conflicts(data)
    return [(_("Conflits"), header, rows)]


def _arrival(data: Dataset, uid: str, day: str) -> str:
    at = data.arrivals.get((uid, day))
    if not at:
        return ""
    when = data.event.clock(at)
    return _("{time} (papier)", time=when) if (uid, day) in data.paper else when
