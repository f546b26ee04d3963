"""The rehearsal's report: what the morning looked like, and the organiser's answer.

Charts are ReportLab graphics, drawn from the desks' own measurements (latencies are real
seconds; the time axis is the simulated morning, in local time from the doors' opening).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

from checkin.base.i18n import _
from checkin.rehearsal.run import Outcome, figures
from checkin.reports.pdf import Text, base_font

PALETTE = [
    colors.HexColor(c)
    for c in ("#1F4E9D", "#C0392B", "#1B7A3A", "#8A4B00", "#5B2C83", "#117A8B", "#7F8C8D", "#D35400")
]
WIDTH = 180 * mm


def _clock(outcome: Outcome, sim_seconds: float) -> float:
    """Simulated seconds from the doors → minutes of the day (for the axis)."""
    h, m = (int(x) for x in outcome.opening.split(":"))
    return h * 60 + m + outcome.morning.doors_minute + sim_seconds / 60


def _hhmm(value: float) -> str:
    minutes = round(value)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _title(drawing: Drawing, text: str, height: float) -> None:
    drawing.add(String(0, height - 12, text, fontName=base_font(True), fontSize=10))


def _lines(
    outcome: Outcome,
    series: list[tuple[str, list[tuple[float, float]]]],
    title: str,
    y_label: str,
    *,
    goal: float | None = None,
    height: float = 62 * mm,
) -> Drawing:
    drawing = Drawing(WIDTH, height)
    _title(drawing, title, height)
    plot = LinePlot()
    plot.x, plot.y = 36, 26
    plot.width, plot.height = WIDTH - 130, height - 48
    series = [(name, pts) for name, pts in series if pts] or [(series[0][0] if series else "", [])]
    data = [pts or [(_clock(outcome, 0), 0.0)] for _n, pts in series]
    plot.data = data
    for n in range(len(series)):
        plot.lines[n].strokeColor = PALETTE[n % len(PALETTE)]
        plot.lines[n].strokeWidth = 1.2
    plot.xValueAxis.labelTextFormat = _hhmm
    plot.xValueAxis.labels.fontName = base_font()
    plot.xValueAxis.labels.fontSize = 7
    plot.yValueAxis.labels.fontName = base_font()
    plot.yValueAxis.labels.fontSize = 7
    plot.yValueAxis.valueMin = 0
    if goal is not None:
        top = max([goal * 1.2] + [y for pts in data for _x, y in pts])
        plot.yValueAxis.valueMax = top
    drawing.add(plot)
    if goal is not None and plot.yValueAxis.valueMax:
        y = plot.y + plot.height * goal / plot.yValueAxis.valueMax
        drawing.add(Line(plot.x, y, plot.x + plot.width, y, strokeColor=colors.red, strokeDashArray=[3, 2]))
        drawing.add(
            String(plot.x + 2, y + 2, _("objectif"), fontName=base_font(), fontSize=7, fillColor=colors.red)
        )
    drawing.add(String(0, 14, y_label, fontName=base_font(), fontSize=7))
    legend = Legend()
    legend.x, legend.y = WIDTH - 80, height - 30
    legend.fontName = base_font()
    legend.fontSize = 7
    legend.colorNamePairs = [(PALETTE[n % len(PALETTE)], name) for n, (name, _p) in enumerate(series)]
    drawing.add(legend)
    return drawing


def _bars(labels: list[str], values: list[int], title: str, height: float = 62 * mm) -> Drawing:
    drawing = Drawing(WIDTH, height)
    _title(drawing, title, height)
    bars = VerticalBarChart()
    bars.x, bars.y = 36, 30
    bars.width, bars.height = WIDTH - 50, height - 52
    bars.data = [values or [0]]
    bars.categoryAxis.categoryNames = [lab if n % 10 == 0 else "" for n, lab in enumerate(labels)] or [""]
    bars.categoryAxis.labels.fontName = base_font()
    bars.categoryAxis.labels.fontSize = 7
    bars.categoryAxis.labels.angle = 45
    bars.categoryAxis.labels.boxAnchor = "ne"
    bars.valueAxis.labels.fontName = base_font()
    bars.valueAxis.labels.fontSize = 7
    bars.valueAxis.valueMin = 0
    bars.bars[0].fillColor = PALETTE[0]
    bars.bars[0].strokeColor = None
    drawing.add(bars)
    return drawing


def _bucket_s(outcome: Outcome) -> int:
    """Five minutes over a whole morning; one minute over a replayed slice."""
    return 60 if outcome.options.window else 300


def _per_minute_quantile(outcome: Outcome, key: str, q: float) -> list[tuple[float, float]]:
    """Five-minute buckets of the scanner's gestures (searches and walk-ins are slower by
    design: the person types; they are not scans)."""
    buckets: dict[int, list[float]] = defaultdict(list)
    for desk in outcome.desks:
        for scan in desk["scans"]:
            if scan["do"] == "scan" and scan.get(key) is not None and scan.get("sim_t") is not None:
                buckets[int(scan["sim_t"] // _bucket_s(outcome))].append(float(scan[key]))
    out = []
    for bucket in sorted(buckets):
        values = sorted(buckets[bucket])
        size = _bucket_s(outcome)
        out.append(
            (_clock(outcome, bucket * size + size / 2), values[min(len(values) - 1, int(q * len(values)))])
        )
    return out


def _desk_label(index: int) -> str:
    """One name per desk on every chart: the desk processes are called "Répétition N" (their
    banner says so), but beside the simulated line in front of "poste N" the reader must
    recognise the same desk."""
    return _("poste {n}", n=index + 1)


def _queue_depth(outcome: Outcome) -> list[tuple[str, list[tuple[float, float]]]]:
    """The print queues' depth per bucket: the deepest any desk's queue was, and the mean
    over the desks' samples. One line per desk, sampled at every gesture, drew a sawtooth
    per desk on top of the others (0, 1, 0, 2, 0…) that nobody could read; what the
    organiser asks is whether badges piled up, and when."""
    buckets: dict[int, list[float]] = defaultdict(list)
    size = _bucket_s(outcome)
    for desk in outcome.desks:
        for t, v in desk["queue_depth"]:
            buckets[int(t // size)].append(float(v))
    centre = [(bucket, _clock(outcome, bucket * size + size / 2)) for bucket in sorted(buckets)]
    return [
        (_("le plus haut (tous postes)"), [(x, max(buckets[b])) for b, x in centre]),
        (_("moyenne"), [(x, sum(buckets[b]) / len(buckets[b])) for b, x in centre]),
    ]


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(
        [[Text(str(c), 9, bold=(r == 0)) for c in row] for r, row in enumerate(rows)], colWidths=widths
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def write(path: Path, outcome: Outcome) -> Path:
    """Three pages: the organiser's answer and the measured figures; the charts of the
    morning; how many desks it takes. A desk that crashed is said on the first lines."""
    f = figures(outcome)
    story = _answer(outcome, f)
    story += _measures(outcome, f)
    story += _morning_charts(outcome)
    story.append(PageBreak())
    story += _timing_charts(outcome, f)
    story.append(PageBreak())
    story += _desks_needed(outcome)
    for crashed in f["desks_crashed"]:
        story.insert(3, _crash(crashed))
    story += _wrong_answers(f)
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        title=_("Répétition du pic d'arrivée"),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        invariant=1,
    )
    doc.build(story)
    return path


def _answer(outcome: Outcome, f: dict[str, Any]) -> list[Any]:
    """The title, what was rehearsed, and the answer to the organiser's question."""
    opts = outcome.options
    rec = outcome.recommendation
    return [
        Text(_("Répétition du pic d'arrivée"), 18, bold=True),
        Text(
            _(
                "{desks} postes, {attendees} inscriptions synthétiques, {arrivals} arrivées le {day} (courbe « {curve} »), ouverture de la plénière à {opening}",
                desks=opts.desks,
                attendees=opts.attendees,
                arrivals=f["day_arrivals"],
                day=outcome.day,
                curve=opts.curve,
                opening=outcome.opening,
            ),
            10,
        ),
        *_window_note(outcome),
        Spacer(1, 4 * mm),
        Text(
            _(
                "Réponse à l'organisateur : avec une transaction de {lo:.0f} à {hi:.0f} s, il faut {desks} postes pour que personne n'attende plus de {wait:.0f} min (de {fast} postes si tout va vite à {slow} si chaque arrivée prend {hi:.0f} s).",
                lo=opts.service[0],
                hi=opts.service[1],
                desks=rec.get("desks"),
                wait=opts.max_wait_min,
                fast=rec.get("at_fastest"),
                slow=rec.get("at_slowest"),
            ),
            12,
            bold=True,
        ),
        Text(
            _(
                "Avec {desks} postes : attente maximale {max} min, 95 % des gens attendent moins de {p95} min.",
                desks=opts.desks,
                max=f["max_wait_min"],
                p95=f["p95_wait_min"],
            ),
            11,
        ),
        Spacer(1, 3 * mm),
    ]


