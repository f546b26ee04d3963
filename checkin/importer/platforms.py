"""The ticketing platforms' exports, recognised by their headers and read as they are written.

Each platform writes its own columns in its own words (and pretix in the organiser's
language), puts the category and the day inside the ticket type, says payment and refunds
in its own status words, and carries its own scannable code — or none. A :class:`Profile`
says all that for one export layout; :func:`detect` picks the profile whose headers the
file has. ``docs/imports.md`` records, per platform, the public sources each profile was
written from and what each column becomes.

Fields a profile may read beyond the registration fields of :mod:`checkin.importer.mapping`:
``order`` and ``position`` (the registration number is built from them), ``ticket_type``
and ``variation`` (the ticket type's text), ``paid`` (a yes/no column), ``checked_in``
(a check-in the platform already recorded), ``addon_to`` (pretix add-on positions, which are
not people), ``payer_email``, ``payer_first_name`` and ``payer_last_name`` (a fallback only).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from checkin.base import paths
from checkin.base.text import fold

Values = dict[str, str]


def header_key(header: str) -> str:
    """Headers compared folded: case, accents, punctuation and spacing ignored."""
    return re.sub(r"[^0-9a-z]+", " ", fold(header)).strip() or fold(header)


@dataclass(frozen=True)
class Profile:
    """One export layout: which header is which field, and how its words read."""

    key: str  # "pretix-checkin", "eventbrite", … ; "generic" for any other file
    platform: str  # "pretix", "eventbrite", "helloasso", "weezevent", "billetweb", ""
    label: str  # French, shown in the dry run and the window
    # field → headers (in any language), in the order columns are claimed: when two
    # columns share a name, the first goes to the field listed first.
    fields: tuple[tuple[str, tuple[str, ...]], ...]
    required: tuple[tuple[str, ...], ...]  # each tuple: one of these fields must be found
    statuses: dict[str, str] = field(default_factory=dict)  # folded word → our status
    yes: frozenset[str] = frozenset()  # folded words for "yes" in yes/no columns
    language: str = ""
    guarded: bool = False  # cells starting with = + - @ | % were prefixed with "'"
    finish: Callable[[Profile, Values], None] | None = None  # platform rules once columns are read
    sheets: tuple[str, ...] = ()  # XLSX sheet titles this layout is written in
    month_first: bool = False  # dates written MM/DD/YY (Eventbrite)

    def keys(self) -> dict[str, list[str]]:
        """Folded header → fields it may be, in claiming order."""
        out: dict[str, list[str]] = {}
        for name, headers in self.fields:
            for header in headers:
                fields = out.setdefault(header_key(header), [])
                if name not in fields:
                    fields.append(name)
        return out

    def status(self, value: str) -> str | None:
        return self.statuses.get(fold(value))


def unguard(cell: str) -> str:
    """pretix writes CSV through ``defusedcsv``: a cell starting with ``= + - @ | %`` (and
    not a plain number) gets a leading apostrophe, and its ``|`` become ``\\|``."""
    if len(cell) > 1 and cell[0] == "'" and (cell[1] in "=+-@%" or cell.startswith("'\\|")):
        return cell[1:].replace("\\|", "|")
    return cell


# -- pretix ------------------------------------------------------------------------------


@cache
def _pretix() -> dict[str, object]:
    path = paths.resources_dir() / "platforms" / "pretix.json"
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def pretix_languages() -> list[str]:
    languages: dict[str, object] = _pretix()["languages"]  # type: ignore[assignment]
    return list(languages)


def pretix_text(language: str, msgid: str) -> str:
    """What pretix writes for ``msgid`` in ``language`` (English when not translated)."""
    table: dict[str, dict[str, str]] = _pretix()["languages"]  # type: ignore[assignment]
    english = table["en"].get(msgid, msgid.split("|", 1)[-1])
    return table.get(language, {}).get(msgid, english)


def pretix_headers(language: str, kind: str) -> list[str]:
    """The headers of a pretix export as written in ``language``, without the optional
    name-part columns ("checkin_list" or "positions")."""
    return [pretix_text(language, m) for m in _pretix()[kind]]  # type: ignore[attr-defined]


def pretix_name_part(language: str, kind: str, part: str) -> str:
    """The header of one part of the attendee's name (``part`` a name-scheme msgid)."""
    label = pretix_text(language, part)
    if kind == "checkin_list":
        return pretix_text(language, "Attendee name: {part}").format(part=label)
    return pretix_text(language, "Attendee name") + ": " + label


