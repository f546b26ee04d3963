"""Exports written the way the ticketing platforms write them, for the import tests.

Nothing here comes from checkin's own code: the pretix headers below are the strings
pretix 2026.8.0 writes (its exporters' column order, each language's ``django.mo``), the
CSV dialects and the apostrophe guard are pretix's ``ListExporter`` and ``defusedcsv``, the
XLSX is written as pretix's ``SafeWorkbook`` does (write-only, strings starting with "=" kept
as strings, numbers as numbers). The other platforms' layouts are those recorded in
``docs/imports.md``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

# fmt: off
PRETIX: dict[str, dict[str, Any]] = {
    'en': {
        'checkin_list': ['Order code', 'Attendee name', 'Attendee name: Given name', 'Attendee name: Family name', 'Product', 'Price', 'Checked in', 'Checked out', 'Automatically checked in', 'Paid', 'Secret', 'Email', 'Phone number', 'Company', 'Voucher code', 'Order date', 'Order time', 'Requires special attention', 'Comment', 'Check-in text', 'Seat ID', 'Seat name', 'Seat zone', 'Seat row', 'Seat number', 'Blocked', 'Valid from', 'Valid until', 'Address', 'ZIP code', 'City', 'Country', 'State'],
        'positions': ['Event slug', 'Event name', 'Order code', 'Position ID', 'Status', 'Email', 'Phone number', 'Order date', 'Order time', 'Product', 'Product ID', 'Variation', 'Variation ID', 'Price', 'Tax rate', 'Tax rule', 'Tax value', 'Attendee name', 'Attendee name: Given name', 'Attendee name: Family name', 'Attendee email', 'Attendee company', 'Address', 'ZIP code', 'City', 'Country', 'State', 'Voucher', 'Voucher budget usage', 'Voucher tag', 'Pseudonymization ID', 'Ticket secret', 'Seat ID', 'Seat name', 'Seat zone', 'Seat row', 'Seat number', 'Blocked', 'Valid from', 'Valid until', 'Order comment', 'Follow-up date', 'Add-on to position ID', 'Invoice address company', 'Invoice address name', 'Invoice address name: Given name', 'Invoice address name: Family name', 'Invoice address street', 'Invoice address ZIP code', 'Invoice address city', 'Invoice address country', 'Invoice address state', 'VAT ID', 'Sales channel', 'Order locale', 'Email address verified', 'External customer ID', 'Check-in lists', 'Payment providers', 'Position order link'],
        'values': ['Yes', 'No', 'paid', 'pending', 'canceled', 'expired', 'pending (confirmed)'],
        'sheet_positions': 'Order positions', 'sheet_checkin': 'Check-in list', 'sheet_orders': 'Orders',
    },
    'fr': {
        'checkin_list': ['Code de commande', 'Nom du participant', 'Nom du participant : Prénom', 'Nom du participant : Nom de famille', 'Produit', 'Prix', 'Enregistrement effectué', 'Passé en caisse', 'Enregistrement automatique', 'Payé', 'Secret', 'E-Mail', 'Numéro de téléphone', 'Entreprise', "Code du bon d'achat", 'Date de commande', 'Heure de commande', 'Nécessite une attention particulière', 'Commentaire', "Texte d'enregistrement", 'ID du siège', 'Nom du siège', 'Zone du siège', 'Rangée de sièges', 'Nom du siège', 'Bloqué', 'Valable depuis', "Valable jusqu'au", 'Adresse', 'Code postal', 'Ville', 'Pays', 'État'],
        'positions': ["Titre de l'événement", "Nom de l'événement", 'Code de commande', 'ID de la position', 'Statut', 'E-Mail', 'Numéro de téléphone', 'Date de commande', 'Heure de commande', 'Produit', 'ID produit', 'Variante', 'ID variant', 'Prix', "Taux d'imposition", 'Règle fiscale', 'Valeur fiscale', 'Nom du participant', 'Nom du participant: Prénom', 'Nom du participant: Nom de famille', 'E-mail du participant', 'Entreprise du participant', 'Adresse', 'Code postal', 'Ville', 'Pays', 'État', 'Bon', 'Utilisation du budget des bons', 'Code du bon', 'ID pseudonyme', 'Secret du billet', 'ID du siège', 'Nom du siège', 'Zone du siège', 'Rangée de sièges', 'Nom du siège', 'Bloqué', 'Valable depuis', "Valable jusqu'au", 'Commentaire de commande', 'Date de suivi', 'Add-on à la position ID', "Adresse de facturation de l'entreprise", "Nom de l'adresse de facturation", "Nom de l'adresse de facturation: Prénom", "Nom de l'adresse de facturation: Nom de famille", 'Adresse de facturation (rue)', 'Adresse de facturation (Code postal)', 'Adresse de facturation (ville)', 'Adresse de facturation (pays)', "Région de l'adresse de facturation", 'Identifiant de TVA', 'Canal de vente', 'Langue de la commande', 'Adresse e-mail vérifiée', 'Identifiant de commerçant externe', "Listes d'enregistrement", 'Fournisseurs de paiement', 'Lien vers la commande'],
        'values': ['Oui', 'Non', 'Payé', 'en attente', 'annulé', 'expiré', 'en attente (confirmé)'],
        'sheet_positions': 'Position de commande', 'sheet_checkin': "Liste d'enregistrement", 'sheet_orders': 'Commandes',
    },
    'de': {
        'checkin_list': ['Bestellnummer', 'Name Teilnehmer*in', 'Teilnehmer*innenname: Vorname', 'Teilnehmer*innenname: Nachname', 'Produkt', 'Preis', 'Eingecheckt', 'Ausgetreten', 'Automatisch eingecheckt', 'bezahlt', 'Secret', 'E-Mail', 'Telefonnummer', 'Firma', 'Gutscheincode', 'Bestelldatum', 'Bestelluhrzeit', 'Benötigt besondere Behandlung', 'Kommentar', 'Check-in-Hinweis', 'Sitzplatz-ID', 'Sitzbezeichnung', 'Sitzbereich', 'Sitzreihe', 'Sitzplatz-Nummer', 'Gesperrt', 'Gültig ab', 'Gültig bis', 'Adresse', 'Postleitzahl', 'Stadt', 'Land', 'Bundesstaat'],
        'positions': ['Kurzname der Veranstaltung', 'Veranstaltungstitel', 'Bestellnummer', 'Position', 'Status', 'E-Mail', 'Telefonnummer', 'Bestelldatum', 'Bestelluhrzeit', 'Produkt', 'Produkt-ID', 'Variante', 'Varianten-ID', 'Preis', 'Steuersatz', 'Steuerregel', 'Steuer', 'Name Teilnehmer*in', 'Name Teilnehmer*in: Vorname', 'Name Teilnehmer*in: Nachname', 'E-Mail Teilnehmer*in', 'Teilnehmer*innen-Firma', 'Adresse', 'Postleitzahl', 'Stadt', 'Land', 'Bundesstaat', 'Gutschein', 'Verwendetes Gutscheinbudget', 'Gutschein-Tag', 'Pseudonyme ID', 'Ticket-Code', 'Sitzplatz-ID', 'Sitzbezeichnung', 'Sitzbereich', 'Sitzreihe', 'Sitzplatz-Nummer', 'Gesperrt', 'Gültig ab', 'Gültig bis', 'Bestellkommentar', 'Datum zur Wiedervorlage', 'Zusatzprodukt zu Position', 'Rechnungsadresse: Firma', 'Rechnungsadresse: Name', 'Rechnungsadresse: Name: Vorname', 'Rechnungsadresse: Name: Nachname', 'Rechnungsadresse: Straße', 'Rechnungsadresse: PLZ', 'Rechnungsadresse: Stadt', 'Rechnungsadresse: Land', 'Rechnungsadresse: Bundesstaat', 'USt-ID-Nr.', 'Verkaufskanal', 'Bestellsprache', 'E-Mail-Adresse verifiziert', 'Externe Kundennummer', 'Check-in-Listen', 'Zahlungsmethoden', 'Link zur Bestellposition'],
        'values': ['Ja', 'Nein', 'bezahlt', 'ausstehend', 'storniert', 'abgelaufen', 'ausstehend (bestätigt)'],
        'sheet_positions': 'Bestellzeilen', 'sheet_checkin': 'Check-in-Liste', 'sheet_orders': 'Bestellungen',
    },
    'es': {
        'checkin_list': ['Código del pedido', 'Nombre del asistente', 'Nombre del asistente: Nombre', 'Nombre del asistente: Apellido', 'Producto', 'Precio', 'Chequeado', 'Comprado', 'Registro automático', 'Pagado', 'Secreto', 'Correo electrónico', 'Número de teléfono', 'Empresa', 'Código del vale de compra', 'Fecha del pedido', 'Hora del pedido', 'Requiere una atención especial', 'Comentario', 'Texto de check-in', 'ID asiento', 'Nombre del asiento', 'Zona de la butaca', 'Fila de la butaca', 'Número de la butaca', 'Bloqueado', 'Válido desde', 'Válido hasta', 'Dirección', 'Código postal', 'Ciudad', 'País', 'Estado'],
        'positions': ['Slug del evento', 'Nombre del evento', 'Código del pedido', 'ID de posición', 'Estado', 'Correo electrónico', 'Número de teléfono', 'Fecha del pedido', 'Hora del pedido', 'Producto', 'ID Producto', 'Variacion', 'ID Variación', 'Precio', 'Tasas', 'Norma fiscal', 'Impuestos', 'Nombre del asistente', 'Nombre del asistente: Nombre', 'Nombre del asistente: Apellido', 'Correo electrónico del participante', 'Empresa asistente', 'Dirección', 'Código postal', 'Ciudad', 'País', 'Estado', 'Vale de compra', 'Uso del presupuesto del vale', 'Código de cupón', 'ID Seudónimo', 'Secreto de la entrada', 'ID asiento', 'Nombre del asiento', 'Zona de la butaca', 'Fila de la butaca', 'Número de la butaca', 'Bloqueado', 'Válido desde', 'Válido hasta', 'Comentario del pedido', 'Fecha de seguimiento', 'Add-on al ID de posición', 'Dirección de facturación de la empresa', 'Dirección de facturación', 'Dirección de facturación: Nombre', 'Dirección de facturación: Apellido', 'Calle de la dirección de facturación', 'Dirección de facturación Códigos postales', 'Ciudad de Facturación', 'Pais', 'Estado o provincia para la dirección de la factura', 'Identificador IVA', 'Canal de venta', 'Idioma del pedido', 'Correo electrónico verificado', 'ID Cliente externo', 'Lista de asistentes', 'Proveedores de pago', 'Enlace al pedido'],
        'values': ['Si', 'No', 'pagado', 'pendiente', 'cancelado', 'expirado', 'pendiente (confirmado)'],
        'sheet_positions': 'Posiciones del pedido', 'sheet_checkin': 'lista de asistentes', 'sheet_orders': 'Órdenes',
    },
}
# fmt: on

# pretix's helpers/safe_openpyxl.py: characters an XLSX (XML) cannot hold are removed.
ILLEGAL_XML = re.compile("[^\u0020-\ud7ff\u0009\u000a\u000d\ue000-\ufffd\U00010000-\U0010ffff]")

# Django's SHORT_DATETIME_FORMAT per language, as pretix writes "Checked in".
CHECKED_IN_AT = {
    "en": "07/08/2026 9:05 a.m.",
    "fr": "08/07/2026 09:05",
    "de": "08.07.2026 09:05",
    "es": "08/07/2026 09:05",
}
STATUS = {"p": 2, "n": 3, "c": 4, "e": 5}  # index in PRETIX[lang]["values"]


@dataclass
class Ticket:
    """One person's ticket, whatever the platform."""

    order: str
    first: str
    last: str
    email: str
    product: str
    variation: str = ""
    price: Decimal = Decimal("150.00")
    status: str = "p"  # pretix: p paid, n pending, c canceled, e expired
    secret: str = ""
    position: int = 1
    company: str = ""
    phone: str = ""
    comment: str = ""
    checked_in: bool = False
    addon_to: int | None = None


