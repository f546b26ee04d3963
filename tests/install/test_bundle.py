"""The Linux desktop bundle (PyInstaller, one folder) built from the installed wheel with
``packaging/checkin.spec``, then started from the bundle: version, import, scan, a badge
with its fonts, the window's screenshots offscreen, the window itself (cold start timed).

The heaviest test of the suite (one PyInstaller build, 1.5–3 minutes on 2 cores): one build
per run, shared by the checks below.
"""

from __future__ import annotations

import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from .conftest import ROOT, Installed, clean_env

pytestmark = pytest.mark.slow
CODE = "AICT26-YPAGKWKQ"


@dataclass
class Bundle:
    folder: Path
    installed: Installed

    def run(
        self, home: Path, *args: str, exe: str = "checkin", **env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.folder / exe), *args],
            env=clean_env(home, **env),
            cwd=home.parent,
            capture_output=True,
            text=True,
            timeout=300,
        )


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="session")
def bundle(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    started = time.perf_counter()
    pip = subprocess.run(
        [str(installed.exe("pip")), "install", "-q", "pyinstaller"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert pip.returncode == 0, pip.stderr[-2000:]
    work = tmp_path_factory.mktemp("pyinstaller")
    built = subprocess.run(
        [
            str(installed.exe("pyinstaller")),
            str(ROOT / "packaging" / "checkin.spec"),
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=work,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    folder = work / "dist" / "checkin"
    installed.record(
        bundle_build_s=round(time.perf_counter() - started, 1),
        bundle_mb=round(folder_size(folder) / 1e6, 1),
    )
    return Bundle(folder, installed)


def test_the_bundle_holds_qt_plugins_fonts_and_binary_wheels(bundle: Bundle) -> None:
    inside = bundle.folder / "_internal"
    plugins = inside / "PySide6" / "Qt" / "plugins"
    for plugin in (
        "platforms/libqxcb.so",
        "platforms/libqoffscreen.so",
        "platforms/libqwayland.so",
        "imageformats/libqsvg.so",
        "multimedia/libffmpegmediaplugin.so",
        "printsupport/libcupsprintersupport.so",
    ):
        assert (plugins / plugin).exists(), plugin
    fonts = {p.name for p in (inside / "checkin" / "resources" / "fonts").glob("*.ttf")}
    assert {"NotoSans-Regular.ttf", "NotoSansArabic-Regular.ttf", "DroidSansFallbackFull.ttf"} <= fonts
    assert list((inside / "zxingcpp").glob("*.so")) or list(inside.glob("zxingcpp*.so"))
    assert list((inside / "psycopg_binary").glob("pq*.so")) and list(
        (inside / "psycopg_binary.libs").glob("libpq*")
    )
    assert (bundle.folder / "checkin-desk").exists()


def test_the_bundle_does_a_desks_work(bundle: Bundle, home: Path, tmp_path: Path, sample_dir: Path) -> None:
    def ok(*args: str) -> str:
        result = bundle.run(home, *args)
        assert result.returncode == 0, f"{args}: {result.stderr}"
        return result.stdout

    timings = []
    for _ in range(2):
        started = time.perf_counter()
        assert ok("--version").strip() == "checkin 0.1.0"
        timings.append(time.perf_counter() - started)
    bundle.installed.record(cli_first_start_s=round(timings[0], 2), cli_second_start_s=round(timings[1], 2))

    db = str(tmp_path / "desk.sqlite")
    assert "578 lignes lues" in ok("import", str(sample_dir / "inscriptions.csv"), "--db", db)
    # The same file cleaned by the import's spawned worker processes, started from the frozen
    # executable (it calls multiprocessing.freeze_support()): the same answer, no hang.
    pooled = bundle.run(
        home,
        *("import", str(sample_dir / "inscriptions.csv"), "--db", str(tmp_path / "pooled.sqlite")),
        CHECKIN_IMPORT_POOL_MIN_ROWS="100",
        CHECKIN_IMPORT_CHUNK_ROWS="50",
    )
    assert pooled.returncode == 0, pooled.stderr
    assert "578 lignes lues : 578 ajoutées" in pooled.stdout, pooled.stdout
    assert ok("scan", CODE, "--db", db, "--day", "2026-07-08").startswith("ADMITTED  Aurore Laroche")
    pdf = tmp_path / "badge.pdf"
    ok("badge", CODE, "--db", db, "-o", str(pdf))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row.split("  ", 1)[1] for row in rows), fonts
    # A PostgreSQL hub is reached through the bundled libpq (refused here: nobody listens).
    refused = bundle.run(home, "hub", "init", "postgresql://nobody@127.0.0.1:1/none")
    assert refused.returncode == 1 and "ne répond pas" in refused.stderr and "Traceback" not in refused.stderr

    out = tmp_path / "shots"
    listed = ok("screenshots", str(out))
    assert len(listed.split()) >= 15
    for png in out.glob("*.png"):
        with Image.open(png) as image:
            assert image.size == (1366, 768) and len(image.getcolors(1 << 20) or []) > 20, png.name


def test_the_bundles_window_starts(bundle: Bundle, home: Path, tmp_path: Path, sample_dir: Path) -> None:
    """``checkin-desk`` (the GUI executable) opens the window offscreen; the time from the
    process start to the window shown is the bundle's cold start (first start after the build,
    then a second one)."""
    assert (
        bundle.run(
            home, "import", str(sample_dir / "inscriptions.csv"), "--db", str(tmp_path / "d.sqlite")
        ).returncode
        == 0
    )
    log = home / "logs"
    starts = []
    for _ in range(2):
        before = sum(p.read_text(errors="replace").count("desk window shown") for p in log.glob("*.log*"))
        started = time.perf_counter()
        proc = subprocess.Popen(
            [str(bundle.folder / "checkin-desk"), "desk", "--db", str(tmp_path / "d.sqlite")],
            env=clean_env(home),
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = started + 120
            while time.perf_counter() < deadline:
                shown = sum(
                    p.read_text(errors="replace").count("desk window shown") for p in log.glob("*.log*")
                )
                if shown > before or proc.poll() is not None:
                    break
                time.sleep(0.05)
            assert proc.poll() is None, "the bundle's window did not stay open"
            starts.append(time.perf_counter() - started)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    bundle.installed.record(desk_first_start_s=round(starts[0], 2), desk_second_start_s=round(starts[1], 2))
    print(f"\nbundle figures: {bundle.installed.figures}")