_PRETIX_FIELDS = {
    # msgid → our field, in the exporters' column order (collisions are claimed in order)
    "checkin_list": (
        ("Order code", "order"),
        ("Attendee name", "full_name"),
        ("Product", "ticket_type"),
        ("Checked in", "checked_in"),
        ("Paid", "paid"),
        ("Secret", "code"),
        ("Email", "email"),
        ("E-mail", "email"),
        ("Phone number", "phone"),
        ("Company", "organisation"),
        ("Order date", "registered_at"),
        ("Country", "country"),
    ),
    "positions": (
        ("Order code", "order"),
        ("Position ID", "position"),
        ("Status", "status"),
        ("Email", "payer_email"),
        ("Phone number", "phone"),
        ("Order date", "registered_at"),
        ("Product", "ticket_type"),
        ("Variation", "variation"),
        ("Attendee name", "full_name"),
        ("Attendee email", "email"),
        ("Attendee company", "organisation"),
        ("Company", "organisation"),
        ("Country", "country"),
        ("Ticket secret", "code"),
        ("Add-on to position ID", "addon_to"),
        ("Check-in lists", "checked_in"),
    ),
}
_NAME_PARTS = {
    "Given name": "first_name",
    "First name": "first_name",
    "Family name": "last_name",
    "person_name|Title": "title",
    "person_name|Salutation": "title",
    "Full name": "full_name",
    "Name": "full_name",
}
_PRETIX_STATUS = {
    "paid": "confirmed",
    "order state|pending (confirmed)": "confirmed",
    "pending": "pending",
    "approval pending": "pending",
    "expired": "cancelled",
    "canceled": "cancelled",
    "canceled (paid fee)": "cancelled",
}


def _pretix_profile(language: str, kind: str) -> Profile:
    """One pretix export in one language, every header as pretix writes it there."""
    order: list[tuple[str, list[str]]] = []
    seen: dict[str, list[str]] = {}

    def add(name: str, header: str) -> None:
        if name not in seen:
            seen[name] = []
            order.append((name, seen[name]))
        if header not in seen[name]:
            seen[name].append(header)

    all_headers = _pretix()[kind]  # type: ignore[index]
    fields = dict(_PRETIX_FIELDS[kind])
    for msgid in all_headers:  # type: ignore[attr-defined]
        name = fields.get(msgid)
        if msgid == "Attendee name":
            for part, part_field in _NAME_PARTS.items():
                add(part_field, pretix_name_part(language, kind, part))
        if name:
            add(name, pretix_text(language, msgid))
            if language != "en":  # headers left untranslated in a language's catalog
                add(name, pretix_text("en", msgid))
    statuses = {fold(pretix_text(language, m)): s for m, s in _PRETIX_STATUS.items()}
    statuses.update({fold(m.split("|")[-1]): s for m, s in _PRETIX_STATUS.items()})
    label = {
        "checkin_list": "pretix — liste d'enregistrement",
        "positions": "pretix — données de commande (positions)",
    }[kind]
    sheet = "Order positions" if kind == "positions" else "Check-in list"
    return Profile(
        key=f"pretix-{'checkin' if kind == 'checkin_list' else 'positions'}",
        platform="pretix",
        label=f"{label} ({language})",
        fields=tuple((n, tuple(h)) for n, h in order),
        required=(("order",), ("ticket_type",), ("full_name", "last_name", "first_name"))
        + ((("position",), ("code",)) if kind == "positions" else ()),
        statuses=statuses,
        yes=frozenset({fold(pretix_text(language, "Yes")), "yes"}),
        language=language,
        guarded=True,
        finish=_finish_pretix,
        sheets=(pretix_text(language, sheet)[:30], sheet),
    )


def _finish_pretix(profile: Profile, v: Values) -> None:
    if v.get("variation"):
        v["ticket_type"] = f"{v.get('ticket_type', '')} – {v['variation']}"
    order = v.get("order", "")
    if v.get("position"):
        v["registration"] = f"{order}-{v['position']}"
    elif order:  # the check-in list has no position number: the order and the name
        v["registration"] = (
            f"{order}-{fold(v.get('full_name') or v.get('first_name', '') + v.get('last_name', ''))}"
        )
    if "paid" in v and not v.get("status"):  # the check-in list's "Paid": Yes / No
        v["_status"] = "confirmed" if is_yes(profile, v["paid"]) else "pending"