def defuse(value: Any) -> Any:
    """defusedcsv's escape (pretix writes every CSV through it): a cell starting with
    @ + - = | % that is not a plain number gets an apostrophe, its | become \\|."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text and text[0] in "@+-=|%" and not re.match(r"^-?[0-9,\.]+$", text):
        text = "'" + text.replace("|", "\\|")
    return text


def localize(value: Any, lang: str) -> Any:
    """Django's localize() of a Decimal, as pretix's CSV writer does."""
    if isinstance(value, Decimal):
        text = f"{value:.2f}"
        return text.replace(".", ",") if lang in ("fr", "de", "es") else text
    return value


def write_pretix(
    path: Path, rows: list[list[Any]], fmt: str, lang: str, sheets: dict[str, list[list[Any]]] | None = None
) -> Path:
    """pretix's ListExporter.render: 'default' (commas, every text quoted), 'csv-excel',
    'semicolon' (Excel dialect), or 'xlsx'. UTF-8, no BOM."""
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        wb = Workbook(write_only=True)
        for title, sheet_rows in (sheets or {"Sheet": rows}).items():
            ws = wb.create_sheet(title[:30])
            for row in sheet_rows:
                cells = []
                for value in row:
                    if isinstance(value, str):  # SafeWorkbook drops what XML cannot hold
                        value = ILLEGAL_XML.sub("", value)
                    cell = WriteOnlyCell(ws, value=value)
                    if cell.data_type == "f":  # SafeCell: a string starting with "=" stays a string
                        cell.data_type = "s"
                    cells.append(cell)
                ws.append(cells)
        wb.save(path)
        return path
    kwargs: dict[str, Any] = {"dialect": "excel"}
    if fmt == "default":
        kwargs = {"quoting": csv.QUOTE_NONNUMERIC, "delimiter": ","}
    elif fmt == "semicolon":
        kwargs["delimiter"] = ";"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, **kwargs)
        for row in rows:
            writer.writerow([defuse(localize(v, lang)) for v in row])
    return path


def pretix_checkin_list(
    path: Path,
    lang: str,
    tickets: Sequence[Ticket],
    fmt: str,
    *,
    secrets: bool = True,
    include_pending: bool = True,
) -> Path:
    """CSVCheckinList.iterate_list: one row per position of a paid (or pending) order."""
    headers = list(PRETIX[lang]["checkin_list"])
    values = PRETIX[lang]["values"]
    if not include_pending:
        headers.remove(PRETIX[lang]["checkin_list"][9])
    if not secrets:
        headers.remove(PRETIX[lang]["checkin_list"][10])
    rows: list[list[Any]] = [headers]
    for t in tickets:
        if t.status not in ("p", "n") or (t.status == "n" and not include_pending):
            continue
        row: list[Any] = [
            t.order, f"{t.first} {t.last}", t.first, t.last,
            t.product + (f" – {t.variation}" if t.variation else ""), t.price,
            CHECKED_IN_AT[lang] if t.checked_in else "", "", values[1],
        ]  # fmt: skip
        if include_pending:
            row.append(values[0] if t.status == "p" else values[1])
        if secrets:
            row.append(t.secret)
        row += [t.email, t.phone, t.company, "", "2026-05-04", "10:11:12", values[1], t.comment, ""]
        row += ["", "", "", "", "", "", "", "", "", "", "", "", ""]
        rows.append(row)
    sheet = PRETIX[lang]["sheet_checkin"]
    return write_pretix(path, rows, fmt, lang, {sheet: rows})


def pretix_order_data(path: Path, lang: str, tickets: Sequence[Ticket], fmt: str) -> Path:
    """OrderListExporter: the 'Order positions' sheet (a CSV holds that sheet alone; the
    XLSX holds the orders, the positions and the fees, in that order)."""
    values = PRETIX[lang]["values"]
    headers = list(PRETIX[lang]["positions"])
    rows: list[list[Any]] = [headers]
    for t in tickets:
        status = values[STATUS[t.status]] if t.status in STATUS else values[STATUS["p"]]
        row: list[Any] = [
            "aict2026", "Rencontres AICT 2026", t.order, t.position, status, t.email, t.phone,
            "2026-05-04", "10:11:12", t.product, 12, t.variation, 34 if t.variation else "",
            t.price, Decimal("20.00"), "TVA", Decimal("25.00"), f"{t.first} {t.last}", t.first, t.last,
            t.email, t.company, "", "", "", "", "", "", "", "", "", t.secret,
            "", "", "", "", "", "", "", "", t.comment, "", t.addon_to if t.addon_to else "",
            "Acme invoicing", "Payeur Invoice", "Payeur", "Invoice", "", "", "", "", "", "", "web", lang,
            values[0], "", "Accueil" if t.checked_in else "", "", "",
        ]  # fmt: skip
        assert len(row) == len(headers), (len(row), len(headers))
        rows.append(row)
    if fmt != "xlsx":
        return write_pretix(path, rows, fmt, lang)
    orders = [["Order code", "Order total", "Status"], *[[t.order, t.price, values[2]] for t in tickets]]
    fees = [["Order code", "Fee type"]]
    sheets = {
        PRETIX[lang]["sheet_orders"]: orders,
        PRETIX[lang]["sheet_positions"]: rows,
        "Order fees": fees,
    }
    return write_pretix(path, rows, fmt, lang, sheets)


def write_csv(
    path: Path,
    rows: list[list[Any]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    quoting: int = csv.QUOTE_MINIMAL,
) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter, quoting=quoting).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]], title: str = "Sheet1") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


EVENTBRITE_HEADERS = [
    "Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity", "Price Tier",
    "Ticket Type", "Attendee #", "Group", "Order Type", "Currency", "Total Paid", "Fees Paid",
    "Eventbrite Fees", "Eventbrite Payment Processing", "Attendee Status", "Job Title",
    "Company", "Barcode #",
]  # fmt: skip


def eventbrite(path: Path, rows: list[dict[str, Any]], *, barcode: bool = True, fmt: str = "csv") -> Path:
    """Eventbrite's attendee report (the summary has no barcode column)."""
    headers = [h for h in EVENTBRITE_HEADERS if barcode or h != "Barcode #"]
    table: list[list[Any]] = [headers]
    for r in rows:
        full = {
            "Order #": r["order"], "Order Date": "2026-05-04 10:11:12+02:00", "First Name": r["first"],
            "Last Name": r["last"], "Email": r["email"], "Quantity": 1, "Price Tier": "",
            "Ticket Type": r["ticket"], "Attendee #": r["attendee"], "Group": "",
            "Order Type": r.get("order_type", "Eventbrite Completed"), "Currency": "EUR",
            "Total Paid": "150.00", "Fees Paid": "0.00", "Eventbrite Fees": "5.49",
            "Eventbrite Payment Processing": "4.35", "Attendee Status": r.get("status", "Attending"),
            "Job Title": r.get("job", ""), "Company": r.get("company", ""), "Barcode #": r.get("barcode", ""),
        }  # fmt: skip
        table.append([full[h] for h in headers])
    if fmt == "xlsx":
        return write_xlsx(path, table, "Attendees")
    return write_csv(path, table)


