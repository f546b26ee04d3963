"""One export row → one clean registration record, or the reason it cannot be one."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import lru_cache

from checkin.base.i18n import _
from checkin.base.text import clean, clean_email, clean_phone, display_name, fold, search_columns
from checkin.event.model import EventConfig
from checkin.importer import dates
from checkin.importer.mapping import Mapping
from checkin.importer.platforms import Profile
from checkin.replica import attendees, models

STATUSES: dict[str, str] = {}
for _status, _names in {
    "confirmed": (
        "confirmée",
        "confirmé",
        "confirmed",
        "attending",
        "validée",
        "validé",
        "payée",
        "payé",
        "paid",
        "complete",
        "completed",
        "registered",
        "inscrit",
        "inscrite",
        "active",
        "approved",
        "accepted",
        "ok",
        "checked in",
    ),
    "cancelled": (
        "annulée",
        "annulé",
        "annulation",
        "cancelled",
        "canceled",
        "refunded",
        "remboursée",
        "remboursé",
        "declined",
        "deleted",
        "not attending",
        "void",
    ),
    "pending": (
        "paiement en attente",
        "payment pending",
        "non payé",
        "non payée",
        "unpaid",
        "awaiting payment",
    ),
    "waitlisted": (
        "en attente",
        "liste d'attente",
        "waitlist",
        "waitlisted",
        "wait list",
        "pending",
        "on hold",
    ),
}.items():
    for _name in _names:
        STATUSES[fold(_name)] = _status

NAMESPACE = uuid.UUID("6f1c2a9e-3b57-4c1e-9d0a-5e8f7b2c4a10")


def attendee_uid(event_id: str, registration: str) -> str:
    """Every desk derives the same uid from the same registration, without talking."""
    h = hashlib.blake2b(f"{event_id}:{registration}".encode(), digest_size=16).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# Bump when cleaning rules change, so the next import re-cleans every row.
CLEANING_VERSION = "2"


def row_hash(cells: list[str], context: str = "") -> str:
    """What tells an unchanged row from a changed one: the export's cells as read, and
    the context they were read in (the event's categories, days and ticket-type rules,
    the column mapping): a changed rule re-reads every row."""
    text = CLEANING_VERSION + context + "\x1e" + "\x1f".join(cells)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass
class Record:
    uid: str
    registration: str
    code: str
    status: str
    registered_at: str
    title: str
    first_name: str
    last_name: str
    first_name_raw: str
    last_name_raw: str
    native_name: str
    function: str
    organisation: str
    organisation_type: str
    country: str
    category: str
    delegation: str
    email: str
    phone: str
    days: str
    workshops: str
    regional_meeting: str
    language: str
    person_key: str
    row_hash: str
    raw: str
    search_names: str
    search_org: str
    search_email: str
    dietary: str
    accessibility: str
    platform_checkin: str = ""  # a check-in the platform recorded: shown, never counted
    ticket_type: str = ""
    category_default: bool = False
    days_default: bool = False
    date_unread: bool = False  # registered_at kept as written: no date we can read

    def values(self) -> dict[str, str]:
        return dict(self.__dict__)


# A record holds a value for every column of the model an import writes (an import sets
# ``source`` and ``live_uid`` itself), then what the import report needs. Its fields are
# spelled out for the type checker; the module refuses to load if they drift from the model.
_COLUMNS = {c for c in attendees.STORED if c not in ("source", "live_uid")} | {
    c.name for c in models.table(models.SensitiveInfo).columns if not c.primary_key
}
if {f.name for f in fields(Record)} - {
    "ticket_type",
    "category_default",
    "days_default",
    "date_unread",
} != _COLUMNS:
    raise TypeError(f"Record's fields must be the model's columns an import writes: {sorted(_COLUMNS)}")


class RowError(ValueError):
    """A row that cannot be imported; the message says why, for the report."""


def parse_date(value: str, month_first: bool = False) -> str:
    """A registration date as ISO 8601; :class:`RowError` when it cannot be read (the
    import keeps such a date as written instead: see :func:`_registered_at`)."""
    text = clean(value)
    if not text:
        return ""
    found = dates.read(text, month_first)
    if found is None:
        raise RowError(_("date d'inscription illisible « {value} »", value=text))
    return found


def _registered_at(value: str, profile: Profile | None) -> tuple[str, bool]:
    """The date read, or (a date is information, never a reason to refuse a registration)
    the text as written and ``True``, so the summary says it once."""
    if not value:
        return "", False
    found = dates.read(value, profile is not None and profile.month_first)
    return (value, True) if found is None else (found, False)


def parse_status(value: str, profile: Profile | None = None) -> str:
    text = fold(clean(value))
    if not text:
        return "confirmed"
    status = profile.status(text) if profile is not None else None
    if status is None:
        status = STATUSES.get(text)
    if status is None:
        raise RowError(_("statut inconnu « {value} »", value=clean(value)))
    return status


def _split_full_name(full: str) -> tuple[str, str]:
    parts = full.split(" ")
    if len(parts) == 1:
        return "", full
    # "DUPONT Jean" (surname in capitals first) or "Jean Dupont".
    caps = [p for p in parts if p.isupper() and len(p) > 1]
    if caps and parts[0] in caps:
        n = len([p for p in parts if p in caps])
        return " ".join(parts[n:]), " ".join(parts[:n])
    # "Élodie de La Tour du Pin", "Ludwig van Beethoven": a particle written in lower case
    # starts the surname (pretix's single-field names, its JSON export).
    for i, part in enumerate(parts[1:-1], start=1):
        if part in _PARTICLES:
            return " ".join(parts[:i]), " ".join(parts[i:])
    return " ".join(parts[:-1]), parts[-1]


_PARTICLES = frozenset(
    (
        "de",
        "du",
        "des",
        "da",
        "di",
        "do",
        "dos",
        "das",
        "del",
        "della",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "zu",
    )
)


@lru_cache(maxsize=4096)
def _codes_list(value: str) -> str:
    codes = [clean(c) for c in re.split(r"[;,/|\n]+", value)]
    return ",".join(c.upper() for c in codes if c)


def _clean_all(values: dict[str, str]) -> None:
    """Clean every cell read (see :func:`clean`), checking the whole row at once: most rows
    are already NFC and printable, and then only stray spaces need work."""
    joined = " ".join(values.values())
    if unicodedata.is_normalized("NFC", joined) and joined.isprintable():
        cut = "\x1f".join(values.values())  # a cell's edges show beside a separator
        if (
            "  " not in cut
            and " \x1f" not in cut
            and "\x1f " not in cut
            and cut[:1] != " "
            and cut[-1:] != " "
        ):
            return
        for key, value in values.items():
            if value[:1] == " " or value[-1:] == " " or "  " in value:
                values[key] = _SPACES.sub(" ", value).strip()
        return
    for key, value in values.items():
        values[key] = clean(value)


_SPACES = re.compile(r"\s+")


class RowSkipped(ValueError):
    """A row that is not a person (a pretix add-on such as a lunch): counted, not rejected."""


class AddOnRow(RowSkipped):
    """An add-on position whose parent the export names: its person's entitlement."""

    def __init__(self, message: str, parent: str, product: str) -> None:
        super().__init__(message)
        self.parent = parent
        self.product = product