# -- Eventbrite, HelloAsso, Weezevent, Billetweb -------------------------------------------


def _eventbrite() -> Profile:
    return Profile(
        key="eventbrite",
        platform="eventbrite",
        label="Eventbrite — rapport des participants",
        fields=(
            ("order", ("Order #", "Order no.", "N° de commande", "Numéro de commande", "Bestellnummer")),
            ("registration", ("Attendee #", "Attendee ID", "N° de participant", "Teilnehmernummer")),
            ("registered_at", ("Order Date", "Date de la commande", "Date de commande", "Bestelldatum")),
            ("first_name", ("First Name", "Prénom", "Vorname")),
            ("last_name", ("Last Name", "Nom de famille", "Nom", "Nachname")),
            ("email", ("Email", "E-mail", "Adresse e-mail", "E-Mail")),
            ("ticket_type", ("Ticket Type", "Type de billet", "Ticketart", "Tickettyp")),
            ("order_type", ("Order Type", "Type de commande", "Bestelltyp")),
            ("status", ("Attendee Status", "Statut du participant", "Teilnehmerstatus")),
            ("code", ("Barcode #", "Barcode", "Code-barres", "N° de code-barres", "Barcode-Nr.")),
            ("function", ("Job Title", "Fonction", "Intitulé du poste", "Berufsbezeichnung")),
            ("organisation", ("Company", "Entreprise", "Société", "Unternehmen")),
            ("phone", ("Cell Phone", "Work Phone", "Téléphone portable", "Mobiltelefon")),
            ("country", ("Home Country", "Work Country", "Pays", "Land")),
        ),
        required=(("registration",), ("ticket_type",), ("status",)),
        statuses={
            fold(w): s
            for w, s in {
                "Attending": "confirmed",
                "Checked In": "confirmed",
                "Not Attending": "cancelled",
                "Deleted": "cancelled",
                "Refunded": "cancelled",
                "Transferred": "cancelled",
                "Participe": "confirmed",
                "Enregistré": "confirmed",
                "Ne participe pas": "cancelled",
                "Nimmt teil": "confirmed",
                "Eingecheckt": "confirmed",
                "Nimmt nicht teil": "cancelled",
            }.items()
        },
        finish=_finish_eventbrite,
        month_first=True,
    )


def _eventbrite_orders() -> Profile:
    """Eventbrite's orders report ("Export to Text": tab-separated, cells padded with
    spaces): one row per order, no barcode — each order gets a code of ours."""
    return Profile(
        key="eventbrite-orders",
        platform="eventbrite",
        label="Eventbrite — rapport des commandes",
        fields=(
            ("registration", ("Order ID", "Order #", "N° de commande")),
            ("registered_at", ("Order Date", "Date de la commande")),
            ("ticket_type", ("Type", "Ticket Type", "Type de billet")),
            ("status", ("Status", "Order Status", "Statut")),
            ("first_name", ("First Name", "Prénom")),
            ("last_name", ("Last Name", "Nom de famille")),
            ("email", ("Email Address", "Email", "Adresse e-mail")),
            ("organisation", ("Company", "Entreprise")),
            ("function", ("Job Title", "Fonction")),
        ),
        required=(("registration",), ("ticket_type",), ("status",), ("last_name", "first_name")),
        statuses={
            fold(w): s
            for w, s in {
                "Completed": "confirmed",
                "Attending": "confirmed",
                "Manual": "confirmed",
                "Offline": "confirmed",
                "Free Order": "confirmed",
                "Pending": "pending",
                "Unpaid": "pending",
                "Refunded": "cancelled",
                "Canceled": "cancelled",
                "Cancelled": "cancelled",
                "Deleted": "cancelled",
                "Transferred": "cancelled",
            }.items()
        },
        month_first=True,
    )


_EVENTBRITE_CHECKED_IN = frozenset(fold(w) for w in ("Checked In", "Enregistré", "Eingecheckt"))
_EVENTBRITE_UNPAID = frozenset(fold(w) for w in ("Pending", "Unpaid", "En attente", "Non payé", "Ausstehend"))