# Eventbrite in French: the report's headers follow the organiser's language.
EVENTBRITE_HEADERS_FR = [
    "N° de commande", "Date de la commande", "Prénom", "Nom de famille", "E-mail", "Quantité",
    "Type de billet", "N° de participant", "Type de commande", "Statut du participant", "Code-barres",
]  # fmt: skip


def eventbrite_fr(path: Path, rows: list[dict[str, Any]]) -> Path:
    table: list[list[Any]] = [EVENTBRITE_HEADERS_FR]
    for r in rows:
        table.append([
            r["order"], "04/05/2026 10:11", r["first"], r["last"], r["email"], 1, r["ticket"], r["attendee"],
            r.get("order_type", "Commande Eventbrite"), r.get("status", "Participe"), r.get("barcode", ""),
        ])  # fmt: skip
    return write_csv(path, table)


HELLOASSO_HEADERS = [
    "Référence commande", "Date de la commande", "Statut de la commande", "Nom participant",
    "Prénom participant", "Nom payeur", "Prénom payeur", "Email payeur", "Raison sociale",
    "Moyen de paiement", "Tarif", "Montant tarif", "Code Promo", "Montant code promo",
]  # fmt: skip


def helloasso(path: Path, rows: list[dict[str, Any]], fmt: str = "csv") -> Path:
    """HelloAsso's participant export: ';'-separated UTF-8 with a BOM, or XLSX. The
    participant is the attendee; the payer is who paid (their e-mail only)."""
    table: list[list[Any]] = [HELLOASSO_HEADERS]
    for r in rows:
        table.append([
            r["order"], "04/05/2026 10:11:12", r.get("status", "Validé"), r["last"], r["first"],
            r.get("payer_last", r["last"]), r.get("payer_first", r["first"]), r["payer_email"],
            r.get("company", ""), "Carte bancaire", r["tarif"], "150,00", "", "",
        ])  # fmt: skip
    if fmt == "xlsx":
        return write_xlsx(path, table, "Participants")
    return write_csv(path, table, delimiter=";", encoding="utf-8-sig")