def _window_note(outcome: Outcome) -> list[Any]:
    window = outcome.options.window
    if not window:
        return []
    return [
        Text(
            _(
                "Rejoué : de {lo:g} à {hi:g} min par rapport à la plénière (le reste de la matinée est simulé seulement).",
                lo=window[0],
                hi=window[1],
            ),
            10,
            bold=True,
        )
    ]


def _crash(crashed: dict[str, Any]) -> Text:
    return Text(
        _(
            "{desk} s'est arrêté pendant la répétition : {error}",
            desk=crashed["desk"],
            error=crashed["error"],
        ),
        10,
        bold=True,
    )


def _goal_met(f: dict[str, Any]) -> bool:
    """Scan → badge p99 at most 1 s over the whole run and over its first minute alone
    (through CUPS when the badges went through CUPS)."""
    name = "scan_cups_pdf_ms" if f["scan_cups_pdf_ms_p99"] is not None else "scan_badge_ms"
    whole, first = f[f"{name}_p99"], f[f"{name}_p99_first_minute"]
    return whole is not None and whole <= 1000 and (first is None or first <= 1000)


def _measure_rows(f: dict[str, Any], name: str, label: str, goal: str) -> list[list[Any]]:
    """A measure over the whole run, and over each desk's first minute alone."""
    return [
        [label, f[f"{name}_p50"], f[f"{name}_p99"], f[f"{name}_max"], goal],
        [
            _("… sur la première minute de chaque poste ({n} mesures)", n=f[f"{name}_n_first_minute"]),
            f[f"{name}_p50_first_minute"],
            f[f"{name}_p99_first_minute"],
            f[f"{name}_max_first_minute"],
            goal,
        ],
    ]