def _finish_eventbrite(profile: Profile, v: Values) -> None:
    if fold(v.get("status", "")) in _EVENTBRITE_CHECKED_IN:
        v["checked_in"] = v["status"]
    unpaid = fold(v.get("order_type", "")) in _EVENTBRITE_UNPAID
    if unpaid and profile.status(v.get("status", "")) == "confirmed":
        v["_status"] = "pending"


def _helloasso() -> Profile:
    return Profile(
        key="helloasso",
        platform="helloasso",
        label="HelloAsso — export des participants",
        fields=(
            ("order", ("Référence commande", "Numéro de commande", "Référence de la commande", "Commande")),
            ("registration", ("Référence billet", "Numéro de billet", "Numéro billet", "Référence")),
            ("registered_at", ("Date de la commande", "Date commande", "Date")),
            ("status", ("Statut de la commande", "Statut", "Statut du paiement")),
            ("last_name", ("Nom participant", "Nom du participant")),
            ("first_name", ("Prénom participant", "Prénom du participant")),
            ("email", ("Email participant", "E-mail participant", "Adresse email participant")),
            ("payer_last_name", ("Nom payeur", "Nom du payeur")),
            ("payer_first_name", ("Prénom payeur", "Prénom du payeur")),
            ("payer_email", ("Email payeur", "E-mail payeur", "Email du payeur")),
            ("organisation", ("Raison sociale", "Société", "Structure")),
            ("ticket_type", ("Tarif", "Formule", "Nom du tarif")),
            ("code", ("Code", "Code billet", "Code-barres", "Numéro QR code")),
        ),
        required=(("last_name", "first_name"), ("ticket_type",)),
        statuses={
            fold(w): s
            for w, s in {
                "Validé": "confirmed",
                "Validée": "confirmed",
                "Payé": "confirmed",
                "Autorisé": "confirmed",
                "En attente": "pending",
                "Remboursé": "cancelled",
                "Remboursée": "cancelled",
                "Annulé": "cancelled",
                "Annulée": "cancelled",
                "Refusé": "cancelled",
            }.items()
        },
        finish=_finish_names_and_order,
    )


def _weezevent() -> Profile:
    return Profile(
        key="weezevent",
        platform="weezevent",
        label="Weezevent — export des participants",
        fields=(
            ("registration", ("N° billet", "Numéro de billet", "N° de billet", "Billet")),
            ("code", ("Code-barres", "Code barre", "Code barres", "Codebarre")),
            ("order", ("N° commande", "N° de commande", "Numéro de commande")),
            ("registered_at", ("Date de commande", "Date d'achat")),
            ("status", ("Statut", "Statut du billet", "Statut de paiement")),
            ("checked_in", ("Composté", "Compostage", "Date de compostage")),
            ("last_name", ("Nom participant", "Nom")),
            ("first_name", ("Prénom participant", "Prénom")),
            ("email", ("Email participant", "E-mail", "Email")),
            ("payer_last_name", ("Nom acheteur",)),
            ("payer_first_name", ("Prénom acheteur",)),
            ("payer_email", ("Email acheteur", "E-mail acheteur")),
            ("ticket_type", ("Tarif", "Nom du tarif")),
            ("category", ("Catégorie", "Catégorie famille")),
            ("organisation", ("Société", "Structure", "Organisation")),
        ),
        required=(("checked_in",), ("ticket_type",), ("last_name", "first_name")),
        statuses={
            fold(w): s
            for w, s in {
                "Payé": "confirmed",
                "Validé": "confirmed",
                "Non payé": "pending",
                "Réservation": "pending",
                "En attente": "pending",
                "Remboursé": "cancelled",
                "Annulé": "cancelled",
                "Supprimé": "cancelled",
            }.items()
        },
        yes=frozenset({"oui", "yes", "1"}),
        finish=_finish_names_and_order,
    )


