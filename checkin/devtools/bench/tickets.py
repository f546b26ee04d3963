"""How fast slip bytes are built, measured (never asserted in timed tests).

Targets from issue 5: a welcome slip in ≤ 20 ms median, ≤ 80 ms when the name must be
drawn as an image. The slip's data (programme, B2B partners) is prepared once; what is
timed is the layout drawn into ESC/POS bytes, which is what each arrival costs the desk.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from checkin.event import model as event_mod
from checkin.printing.escpos import data, layout, raster, render
from checkin.replica.attendees import AttendeeView

SESSIONS = [
    ("PL2", "Plénière — Pays à l'honneur", "Plénière", "09:30", "11:00", "Grand Salon"),
    (
        "A5",
        "Coopération décentralisée et crises humanitaires",
        "Atelier",
        "11:30",
        "13:00",
        "Salon Vaucanson",
    ),
    (
        "A7",
        "Culture, patrimoine et attractivité des territoires",
        "Atelier",
        "14:30",
        "16:00",
        "Salon Lavoisier",
    ),
    ("B2B", "Rendez-vous B2B", "B2B", "14:00", "17:00", "Espace B2B"),
    ("PL3", "Plénière de clôture", "Plénière", "16:30", "17:30", "Grand Salon"),
]
MEETINGS = [
    ("14:00", "T01", "Hélène Côté (Ville de Besançon)"),
    ("15:00", "T07", "Karim Haddad (Ville de Tunis)"),
]

LATIN = AttendeeView(
    id=1,
    uid="bench-1",
    source="import",
    registration="B-1",
    code="AICT26-7K3M9Q2X",
    status="confirmed",
    registered_at="",
    title="Mme",
    first_name="Hélène",
    last_name="Côté",
    first_name_raw="",
    last_name_raw="",
    native_name="",
    function="Adjointe au maire",
    organisation="Ville de Besançon — Délégation",
    organisation_type="Commune",
    country="France",
    category="Élu",
    delegation="",
    email="",
    phone="",
    days=("2026-07-09",),
    workshops=("A5", "A7"),
    regional_meeting="",
    language="FR",
    person_key="",
    live_uid="",
)
RASTER = replace(
    LATIN, uid="bench-2", first_name="Nour", last_name="Khoury", native_name="نور خوري", language="AR"
)


def _median_ms(fn: Callable[[], Any], n: int) -> float:
    fn()  # warm the caches (fonts, code page tables) as a running desk has them
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def _uncached(chosen: layout.Layout, slip: data.SlipData, dev: render.Device) -> bytes:
    raster._render.cache_clear()
    return render.build(chosen, slip, dev).data


def run(n: int = 200) -> dict[str, Any]:
    ev = event_mod.load()
    dev = render.device("TM-T20II", 80, "CP1252")
    welcome = layout.load("welcome")
    label = layout.load("label")
    day = "2026-07-09"

    def slip(person: AttendeeView) -> data.SlipData:
        lang = data.slip_language(ev, person.language)
        return data.SlipData(
            "welcome",
            lang,
            {**data.event_values(ev, day, lang, "Accueil 1", None), **data.person_values(ev, person, lang)},
            data.programme(person, day, SESSIONS, MEETINGS, lang),
            data.practical(ev, lang),
        )

    latin, raster_slip = slip(LATIN), slip(RASTER)
    label_slip = data.label(ev, RASTER, day)
    built = render.build(welcome, raster_slip, dev)
    return {
        "profile": dev.profile,
        "codepage": dev.codepage,
        "runs": n,
        "welcome_ms_median": _median_ms(lambda: render.build(welcome, latin, dev), n),
        # Each arrival has another name: the drawing cache is emptied before each run.
        "welcome_raster_name_ms_median": _median_ms(lambda: _uncached(welcome, raster_slip, dev), n),
        "label_raster_name_ms_median": _median_ms(lambda: _uncached(label, label_slip, dev), n),
        "welcome_bytes": len(render.build(welcome, latin, dev).data),
        "welcome_raster_bytes": len(built.data),
        "raster_lines": built.raster_lines,
        "targets_ms": {"welcome": 20, "welcome_raster_name": 80},
    }