def build(
    event: EventConfig, mapping: Mapping, cells: list[str], context: str = "", digest: str = ""
) -> Record:
    n = len(cells)
    v = {f: cells[i] for f, i in mapping.columns.items() if i < n}
    profile = mapping.profile
    if profile is not None and profile.finish is not None:
        profile.finish(profile, v)
    workshops = v.get("workshops", "")  # its line breaks separate codes: split before cleaning
    _clean_all(v)
    get = v.get
    if get("addon_to", ""):
        raise AddOnRow(
            _("option rattachée à la position {ref}", ref=get("addon_to", "")),
            f"{get('order', '')}-{get('addon_to', '')}",
            get("ticket_type", ""),
        )
    first_raw, last_raw, native = _given_names(get)
    registration, code = _registration_and_code(mapping, get, event.code_case)
    status = get("_status") or parse_status(get("status", ""), profile)
    registered_at, date_unread = _registered_at(get("registered_at", ""), profile)
    email, email_ok = clean_email(get("email", ""))
    if not email_ok and get("payer_email"):
        email, email_ok = clean_email(get("payer_email", ""))
    first = display_name(first_raw)
    last = display_name(last_raw, surname=True)
    organisation = get("organisation", "")
    country = get("country", "")
    delegation = get("delegation", "")
    category_value = get("category", "")
    ticket = get("ticket_type", "") or category_value
    days_text = get("days", "")
    kind = event.ticket_type(ticket, category_value, days_text)
    if days_text and kind.days_default:
        raise RowError(_("jours inconnus « {value} »", value=days_text))
    person_key = ""
    if email_ok:
        person_key = "|".join((email, fold(first), fold(last), fold(organisation)))
    search = search_columns(
        (first, last, native, first_raw, last_raw), (organisation, delegation, country), email
    )
    checked = get("checked_in", "")
    return Record(
        uid=attendee_uid(event.id, registration),
        registration=registration,
        code=code,
        status=status,
        registered_at=registered_at,
        title=get("title", ""),
        first_name=first,
        last_name=last,
        first_name_raw=first_raw,
        last_name_raw=last_raw,
        native_name=native,
        function=get("function", ""),
        organisation=organisation,
        organisation_type=get("organisation_type", ""),
        country=country,
        category=kind.category.name,
        delegation=delegation,
        email=email,
        phone=clean_phone(get("phone", ""), event.phone_region) if get("phone") else "",
        days=",".join(kind.days),
        workshops=_codes_list(workshops) if workshops else "",
        regional_meeting=get("regional_meeting", ""),
        language=get("language", "").upper()[:8],
        person_key=person_key,
        row_hash=digest or row_hash(cells, context),
        raw=_raw_json(cells),
        search_names=search["search_names"],
        search_org=search["search_org"],
        search_email=search["search_email"],
        dietary=get("dietary", ""),
        accessibility=get("accessibility", ""),
        platform_checkin=f"{profile.label.split(' —')[0]} : {checked}" if checked and profile else checked,
        ticket_type=ticket,
        category_default=kind.category_default,
        days_default=kind.days_default,
        date_unread=date_unread,
    )