WEEZEVENT_HEADERS = [
    "N° billet", "Code-barres", "N° commande", "Date de commande", "Statut", "Composté", "Nom",
    "Prénom", "Email", "Nom acheteur", "Prénom acheteur", "Email acheteur", "Catégorie", "Tarif", "Société",
]  # fmt: skip


def weezevent(path: Path, rows: list[dict[str, Any]], fmt: str = "csv") -> Path:
    table: list[list[Any]] = [WEEZEVENT_HEADERS]
    for r in rows:
        table.append([
            r["ticket_no"], r["barcode"], r["order"], "04/05/2026", r.get("status", "Payé"),
            r.get("scanned", "Non"), r["last"], r["first"], r.get("email", ""), r["last"], r["first"],
            r.get("payer_email", ""), r.get("category", ""), r["tarif"], r.get("company", ""),
        ])  # fmt: skip
    if fmt == "xlsx":
        return write_xlsx(path, table, "Participants")
    return write_csv(path, table, delimiter=";", encoding="utf-8-sig")


BILLETWEB_HEADERS = [
    "id", "ext_id", "barcode", "used", "email", "firstname", "name", "ticket", "category", "price",
    "disabled", "order_id", "order_firstname", "order_name", "order_email", "order_date", "order_paid",
]  # fmt: skip


def billetweb(path: Path, rows: list[dict[str, Any]], fmt: str = "csv") -> Path:
    """Billetweb's attendee list with its API field names (its CSV export repeats them)."""
    table: list[list[Any]] = [BILLETWEB_HEADERS]
    for r in rows:
        table.append([
            r["id"], "", r["barcode"], r.get("used", "0"), r.get("email", ""), r["first"], r["last"],
            r["tarif"], r.get("category", ""), "150.00", r.get("disabled", "0"), r["order"], r["first"],
            r["last"], r.get("email", ""), "2026-05-04 10:11:12", r.get("paid", "1"),
        ])  # fmt: skip
    if fmt == "xlsx":
        return write_xlsx(path, table, "Participants")
    return write_csv(path, table, delimiter=",")
