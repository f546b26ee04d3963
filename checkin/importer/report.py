"""What an import found, in words and tables: the layout and the column each field was
read from, the ticket types and what they became, the category × day table, and every row
that fell to a default — so nobody discovers at the desk that everyone became
"Participant". The command line prints these lines; the window shows the same data.
"""

from __future__ import annotations

from typing import Any

from checkin.base.i18n import _, language
from checkin.event.model import EventConfig
from checkin.importer import wild

FIELD_LABELS = {
    "code": "code billet",
    "registration": "n° d'inscription",
    "order": "commande",
    "position": "position",
    "status": "statut",
    "paid": "payé",
    "registered_at": "date d'inscription",
    "title": "civilité",
    "first_name": "prénom",
    "last_name": "nom",
    "full_name": "nom complet",
    "native_name": "nom (écriture d'origine)",
    "function": "fonction",
    "organisation": "structure",
    "organisation_type": "type de structure",
    "country": "pays",
    "category": "catégorie",
    "ticket_type": "type de billet",
    "variation": "variante",
    "delegation": "délégation",
    "email": "e-mail",
    "payer_email": "e-mail du payeur",
    "payer_first_name": "prénom du payeur",
    "payer_last_name": "nom du payeur",
    "phone": "téléphone",
    "days": "jours",
    "workshops": "ateliers",
    "regional_meeting": "réunion régionale",
    "dietary": "régime alimentaire",
    "accessibility": "accessibilité",
    "language": "langue",
    "checked_in": "déjà enregistré (billetterie)",
    "addon_to": "option de la position",
    "order_type": "type de commande",
    "disabled": "billet désactivé",
}


def field_label(name: str) -> str:
    return _(FIELD_LABELS.get(name, name))


def days_label(event: EventConfig, days: list[str]) -> str:
    if not days:
        return _("aucun jour")
    if len(days) == len(event.days) and len(days) > 1:
        return _("tous les jours")
    return _(" et ").join(event.day_label(d, language()) for d in days)


def category_label(event: EventConfig, name: str) -> str:
    cat = event.category_by_name(name)
    return cat.label(language()) if cat else name


def table_rows(summary: Any, event: EventConfig) -> tuple[list[str], list[list[str]]]:
    """The category × day table: a header, then one row per category (and a total)."""
    days = [d.iso for d in event.days]
    header = [_("Catégorie"), *(event.day_label(d, language()) for d in days)]
    extra = any("" in row for row in summary.table.values())
    if extra:
        header.append(_("sans jour"))
    rows: list[list[str]] = []
    totals = [0] * (len(days) + int(extra))
    for name, counts in summary.table.items():
        values = [counts.get(d, 0) for d in days] + ([counts.get("", 0)] if extra else [])
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append([category_label(event, name), *(str(v) for v in values)])
    rows.append([_("Total"), *(str(v) for v in totals)])
    return header, rows


def _grid(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = [
        "  "
        + header[0].ljust(widths[0])
        + "".join("  " + h.rjust(w) for h, w in zip(header[1:], widths[1:], strict=True))
    ]
    for row in rows:
        fmt.append(
            "  "
            + row[0].ljust(widths[0])
            + "".join("  " + c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True))
        )
    return fmt


def lines(summary: Any, event: EventConfig, *, details: bool = True) -> list[str]:
    """The import's report, line by line (French first, as every message)."""
    if summary.kind != "registrations":
        return []
    out = _layout_lines(summary, details)
    out += _ticket_type_lines(summary, event)
    if summary.table:
        out.append(_("Catégorie × jour (inscriptions non annulées) :"))
        out += _grid(*table_rows(summary, event))
    out += _status_lines(summary)
    out += wild.lines(summary)
    out += _skipped_lines(summary, details)
    out += _default_lines(summary, event, details)
    return out


def _layout_lines(summary: Any, details: bool) -> list[str]:
    """The layout recognised, and (in detail) the column each field was read from."""
    where = summary.file.get("format", "").upper()
    if summary.file.get("delimiter"):
        where += f" « {summary.file['delimiter']} »"
    if summary.file.get("sheet"):
        where += _(", feuille « {sheet} »", sheet=summary.file["sheet"])
    out = [_("Format reconnu : {layout} — {where}", layout=summary.layout, where=where)]
    if not details:
        return out
    out.append(_("Colonnes lues :"))
    width = max((len(field_label(f)) for f in summary.columns), default=0)
    for name, header in summary.columns.items():
        out.append(f"  {field_label(name).ljust(width)}  ← « {header} »")
    if summary.own_codes:
        out.append(
            _(
                "  (aucun code scannable dans l'export : {n} codes attribués par checkin, "
                "les mêmes à chaque import)",
                n=summary.own_codes,
            )
        )
    return out


def _ticket_type_lines(summary: Any, event: EventConfig) -> list[str]:
    """Each ticket type and what it became, flagged where a default decided."""
    if not summary.ticket_types:
        return []
    out = [_("Types de billet :")]
    for t in summary.ticket_types:
        flags = []
        if t["category_default"]:
            flags.append(_("catégorie par défaut"))
        if t["days_default"]:
            flags.append(_("jours par défaut"))
        note = f"  ⚠ {', '.join(flags)}" if flags else ""
        out.append(
            f"  « {t['ticket_type'] or '—'} » → {category_label(event, t['category'])} · "
            f"{days_label(event, t['days'])}  ({t['count']}){note}"
        )
    return out


def _status_lines(summary: Any) -> list[str]:
    """The statuses, most frequent first, and the people the ticketing already checked in."""
    out: list[str] = []
    if summary.statuses:
        words = {
            "confirmed": _("confirmées"),
            "pending": _("paiement en attente"),
            "waitlisted": _("liste d'attente"),
            "cancelled": _("annulées"),
        }
        out.append(
            _("Statuts : ")
            + ", ".join(
                f"{words.get(k, k)} {v}" for k, v in sorted(summary.statuses.items(), key=lambda x: -x[1])
            )
        )
    if summary.platform_checkins:
        out.append(
            _(
                "{n} personnes déjà enregistrées par la billetterie (montré sur leur fiche, non compté comme arrivée).",
                n=summary.platform_checkins,
            )
        )
    return out


def _skipped_lines(summary: Any, details: bool) -> list[str]:
    if not summary.skipped:
        return []
    out = [_("Lignes qui ne sont pas des personnes (ignorées) : {n}", n=len(summary.skipped))]
    if details:
        out += [_("  ligne {row} : {reason}", row=s["row"], reason=s["reason"]) for s in summary.skipped]
    return out


def _default_lines(summary: Any, event: EventConfig, details: bool) -> list[str]:
    """The rows that fell to a default category or days, so nobody finds out at the desk."""
    if not summary.defaults:
        return []
    out = [_("Lignes tombées sur un défaut ({n}) :", n=len(summary.defaults))]
    if not details:
        return out
    for d in summary.defaults:
        what = " + ".join(
            _("catégorie {name}", name=category_label(event, d["category"]))
            if w == "category"
            else _("jours : {days}", days=days_label(event, d["days"]))
            for w in d["defaults"]
        )
        out.append(
            _(
                "  ligne {row} : {name} — « {ticket} » → {what}",
                row=d["row"],
                name=d["name"],
                ticket=d["ticket_type"] or "—",
                what=what,
            )
        )
    return out
