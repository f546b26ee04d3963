"""The rehearsal: a small peak through real desk processes, badges through a real CUPS queue,
live sync on; and the rehearsal window, which never reaches the real replica or hub."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from checkin import cli
from checkin.base import paths
from checkin.base.settings import DeskSettings
from tests import dbfiles

try:  # the private cupsd with a cups-pdf queue that the CUPS tests start
    from test_cups import CUPSD, QUEUE, cups, cups_pdf_outbox  # noqa: F401
except ImportError:  # pragma: no cover - run from another root
    CUPSD = None

DAY1 = "2026-07-08"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _real_desk(tmp_path: Path, db_file: Path) -> tuple[Path, Path]:
    """This machine's real desk: its replica in the data folder, a hub in its settings."""
    real_db = paths.db_path()
    shutil.copy(db_file, real_db)
    hub = tmp_path / "real-hub.sqlite"
    assert cli.main(["hub", "init", str(hub)]) == 0
    settings = DeskSettings.load()
    settings.hub_url = str(hub)
    settings.save()
    return real_db, hub


def _rehearse_through_cups(cups: str, report: Path, *how: str) -> int:
    """``checkin rehearse`` with ``how``, its badges through the test's CUPS queue (timed
    at the PDFs cups-pdf writes), its figures as JSON and its report in ``report``."""
    return cli.main(
        [
            "rehearse",
            *how,
            "--cups-queue", QUEUE,
            "--cups-server", cups,
            "--cups-outbox", str(cups_pdf_outbox()),
            "--json",
            "-o", str(report),
        ]
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.skipif(CUPSD is None, reason="cupsd is not installed")
def test_a_small_rehearsal_through_cups_with_live_sync(
    cups: str, db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real_db, real_hub = _real_desk(tmp_path, db_file)
    before = (_digest(real_db), _digest(real_hub))
    report = tmp_path / "rehearsal.pdf"
    capsys.readouterr()
    code = _rehearse_through_cups(cups, report, "--desks", "2", "--attendees", "70", "--speed", "120")
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    # Every gesture got the answer it should (garbled → unreadable, unknown → unknown, …).
    assert result["answers_wrong"] == 0, result["wrong_examples"]
    assert result["actions"] > result["day_arrivals"] > 40
    # Each arrival admitted once, every badge printed through CUPS, and the hub has them all.
    assert result["badges_printed"] == result["day_arrivals"] == result["hub_checkins"]
    assert result["scan_cups_pdf_ms_p99"] is not None and result["scan_answer_ms_p99"] is not None
    assert result["exchanges"] >= 2
    assert result["desks_recommended"] >= 1
    # The report: the organiser's answer and the charts' titles, in three pages.
    text = subprocess.run(["pdftotext", str(report), "-"], capture_output=True, text=True, check=True).stdout
    assert "Réponse à l'organisateur" in text and f"il faut {result['desks_recommended']} postes" in text
    for title in (
        "Arrivées par minute",
        "file devant chaque poste",
        "Du scan au PDF du badge écrit par CUPS",
        "Échanges avec le hub",
    ):
        assert title in text
    # Nothing reached the real desk.
    assert (_digest(real_db), _digest(real_hub)) == before
    assert Path(result["workspace"]).name.startswith("checkin-rehearsal-")
    assert not Path(result["workspace"]).exists()  # the rehearsal's folder is removed afterwards


def test_desks_print_to_one_queue_or_each_to_its_own() -> None:
    from checkin.rehearsal.run import desk_queue

    assert [desk_queue("pdf-1, pdf-2", n) for n in range(4)] == ["pdf-1", "pdf-2", "pdf-1", "pdf-2"]
    assert [desk_queue("pdf", n) for n in range(2)] == ["pdf", "pdf"]
    assert desk_queue("", 0) == ""


def _nearest_rank(values: list[float], p: float) -> float | None:
    return round(values[min(len(values) - 1, int(p * len(values)))], 1) if values else None


@pytest.mark.slow
@pytest.mark.skipif(CUPSD is None, reason="cupsd is not installed")
def test_the_first_minute_is_measured_apart_from_the_whole_run(
    cups: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One desk at the peak (its line never empty), 7 simulated minutes at speed 3 (about
    12 gestures over 100 s of real time): the first-minute figures are those of the
    gestures of the desk's first 60 real seconds, the whole run's of all of them."""
    report = tmp_path / "rehearsal.pdf"
    capsys.readouterr()
    code = _rehearse_through_cups(
        cups, report, "--desks", "1", "--attendees", "1300", "--speed", "3", "--window=-20:-13", "--keep"
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    workspace = Path(result["workspace"])
    try:
        desk = json.loads((workspace / "result-0.json").read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    scans = desk["scans"]
    assert scans and all(s["replay_s"] is not None for s in scans)
    start = min(s["replay_s"] for s in scans)
    early = [s for s in scans if s["replay_s"] - start < 60]
    assert 0 < len(early) < len(scans)  # gestures on both sides of the first minute's end
    for name, key, do in (
        ("scan_answer_ms", "answer_ms", "scan"),
        ("scan_badge_ms", "badge_ms", None),
        ("scan_cups_pdf_ms", "cups_ms", None),
    ):

        def measured(among: list[dict[str, Any]], key: str = key, do: str | None = do) -> list[float]:
            return sorted(s[key] for s in among if s.get(key) is not None and do in (None, s["do"]))

        whole, first = measured(scans), measured(early)
        assert 0 < len(first) < len(whole), name
        assert (result[f"{name}_n"], result[f"{name}_n_first_minute"]) == (len(whole), len(first))
        assert result[f"{name}_p50"] == _nearest_rank(whole, 0.5)
        assert result[f"{name}_p99"] == _nearest_rank(whole, 0.99)
        assert result[f"{name}_max"] == whole[-1]
        assert result[f"{name}_p50_first_minute"] == _nearest_rank(first, 0.5)
        assert result[f"{name}_p99_first_minute"] == _nearest_rank(first, 0.99)
        assert result[f"{name}_max_first_minute"] == first[-1]
    text = subprocess.run(["pdftotext", str(report), "-"], capture_output=True, text=True, check=True).stdout
    assert (
        f"sur la première minute de chaque poste ({result['scan_cups_pdf_ms_n_first_minute']} mesures)"
        in text
    )


def test_the_rehearsal_window_works_on_a_copy(
    qapp: Any, qtbot: Any, db_file: Path, tmp_path: Path, codes: dict[str, str]
) -> None:
    from checkin.rehearsal.workspace import assert_isolated, copy_of_desk
    from checkin.ui.app import build_desk

    real_db, real_hub = _real_desk(tmp_path, db_file)
    before = (_digest(real_db), _digest(real_hub))
    ws = copy_of_desk(real_db)
    home = os.environ["CHECKIN_HOME"]
    try:
        assert_isolated(ws, str(real_hub))
        os.environ["CHECKIN_HOME"] = str(ws.home(0))
        settings = DeskSettings(file=str(ws.home(0) / "config" / "settings.toml"))
        settings.hub_url = ws.hub
        settings.sync_interval_s = 1
        desk = build_desk(ws.template, day=DAY1, settings=settings, show_crash_dialog=False, rehearsal=True)
        try:
            w = desk.window
            w.resize(1366, 768)
            w.show()
            qtbot.waitExposed(w)
            assert w.rehearsal_label is not None and w.rehearsal_label.isVisible()
            assert w.rehearsal_label.text().startswith("RÉPÉTITION / REHEARSAL")
            assert w.windowTitle().startswith("RÉPÉTITION")
            w.scan.on_scan(codes["both_days"])
            assert w.scan.page.panel.decision.outcome == "admitted"
            qtbot.waitUntil(
                lambda: w.sync.relay is not None and w.sync.relay.live.state.exchanges >= 2, timeout=15_000
            )
            if os.environ.get("CHECKIN_SHOTS"):
                w.grab().save(str(Path(os.environ["CHECKIN_SHOTS"]) / "rehearsal-window.png"))
        finally:
            desk.close()
        with dbfiles.connect(ws.hub) as conn:
            assert conn.execute("SELECT count(*) FROM hub_fact WHERE kind = 'checkin'").fetchone()[0] >= 1
    finally:
        os.environ["CHECKIN_HOME"] = home
        ws.remove()
    assert (_digest(real_db), _digest(real_hub)) == before
    with dbfiles.connect(real_db) as conn:
        assert (
            conn.execute("SELECT count(*) FROM fact WHERE code = ?", (codes["both_days"],)).fetchone()[0] == 0
        )


def test_a_rehearsal_never_runs_on_the_real_files(tmp_path: Path) -> None:
    from checkin.base.errors import KnownError
    from checkin.rehearsal.workspace import Workspace, assert_isolated

    folder = tmp_path / "checkin-rehearsal-x"
    folder.mkdir()
    os.environ["CHECKIN_DB"] = str(folder / "desk.sqlite")
    try:
        with pytest.raises(KnownError, match="vraie base"):
            assert_isolated(Workspace(folder))
    finally:
        del os.environ["CHECKIN_DB"]
    with pytest.raises(KnownError, match="vrai hub"):
        assert_isolated(Workspace(folder), str(folder / "hub.sqlite"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(KnownError, match="inattendu"):
        assert_isolated(Workspace(elsewhere))
