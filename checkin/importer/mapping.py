"""Which column holds what: header synonyms in French and English, or a saved mapping.

Registration platforms name the same thing many ways ("Code billet", "Barcode", "Ticket
Code"…). Headers are compared folded (case, accents and punctuation ignored). A mapping
file (TOML or JSON: ``field = "Header as in the file"``) overrides the guesses.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from checkin.base.errors import ImportFileError
from checkin.base.i18n import _
from checkin.importer.platforms import Profile, detect, header_key

SYNONYMS: dict[str, tuple[str, ...]] = {
    "registration": (
        "N° inscription",
        "Numéro d'inscription",
        "No inscription",
        "Num inscription",
        "Inscription",
        "Référence",
        "Registration ID",
        "Registration number",
        "Registration",
        "Order",
        "Order ID",
        "Order number",
        "Order #",
        "Attendee ID",
        "Attendee #",
        "Reference",
        "Ref",
        "ID",
    ),
    "code": (
        "Code billet",
        "Code du billet",
        "Code",
        "Billet",
        "Code-barres",
        "Code barre",
        "Ticket code",
        "Ticket barcode",
        "Barcode",
        "Bar code",
        "QR code",
        "QR",
        "Ticket number",
        "Ticket ID",
        "Ticket #",
        "Secret",
        "Attendee barcode",
    ),
    "status": (
        "Statut",
        "État",
        "Etat",
        "Statut de l'inscription",
        "Status",
        "Attendee status",
        "Order status",
        "Registration status",
        "Ticket status",
    ),
    "registered_at": (
        "Date d'inscription",
        "Date de commande",
        "Inscrit le",
        "Registration date",
        "Order date",
        "Created",
        "Created at",
        "Date created",
        "Purchase date",
        "Date",
    ),
    "title": ("Civilité", "Titre de civilité", "Salutation", "Prefix", "Title"),
    "first_name": (
        "Prénom",
        "Prenom",
        "First name",
        "Firstname",
        "Given name",
        "Forename",
        "Attendee first name",
    ),
    "last_name": (
        "Nom",
        "Nom de famille",
        "Last name",
        "Lastname",
        "Surname",
        "Family name",
        "Attendee last name",
    ),
    "full_name": ("Nom complet", "Full name", "Name", "Attendee name", "Participant"),
    "native_name": (
        "Nom (écriture d'origine)",
        "Nom écriture d'origine",
        "Nom d'origine",
        "Nom en écriture originale",
        "Native name",
        "Name in native script",
        "Native script name",
        "Original script name",
    ),
    "function": (
        "Fonction",
        "Poste",
        "Titre",
        "Job title",
        "Job",
        "Position",
        "Role",
        "Function",
    ),
    "organisation": (
        "Structure",
        "Organisme",
        "Organisation",
        "Organization",
        "Société",
        "Entreprise",
        "Collectivité",
        "Company",
        "Company name",
        "Employer",
        "Institution",
        "Affiliation",
    ),
    "organisation_type": (
        "Type de structure",
        "Type d'organisme",
        "Type d'organisation",
        "Organisation type",
        "Organization type",
        "Company type",
        "Sector",
    ),
    "country": ("Pays", "Country", "Country of residence", "Nation"),
    "category": (
        "Catégorie badge",
        "Catégorie",
        "Type de billet",
        "Tarif",
        "Badge category",
        "Category",
        "Ticket type",
        "Ticket",
        "Attendee type",
        "Registration type",
        "Ticket name",
    ),
    "delegation": ("Délégation", "Delegation", "Group", "Groupe"),
    "email": (
        "Email",
        "E-mail",
        "Courriel",
        "Mail",
        "Adresse e-mail",
        "Adresse email",
        "Email address",
        "Attendee email",
        "E-mail address",
    ),
    "phone": (
        "Téléphone",
        "Tél",
        "Tel",
        "Portable",
        "Mobile",
        "Phone",
        "Phone number",
        "Mobile phone",
        "Cell phone",
        "Telephone",
    ),
    "days": ("Jours", "Jour", "Dates", "Jours de présence", "Days", "Day", "Attendance days"),
    "workshops": ("Ateliers", "Sessions", "Workshops", "Breakout sessions"),
    "regional_meeting": ("Réunion régionale", "Regional meeting", "Region meeting"),
    "dietary": (
        "Régime alimentaire",
        "Régime",
        "Allergies",
        "Dietary requirements",
        "Dietary needs",
        "Dietary restrictions",
        "Diet",
    ),
    "accessibility": (
        "Accessibilité",
        "Besoins d'accessibilité",
        "Handicap",
        "Accessibility",
        "Accessibility needs",
        "Special needs",
        "Special requirements",
    ),
    "language": ("Langue", "Langue préférée", "Language", "Preferred language"),
}

# Fields that only platform layouts read (see :mod:`checkin.importer.platforms`); a saved
# mapping may name them too.
EXTRA_FIELDS = (
    "ticket_type",
    "variation",
    "order",
    "position",
    "paid",
    "checked_in",
    "payer_email",
    "payer_first_name",
    "payer_last_name",
    "addon_to",
    "order_type",
    "disabled",
)
SYNONYMS["ticket_type"] = ("Type de billet", "Ticket type", "Product", "Produit")
SYNONYMS["checked_in"] = ("Déjà enregistré", "Checked in", "Enregistré le")
FIELDS = tuple(SYNONYMS) + tuple(f for f in EXTRA_FIELDS if f not in SYNONYMS)
# Without these nothing can be scanned or printed.
REQUIRED_ANY_NAME = ("last_name", "first_name", "full_name", "native_name")

LABELS = {
    "code": "code billet (Code billet / Barcode / Ticket Code)",
    "name": "nom (Nom / Prénom / Last Name / First Name)",
}


_key = header_key

_INDEX: dict[str, str] = {}
for _field, _names in SYNONYMS.items():
    for _name in _names:
        _INDEX.setdefault(_key(_name), _field)


@dataclass(frozen=True)
class Mapping:
    """Field name → column index in the file, and the platform layout it was read as."""

    columns: dict[str, int]
    headers: tuple[str, ...]
    profile: Profile | None = None  # None: our own layout or any other file
    own_codes: bool = False  # the export has no scannable code: the desk makes its own

    @property
    def label(self) -> str:
        return self.profile.label if self.profile else _("export générique (en-têtes reconnus)")

    def header(self, field: str) -> str:
        index = self.columns.get(field)
        return self.headers[index] if index is not None and index < len(self.headers) else ""

    def get(self, cells: list[str], field: str) -> str:
        index = self.columns.get(field)
        if index is None or index >= len(cells):
            return ""
        return cells[index]


def load_mapping_file(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ImportFileError(
            _("Fichier de correspondance illisible ({path}) : {error}", path=path, error=exc)
        ) from exc
    table = data.get("columns", data)
    unknown = [k for k in table if k not in FIELDS]
    if unknown:
        raise ImportFileError(
            _(
                "Fichier de correspondance : champ(s) inconnu(s) {fields} ; champs possibles : {known}.",
                fields=", ".join(unknown),
                known=", ".join(FIELDS),
            )
        )
    return {str(k): str(v) for k, v in table.items()}


def build(headers: list[str], saved: dict[str, str] | None = None) -> Mapping:
    """Map the file's headers to fields; a clear error when the essentials are missing.

    A platform's export (recognised by its headers) is read with that platform's layout;
    any other file by the synonyms above. A saved mapping overrides either, field by field.
    """
    columns: dict[str, int] = {}
    keys = [_key(h) for h in headers]
    found = detect(headers)
    if found is not None:
        columns = dict(found.columns)
        _apply_saved(columns, keys, headers, saved)
        if not any(f in columns for f in REQUIRED_ANY_NAME):
            raise ImportFileError(
                _(
                    "Colonne obligatoire manquante : {column}. Colonnes trouvées : {found}. "
                    "Indiquez la correspondance avec --mapping.",
                    column=LABELS["name"],
                    found=_found(headers),
                )
            )
        return Mapping(columns, tuple(headers), found.profile, own_codes="code" not in columns)
    blocked = {f for f, h in (saved or {}).items() if not h}  # "field = ''": not read at all
    if saved:
        for field, header in saved.items():
            if not header:
                continue
            try:
                columns[field] = keys.index(_key(header))
            except ValueError as exc:
                raise ImportFileError(
                    _(
                        "La colonne « {header} » de la correspondance est absente du fichier. "
                        "Colonnes trouvées : {found}.",
                        header=header,
                        found=_found(headers),
                    )
                ) from exc
    for index, key in enumerate(keys):
        guessed = _INDEX.get(key)
        if guessed and guessed not in columns and guessed not in blocked and index not in columns.values():
            columns[guessed] = index
    shown = tuple(headers)
    if "code" not in columns:
        raise ImportFileError(
            _(
                "Colonne obligatoire manquante : {column}. Colonnes trouvées : {found}. "
                "Indiquez la correspondance avec --mapping.",
                column=LABELS["code"],
                found=_found(headers),
            )
        )
    if not any(f in columns for f in REQUIRED_ANY_NAME):
        raise ImportFileError(
            _(
                "Colonne obligatoire manquante : {column}. Colonnes trouvées : {found}. "
                "Indiquez la correspondance avec --mapping.",
                column=LABELS["name"],
                found=_found(headers),
            )
        )
    return Mapping(columns, shown)


def _apply_saved(
    columns: dict[str, int], keys: list[str], headers: list[str], saved: dict[str, str] | None
) -> None:
    for field, header in (saved or {}).items():
        if not header:  # "field = ''": do not read that field at all
            columns.pop(field, None)
            continue
        try:
            index = keys.index(_key(header))
        except ValueError as exc:
            raise ImportFileError(
                _(
                    "La colonne « {header} » de la correspondance est absente du fichier. "
                    "Colonnes trouvées : {found}.",
                    header=header,
                    found=_found(headers),
                )
            ) from exc
        for other, at in list(columns.items()):
            if at == index and other != field:
                del columns[other]
        columns[field] = index


def _found(headers: list[str]) -> str:
    shown = [h.strip() for h in headers if h.strip()]
    text = ", ".join(f"« {h[:40]} »" for h in shown[:30])
    return text or _("aucune")
