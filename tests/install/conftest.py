"""The release as a user gets it: an sdist and a wheel built from the checkout, the wheel
installed (not editable) in a clean virtual environment outside the checkout.

Built once per test session (``tmp_path_factory``) and shared by the wheel smoke test and
the desktop bundle test. Installing pulls the same dependencies as the checkout's own
``pip install``, from pip's cache (warm after ``.ci/run``'s install).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIGURES = "install-figures.json"  # sizes and timings, for whoever reports them


@dataclass
class Installed:
    dist: Path
    wheel: Path
    sdist: Path
    venv: Path
    figures: dict[str, float] = field(default_factory=dict)

    @property
    def bin(self) -> Path:
        return self.venv / ("Scripts" if os.name == "nt" else "bin")

    def exe(self, name: str) -> Path:
        return self.bin / name

    def record(self, **values: float) -> None:
        self.figures.update(values)
        (self.dist / FIGURES).write_text(json.dumps(self.figures, indent=2), encoding="utf-8")


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user's shell: no checkout on the path, no test's venv."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "PYTHONPATH",
            "VIRTUAL_ENV",
            "CHECKIN_DB",
            "CHECKIN_EVENT",
            "CHECKIN_LANG",
            "CHECKIN_RESOURCES",
        )
    }
    env.update({"CHECKIN_HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **extra})
    return env


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    dist = tmp_path_factory.mktemp("dist")
    started = time.perf_counter()
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    build_s = time.perf_counter() - started
    (wheel,) = dist.glob("checkin-*.whl")
    (sdist,) = dist.glob("checkin-*.tar.gz")
    venv = tmp_path_factory.mktemp("user") / "venv"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = venv / ("Scripts" if os.name == "nt" else "bin") / "pip"
    done = subprocess.run(
        [str(pip), "install", "-q", str(wheel)], capture_output=True, text=True, timeout=1800, cwd=venv.parent
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = Installed(dist, wheel, sdist, venv)
    result.record(
        build_s=round(build_s, 1),
        install_s=round(time.perf_counter() - started, 1),
        wheel_mb=round(wheel.stat().st_size / 1e6, 2),
        sdist_mb=round(sdist.stat().st_size / 1e6, 2),
    )
    return result
