"""Synthetic events: the demo desk and the benchmarks run on these, never on real people.

Names come from many languages and scripts, with the dirt real exports carry (capitals,
stray spaces, padded e-mails, duplicates, cancellations), so the demo shows what the desk
must cope with and the benchmark measures realistic work.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from checkin.event.model import EventConfig

HEADERS = [
    "N° inscription",
    "Code billet",
    "Statut",
    "Date d'inscription",
    "Civilité",
    "Prénom",
    "Nom",
    "Nom (écriture d'origine)",
    "Fonction",
    "Structure",
    "Type de structure",
    "Pays",
    "Catégorie badge",
    "Délégation",
    "Email",
    "Téléphone",
    "Jours",
    "Ateliers",
    "Réunion régionale",
    "Régime alimentaire",
    "Accessibilité",
    "Langue",
]


@dataclass(frozen=True)
class Culture:
    country: str
    language: str
    first: tuple[str, ...]
    last: tuple[str, ...]
    native: tuple[tuple[str, str], ...] = ()  # (latin "First Last", native script)
    org: tuple[str, ...] = ()


CULTURES = (
    Culture(
        "France",
        "FR",
        (
            "Hélène",
            "Élodie",
            "Jean",
            "Marie-Claire",
            "François",
            "Anaïs",
            "Loïc",
            "Gaëlle",
            "Jérôme",
            "Cécile",
            "Zoé",
            "Benoît",
            "Agnès",
            "Noël",
            "Thérèse",
            "Joël",
        ),
        (
            "Dupont",
            "Côté",
            "Lefèvre",
            "de La Tour du Pin",
            "N'Diaye",
            "Le Goff",
            "Müller",
            "Péron",
            "Chrétien",
            "d'Estaing",
            "Vallée",
            "Bègue",
            "Lemaître",
            "Faure",
            "Roux",
        ),
        org=(
            "Ville de Nantes",
            "Région Bretagne",
            "Département du Nord",
            "Ville de Lyon",
            "Métropole de Lille",
            "Ville de Saint-Étienne",
            "Communauté d'agglomération du Pays Basque",
        ),
    ),
    Culture(
        "Viêt Nam",
        "FR",
        ("Văn An", "Minh Đức", "Thị Hương", "Quốc Bảo"),
        ("Nguyễn", "Trần", "Lê", "Phạm"),
        org=("Comité populaire de Hué", "Ville de Đà Nẵng"),
    ),
    Culture(
        "Pologne",
        "EN",
        ("Łukasz", "Małgorzata", "Żaneta", "Grzegorz"),
        ("Wójcik", "Szczęsny", "Brzęczyszczykiewicz", "Kowalczyk"),
        org=("Miasto Kraków", "Urząd Miasta Łodzi"),
    ),
    Culture(
        "Turquie",
        "EN",
        ("Çağla", "Şükrü", "İlkay", "Gökhan"),
        ("Yılmaz", "Öztürk", "Çelik", "Doğan"),
        org=("İzmir Büyükşehir Belediyesi",),
    ),
    Culture(
        "Islande",
        "EN",
        ("Þórunn", "Guðmundur", "Sigríður"),
        ("Jónsdóttir", "Þórðarson", "Ólafsson"),
        org=("Reykjavíkurborg",),
    ),
    Culture(
        "Colombie",
        "ES",
        ("José Ángel", "María Fernanda", "Ñusta", "Iñaki"),
        ("Muñoz", "Peña", "Ibáñez", "García Márquez"),
        org=("Alcaldía de Medellín", "Gobernación de Antioquia"),
    ),
    Culture(
        "Liban",
        "AR",
        (),
        (),
        native=(
            ("Karim Ben Salah", "كريم بن صالح"),
            ("Nour Khoury", "نور خوري"),
            ("Rania Haddad", "رانيا حداد"),
            ("Fatima Zahra Benali", "فاطمة الزهراء بنعلي"),
        ),
        org=("Union des municipalités du Kesrouan", "Municipalité de Byblos"),
    ),
    Culture(
        "Chine",
        "EN",
        (),
        (),
        native=(("Xiaoming Li", "李晓明"), ("Wei Zhang", "张伟"), ("Fang Wang", "王芳")),
        org=("Municipalité de Wuhan", "Ville de Chengdu"),
    ),
    Culture(
        "Japon",
        "EN",
        (),
        (),
        native=(("Haruka Nakajima", "中島 遥"), ("Yosuke Yamamoto", "山本 洋介"), ("Aiko Sato", "佐藤 愛子")),
        org=("Préfecture de Nagano", "Ville de Kyoto"),
    ),
    Culture(
        "Ukraine",
        "EN",
        (),
        (),
        native=(("Olena Kovalenko", "Олена Коваленко"), ("Ihor Terekhov", "Ігор Терехов")),
        org=("Ville de Kharkiv", "Ville de Lviv"),
    ),
    Culture(
        "Arménie",
        "EN",
        (),
        (),
        native=(("Lusine Harutyunyan", "Լուսինե Հարությունյան"), ("Tigran Avinyan", "Տիգրան Ավինյան")),
        org=("Ville d'Erevan", "Région de Shirak"),
    ),
    Culture(
        "Inde",
        "EN",
        (),
        (),
        native=(
            ("Rahul Deshpande", "राहुल देशपांडे"),
            ("Priya Sharma", "प्रिया शर्मा"),
            ("Anjali Kulkarni", "अंजली कुलकर्णी"),
        ),
        org=("Municipal Corporation of Pune",),
    ),
    Culture(
        "Irlande",
        "EN",
        ("Siobhán", "Aoife", "Pádraig"),
        ("O'Connor-Ní Bhriain", "Mac Giolla Phádraig", "Ó Súilleabháin"),
        org=("Dublin City Council",),
    ),
)
CATEGORIES = (
    ("Élu", 30),
    ("Technicien", 35),
    ("Délégation étrangère", 15),
    ("Intervenant", 6),
    ("Partenaire", 5),
    ("Corps diplomatique", 3),
    ("Institution", 3),
    ("Presse", 2),
    ("Organisation", 1),
)
FUNCTIONS = (
    "Maire",
    "Adjointe au maire déléguée aux relations internationales",
    "Chargé de mission Europe",
    "Directrice générale adjointe des services en charge de la coopération décentralisée et de la solidarité internationale",
    "Conseiller régional",
    "Président du conseil départemental",
    "Journaliste",
    "Chef de projet",
)
WORKSHOPS = ("A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8")
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"


def _code(rng: random.Random, prefix: str, used: set[str]) -> str:
    while True:
        code = prefix + "".join(rng.choice(ALPHABET) for _ in range(8))
        if code not in used:
            used.add(code)
            return code


def _dirty(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.2:
        return name.upper()
    if roll < 0.3:
        return name.lower()
    if roll < 0.38:
        return f"  {name} "
    return name


def rows(n: int, event: EventConfig, seed: int = 2026) -> Iterator[list[str]]:
    """``n`` registration rows in the AICT export's shape (with some duplicates)."""
    rng = random.Random(seed)
    used: set[str] = set()
    prefix = event.walkin_prefix or "EVT-"
    days = [d.label for d in event.days]
    all_days = event.all_days[0] if event.all_days else days[0]
    weights = [20 if c.country == "France" else 1 for c in CULTURES]
    for i in range(n):
        culture = rng.choices(CULTURES, weights)[0]
        native = ""
        if culture.native:
            latin, native = rng.choice(culture.native)
            first, last = latin.split(" ", 1) if rng.random() > 0.1 else ("", "")
            if " " in last and culture.country not in {"Liban"}:
                first, last = latin.rsplit(" ", 1)
        else:
            first, last = rng.choice(culture.first), rng.choice(culture.last)
        category = rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
        if culture.country != "France" and rng.random() < 0.7:
            category = "Délégation étrangère"
        status = rng.choices(("Confirmée", "Annulée", "En attente"), (94, 5, 1))[0]
        org = rng.choice(culture.org) if culture.org else "Cités Unies France"
        email_local = f"{first}.{last}".lower().replace(" ", "").replace("'", "") or f"delegue{i}"
        email = f"{email_local}.{i}@example.org"
        if rng.random() < 0.1:
            email = f"  {email.upper()} "
        day_choice = rng.choices([all_days, *days], (70, *([30 // max(len(days), 1)] * len(days))))[0]
        workshops = "; ".join(sorted(rng.sample(WORKSHOPS, rng.randint(0, 3))))
        row = [
            f"INS-{i + 1:06d}",
            _code(rng, prefix, used),
            status,
            f"{rng.randint(1, 28):02d}/{rng.randint(1, 6):02d}/2026 {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
            rng.choice(("M.", "Mme", "")),
            _dirty(rng, first),
            _dirty(rng, last),
            native,
            rng.choice(FUNCTIONS),
            org,
            "Commune" if culture.country == "France" else "Collectivité étrangère",
            culture.country,
            category,
            f"Délégation {culture.country}" if category == "Délégation étrangère" else "",
            email,
            rng.choice(("", "06.12.34.56.78", "+33 6 12 34 56 78", "0612345678")),
            day_choice,
            workshops,
            "",
            rng.choice(("", "", "", "Végétarien", "Sans gluten")),
            rng.choice(("", "", "", "", "", "Fauteuil roulant")),
            culture.language,
        ]
        yield row
        if rng.random() < 0.01:  # the same person registered twice
            again = list(row)
            again[0] = f"INS-{i + 1:06d}-B"
            again[1] = _code(rng, prefix, used)
            again[2] = "Annulée"
            yield again


def write_export(path: Path, n: int, event: EventConfig, seed: int = 2026) -> Path:
    """Write ``n`` registrations as the platform would: ``;``-separated UTF-8 with a BOM."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADERS)
        writer.writerows(rows(n, event, seed))
    return path


PROGRAMME = [
    ("Code", "Titre", "Type", "Date", "Début", "Fin", "Salle"),
    ("PL1", "Plénière d'ouverture", "Plénière", 0, "09:30", "11:00", "Grand Salon"),
    (
        "A1",
        "Diplomatie des territoires et construction de la paix",
        "Atelier",
        0,
        "11:30",
        "13:00",
        "Salon Vaucanson",
    ),
    ("A2", "Climat, résilience et adaptation", "Atelier", 0, "11:30", "13:00", "Salon Foucault"),
    ("A3", "Jeunesse et mobilité internationale", "Atelier", 0, "11:30", "13:00", "Salon Lavoisier"),
    ("A4", "Financements européens", "Atelier", 0, "14:30", "16:00", "Salon Vaucanson"),
    ("PL2", "Plénière — Pays à l'honneur", "Plénière", 1, "09:30", "11:00", "Grand Salon"),
    (
        "A5",
        "Coopération décentralisée et crises humanitaires",
        "Atelier",
        1,
        "11:30",
        "13:00",
        "Salon Vaucanson",
    ),
    ("A6", "Égalité femmes-hommes", "Atelier", 1, "11:30", "13:00", "Salon Foucault"),
    ("A7", "Culture et patrimoine", "Atelier", 1, "14:30", "16:00", "Salon Lavoisier"),
    ("A8", "Eau et assainissement", "Atelier", 1, "14:30", "16:00", "Salon Foucault"),
    ("B2B", "Rendez-vous B2B", "B2B", 1, "14:00", "17:00", "Espace B2B"),
    ("PL3", "Plénière de clôture", "Plénière", 1, "16:30", "17:30", "Grand Salon"),
]


def write_programme(path: Path, event: EventConfig) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        for row in PROGRAMME:
            if isinstance(row[3], int):
                day = event.days[min(row[3], len(event.days) - 1)].iso
                writer.writerow([*row[:3], day, *row[4:]])
            else:
                writer.writerow(row)
    return path


def write_meetings(path: Path, export_rows: list[list[str]], event: EventConfig, seed: int = 2026) -> Path:
    """A B2B grid for the last day between confirmed registrations of the export."""
    rng = random.Random(seed)
    last_day = event.days[-1]
    codes = [r[1] for r in export_rows if r[2] == "Confirmée"]
    rng.shuffle(codes)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(("Date", "Créneau", "Table", "Code billet A", "Code billet B"))
        pairs = list(zip(codes[0::2], codes[1::2], strict=False))[: 12 * 6]
        for n, (a, b) in enumerate(pairs):
            slot = f"{14 + n // 24}:{(n // 12 % 2) * 30:02d}"
            writer.writerow((last_day.iso, slot, f"T{n % 12 + 1:02d}", a, b))
    return path


def build_event_files(folder: Path, n: int, event: EventConfig, seed: int = 2026) -> dict[str, Path]:
    """Export, programme and B2B grid of a synthetic event, ready for ``checkin import``."""
    folder.mkdir(parents=True, exist_ok=True)
    export = write_export(folder / "inscriptions.csv", n, event, seed)
    with export.open(encoding="utf-8-sig", newline="") as fh:
        export_rows = [r[:3] for r in list(csv.reader(fh, delimiter=";"))[1:4000]]
    return {
        "export": export,
        "programme": write_programme(folder / "programme.csv", event),
        "meetings": write_meetings(folder / "rendez-vous-b2b.csv", export_rows, event, seed),
    }


def write_pretix_checkin_list(
    path: Path, n: int, event: EventConfig, language: str = "fr", seed: int = 2026
) -> Path:
    """A pretix check-in list as a French-speaking organiser downloads it (';', every
    header in the organiser's language, products naming the category and the day), for
    the demo and the screenshots of the import preview."""
    from checkin.importer.platforms import pretix_headers, pretix_name_part, pretix_text

    rng = random.Random(seed)
    headers = pretix_headers(language, "checkin_list")
    name_at = headers.index(pretix_text(language, "Attendee name")) + 1
    headers[name_at:name_at] = [
        pretix_name_part(language, "checkin_list", "Given name"),
        pretix_name_part(language, "checkin_list", "Family name"),
    ]
    headers = [
        h for h in headers if h != pretix_text(language, "E-mail") or h == pretix_text(language, "Email")
    ]
    cats = [c for c in event.categories if not c.default][:3]
    products = [f"{c.aliases[-1] if c.aliases else c.name} – {d.label}" for c in cats for d in event.days]
    products += [f"{cats[0].name} – Pass {len(event.days)} jours", "Pass Découverte", "Participant"]
    yes, no = pretix_text(language, "Yes"), pretix_text(language, "No")
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(headers)
        for i in range(n):
            culture = CULTURES[0] if i % 3 else rng.choice(CULTURES)
            if culture.first and culture.last:
                first, last = rng.choice(culture.first), rng.choice(culture.last)
            else:
                first, last = rng.choice(culture.native)[0].split(" ", 1)
            row = {h: "" for h in headers}
            row[headers[0]] = f"{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{i:04d}"
            row[headers[1]] = f"{first} {last}"
            row[headers[name_at]], row[headers[name_at + 1]] = first, last
            row[pretix_text(language, "Product")] = products[i % len(products)]
            row[pretix_text(language, "Price")] = "150,00"
            row[pretix_text(language, "Paid")] = no if i % 17 == 5 else yes
            row[pretix_text(language, "Secret")] = "".join(
                rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(32)
            )
            row[pretix_text(language, "Email")] = f"{first}.{last}.{i}@example.org".lower().replace(" ", "")
            row[pretix_text(language, "Company")] = rng.choice(culture.org or ("Cités Unies France",))
            row[pretix_text(language, "Order date")] = "2026-05-04"
            writer.writerow([row[h] for h in headers])
    return path
