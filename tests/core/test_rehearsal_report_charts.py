"""The rehearsal report's charts name each desk once ("poste N" everywhere), and the print
queue's depth is two readable lines (highest and mean per time slot) rather than one
sawtooth per desk (issue 20, item 8). The PDF is rendered with pdftoppm to be looked at."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from checkin.rehearsal import queueing, report
from checkin.rehearsal.run import Options, Outcome


def _outcome(desks: int = 3) -> Outcome:
    rng = random.Random(7)
    visits = queueing.visits(60, seed=7)
    morning = queueing.simulate(visits, desks)
    results: list[dict[str, Any]] = []
    for n in range(desks):
        scans = []
        for k in range(20):
            t = 60.0 * k + 10 * n
            scans.append(
                {
                    "do": "scan",
                    "sim_t": t,
                    "answer_ms": rng.uniform(8, 30),
                    "badge_ms": rng.uniform(100, 400),
                    "outcome": "admitted",
                    "expect": "admitted",
                }
            )
        results.append(
            {
                "desk": f"Répétition {n + 1}",
                "scans": scans,
                "queue_depth": [(30.0 * k + n, k % 3) for k in range(40)],
                "exchanges_over_time": [(60.0 * k, k) for k in range(20)],
                "exchanges": 19,
                "badges_done": 20,
                "checkins": 20,
            }
        )
    return Outcome(
        Options(desks=desks, attendees=60), "2026-07-08", "09:30", morning, results, hub_checkins=60
    )


def _names(drawing: Any) -> list[str]:
    from reportlab.graphics.charts.legends import Legend

    return [
        name for shape in drawing.contents if isinstance(shape, Legend) for _c, name in shape.colorNamePairs
    ]


def test_every_chart_names_the_desks_alike() -> None:
    outcome = _outcome()
    queue_chart = report._morning_charts(outcome)[1]
    exchanges_chart = report._timing_charts(outcome, {"scan_cups_pdf_ms_p99": None})[3]
    assert _names(queue_chart) == _names(exchanges_chart) == ["poste 1", "poste 2", "poste 3"]


def test_the_print_queue_chart_is_two_lines_per_slot() -> None:
    outcome = _outcome()
    series = report._queue_depth(outcome)
    assert [name for name, _p in series] == ["le plus haut (tous postes)", "moyenne"]
    highest, mean = (points for _n, points in series)
    assert len(highest) == len(mean) <= 5  # 20 minutes in 5-minute slots, not 120 samples
    assert all(m <= h for (_x, m), (_y, h) in zip(mean, highest, strict=True))
    assert max(h for _x, h in highest) == 2


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_report_renders(tmp_path: Path) -> None:
    pdf = report.write(tmp_path / "rehearsal.pdf", _outcome())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Répétition 1" not in text and "poste 1" in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    assert sorted(p.name for p in tmp_path.glob("page-*.png"))