def _measures(outcome: Outcome, f: dict[str, Any]) -> list[Any]:
    """The measured latencies against their goals (the whole run, and the first minute
    alone: a desk still cold pays there), the counts, and the badge verdict."""
    rows = [
        [_("Mesure (temps réel)"), "p50", "p99", "max", _("objectif p99")],
        *_measure_rows(f, "scan_answer_ms", _("du scan à la réponse à l'écran (ms)"), "50"),
        *_measure_rows(
            f, "scan_badge_ms", _("du scan au PDF du badge écrit par la file d'impression (ms)"), "1000"
        ),
    ]
    if f["scan_cups_pdf_ms_p99"] is not None:
        rows += _measure_rows(f, "scan_cups_pdf_ms", _("du scan au PDF écrit par la file CUPS (ms)"), "1000")
    return [
        _table(rows, [96 * mm, 21 * mm, 21 * mm, 21 * mm, 21 * mm]),
        Spacer(1, 2 * mm),
        Text(
            _(
                "{actions} gestes rejoués ({ok} réponses attendues, {wrong} autres), {badges} badges imprimés, {exchanges} échanges avec le hub (synchro en direct), {hub} arrivées au hub. Temps compressé {speed:g} fois : la charge sur chaque poste est {speed:g} fois celle d'un vrai matin. Charge machine : {load}.",
                actions=f["actions"],
                ok=f["answers_as_expected"],
                wrong=f["answers_wrong"],
                badges=f["badges_printed"],
                exchanges=f["exchanges"],
                hub=f["hub_checkins"],
                speed=outcome.options.speed,
                load=f["load"] or "?",
            ),
            9,
        ),
        Text(
            _(
                "Objectif du scan au badge, p99 d'au plus 1 s sur toute la répétition et sur sa première minute : {verdict}",
                verdict=_("tenu") if _goal_met(f) else _("NON TENU"),
            ),
            10,
            bold=True,
        ),
        Spacer(1, 3 * mm),
    ]