def _billetweb() -> Profile:
    """Billetweb's attendee list: the API's field names (``barcode``, ``used``,
    ``order_paid``…), which its CSV export repeats, or the back office's French labels."""
    return Profile(
        key="billetweb",
        platform="billetweb",
        label="Billetweb — export des participants",
        fields=(
            ("registration", ("id", "Billet", "N° billet", "Identifiant")),
            ("code", ("barcode", "Code barre", "Code-barres", "Code")),
            ("order", ("order_id", "Commande", "N° commande")),
            ("registered_at", ("order_date", "Date de commande", "Date commande")),
            ("paid", ("order_paid", "Payé", "Commande payée")),
            ("disabled", ("disabled", "Désactivé", "Annulé")),
            ("checked_in", ("used", "Utilisé", "Contrôlé", "Composté")),
            ("last_name", ("name", "Nom")),
            ("first_name", ("firstname", "Prénom")),
            ("email", ("email", "Email", "E-mail")),
            ("payer_last_name", ("order_name", "Nom acheteur")),
            ("payer_first_name", ("order_firstname", "Prénom acheteur")),
            ("payer_email", ("order_email", "Email acheteur")),
            ("ticket_type", ("ticket", "Tarif")),
            ("category", ("category", "Catégorie")),
            ("organisation", ("Société", "Structure")),
        ),
        required=(("checked_in",), ("ticket_type",), ("paid",), ("last_name", "first_name")),
        yes=frozenset({"oui", "yes", "1", "paye", "payee"}),
        finish=_finish_names_and_order,
    )


def _billetweb_back_office() -> Profile:
    """Billetweb's back-office export (UTF-16 with a BOM, tab-separated): ``Billet``,
    ``Codes-barres``, ``Date`` and ``Jour`` of the session, ``Tarif``… — recognised by the
    plural ``Codes-barres`` beside ``Billet`` and ``Tarif``, which no other layout writes."""
    base = _billetweb()
    return Profile(
        key="billetweb-export",
        platform="billetweb",
        label="Billetweb — export du back-office",
        fields=tuple((n, ("Codes-barres",) if n == "code" else h) for n, h in base.fields),
        required=(("registration",), ("code",), ("ticket_type",), ("last_name", "first_name")),
        yes=base.yes,
        finish=_finish_names_and_order,
    )


def _finish_names_and_order(profile: Profile, v: Values) -> None:
    """Platforms whose category lives in a "Catégorie" of tariffs, with payer columns."""
    if v.get("category"):  # Weezevent/Billetweb group tariffs in categories: both name it
        v["ticket_type"] = f"{v['category']} – {v.get('ticket_type', '')}".strip(" –")
        v.pop("category")
    if not v.get("registration") and v.get("order"):
        name = fold(v.get("first_name", "") + " " + v.get("last_name", ""))
        v["registration"] = f"{v['order']}-{name}"
    if "paid" in v and not v.get("status"):
        v["_status"] = "confirmed" if is_yes(profile, v["paid"]) else "pending"
    if is_yes(profile, v.get("disabled", "")):
        v["_status"] = "cancelled"
    if "checked_in" in v and fold(v["checked_in"]) in _NO:
        v["checked_in"] = ""
    elif v.get("checked_in") in ("1", "2"):  # Billetweb's "used": 1 checked in, 2 went out since
        v["checked_in"] = {"1": "composté", "2": "composté puis sorti"}[v["checked_in"]]


# -- choosing ---------------------------------------------------------------------------


@cache
def profiles() -> tuple[Profile, ...]:
    out = [_eventbrite(), _eventbrite_orders(), _helloasso(), _weezevent(), _billetweb()]
    out.append(_billetweb_back_office())
    for language in pretix_languages():
        out.append(_pretix_profile(language, "checkin_list"))
        out.append(_pretix_profile(language, "positions"))
    return tuple(out)


@dataclass(frozen=True)
class Match:
    profile: Profile
    columns: dict[str, int]
    score: int


def assign(profile: Profile, headers: list[str]) -> dict[str, int]:
    """Each field's column: headers matched folded, shared names claimed in order."""
    keys = profile.keys()
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        for name in keys.get(header_key(header), ()):
            if name not in columns:
                columns[name] = index
                break
    return columns


def detect(headers: list[str]) -> Match | None:
    """The platform layout the headers are, or ``None`` (read as a generic export)."""
    best: Match | None = None
    for profile in profiles():
        columns = assign(profile, headers)
        if not all(any(f in columns for f in need) for need in profile.required):
            continue
        score = len(columns) * 10 + (profile.language == "en")
        if best is None or score > best.score:
            best = Match(profile, columns, score)
    return best


_NO = frozenset(
    {"", "non", "no", "0", "false", "faux", "nein", "non composte", "jamais composte", "non utilise"}
)


def is_yes(profile: Profile, value: str) -> bool:
    return fold(value) in profile.yes
