"""The code as the style guide wants it, checked by the same tools pre-commit runs: ruff's
lint and format over the package and the tests, and mypy --strict over the whole package
(the window included). CI runs the tests only, so the tools run here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing_to_say() -> None:
    lint = _run(str(BIN / "ruff"), "check", "--no-cache", "checkin", "tests")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    style = _run(str(BIN / "ruff"), "format", "--check", "--no-cache", "checkin", "tests")
    assert style.returncode == 0, style.stdout + style.stderr


def test_mypy_strict_passes(tmp_path: Path) -> None:
    result = _run(str(BIN / "mypy"), "--cache-dir", str(tmp_path / "cache"), "checkin")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues found" in result.stdout