def _morning_charts(outcome: Outcome) -> list[Any]:
    """The simulated morning: arrivals per minute, and the line in front of each desk."""
    morning = outcome.morning
    per_minute: dict[int, int] = defaultdict(int)
    for served in morning.served:
        per_minute[int(served.visit.arrive // 60)] += 1
    last = max(per_minute) if per_minute else 0
    return [
        _bars(
            [_hhmm(_clock(outcome, m * 60)) for m in range(last + 1)],
            [per_minute.get(m, 0) for m in range(last + 1)],
            _("Arrivées par minute"),
        ),
        _lines(
            outcome,
            [
                (
                    _desk_label(d),
                    [(_clock(outcome, m * 60), float(q[d])) for m, q in enumerate(morning.queue_per_minute)],
                )
                for d in range(morning.desks)
            ],
            _("Personnes dans la file devant chaque poste"),
            _("personnes"),
        ),
    ]


def _timing_charts(outcome: Outcome, f: dict[str, Any]) -> list[Any]:
    """What the desks measured over the morning: answer and badge latencies against their
    goals, the print queue's depth, the exchanges with the hub."""
    badge_key = "cups_ms" if f["scan_cups_pdf_ms_p99"] is not None else "badge_ms"
    return [
        _lines(
            outcome,
            [
                ("p50", _per_minute_quantile(outcome, "answer_ms", 0.5)),
                ("p99", _per_minute_quantile(outcome, "answer_ms", 0.99)),
            ],
            _("Du scan à la réponse à l'écran, par minute (ms, temps réel)")
            if outcome.options.window
            else _("Du scan à la réponse à l'écran, par tranche de 5 min (ms, temps réel)"),
            "ms",
            goal=50.0,
        ),
        _lines(
            outcome,
            [
                ("p50", _per_minute_quantile(outcome, badge_key, 0.5)),
                ("p99", _per_minute_quantile(outcome, badge_key, 0.99)),
            ],
            _("Du scan au PDF du badge écrit par CUPS (ms)")
            if badge_key == "cups_ms"
            else _("Du scan au PDF du badge écrit (ms)"),
            "ms",
            goal=1000.0,
        ),
        _lines(
            outcome,
            _queue_depth(outcome),
            _("Badges en attente dans la file d'impression, par minute")
            if outcome.options.window
            else _("Badges en attente dans la file d'impression, par tranche de 5 min"),
            _("travaux"),
        ),
        _lines(
            outcome,
            [
                (_desk_label(n), [(_clock(outcome, t), float(v)) for t, v in d["exchanges_over_time"]])
                for n, d in enumerate(outcome.desks)
            ],
            _("Échanges avec le hub (cumulés)"),
            _("échanges"),
        ),
    ]


def _desks_needed(outcome: Outcome) -> list[Any]:
    """The same morning replayed with 1, 2, … desks, and the model behind it."""
    opts = outcome.options
    rows = [
        [_("Postes"), _("Attente max (min)"), _("95 % attendent moins de (min)"), _("Attente médiane (min)")]
    ]
    rows += [
        [r["desks"], r["max_wait_min"], r["p95_wait_min"], r["median_wait_min"]]
        for r in outcome.recommendation.get("table", [])
    ]
    return [
        Text(
            _(
                "Combien de postes ? (même matinée, attente maximale visée : {wait:.0f} min)",
                wait=opts.max_wait_min,
            ),
            12,
            bold=True,
        ),
        Spacer(1, 2 * mm),
        _table(rows, [30 * mm, 45 * mm, 60 * mm, 45 * mm]),
        Spacer(1, 3 * mm),
        Text(
            _(
                "Modèle : chaque personne choisit la file la plus courte ; temps au comptoir tiré une fois par personne (scan {lo:.0f}–{hi:.0f} s ; recherche par nom +15 s ; code illisible rescanné +5 s ; code inconnu puis recherche +20 s ; inscription sur place 90–150 s). Courbe : 20 % dans l'heure avant le pic, 65 % dans les 30 min avant la plénière, 12 % dans l'heure qui suit, 3 % ensuite.",
                lo=opts.service[0],
                hi=opts.service[1],
            ),
            9,
        ),
    ]


def _wrong_answers(f: dict[str, Any]) -> list[Any]:
    if not f["wrong_examples"]:
        return []
    return [
        Spacer(1, 3 * mm),
        Text(_("Réponses inattendues (exemples) :"), 10, bold=True),
        *(
            Text(f"{w['do']} « {w['text']} » : {w['outcome']} ≠ {w['expect']}", 9)
            for w in f["wrong_examples"]
        ),
    ]