def _given_names(get: Callable[[str, str], str]) -> tuple[str, str, str]:
    """The first, last and native names as given: the participant's, split from a full
    name, or (HelloAsso and others) the payer's when the participant's are empty."""
    first_raw = get("first_name", "")
    last_raw = get("last_name", "")
    native = get("native_name", "")
    if not (first_raw or last_raw):
        full = get("full_name", "")
        if full:
            first_raw, last_raw = _split_full_name(full)
    if not (first_raw or last_raw or native):
        first_raw, last_raw = get("payer_first_name", ""), get("payer_last_name", "")
    if not (first_raw or last_raw or native):
        raise RowError(_("ni nom ni prénom"))
    return first_raw, last_raw, native


def _registration_and_code(
    mapping: Mapping, get: Callable[[str, str], str], code_case: str = ""
) -> tuple[str, str]:
    """The registration number and the ticket code (empty when checkin makes the codes:
    they are made in apply, where the codes already given are known)."""
    registration = get("registration", "")
    code = get("code", "").replace(" ", "")
    if not _kept_exact(code, code_case):
        code = code.upper()
    if mapping.own_codes:
        if not registration:
            raise RowError(_("ni code billet ni numéro d'inscription"))
        return registration, ""
    if not code:
        raise RowError(_("code billet vide"))
    if _DAMAGED.fullmatch(code):
        raise RowError(
            _(
                "code billet abîmé « {value} » : le tableur l'a enregistré comme un nombre et en a "
                "perdu des chiffres ; exportez la liste en CSV",
                value=code,
            )
        )
    if len(code) > 128 or not _CODE.fullmatch(code):
        raise RowError(_("code billet invalide « {value} »", value=code[:64]))
    return registration or code, code


# json.dumps(cells, ensure_ascii=False), without building an encoder for every row.
_raw_json = json.JSONEncoder(ensure_ascii=False).encode
_CODE = re.compile(r"[0-9A-Za-z+/=][0-9A-Za-z_.\-/+=]*")


def _kept_exact(code: str, code_case: str) -> bool:
    """Whether ``code`` is compared as written: always under ``code_case = "exact"``, never
    under ``"fold"``; by default when folding would lose something — both cases in one code
    (pretix's base64 secrets, ``pretix_sig1``), or base64's ``+ / =``."""
    if code_case:
        return code_case == "exact"
    return (code != code.upper() and code != code.lower()) or any(c in code for c in "+/=")


_DAMAGED = re.compile(r"-?\d\.\d+E[+-]?\d+")
