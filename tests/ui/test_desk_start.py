"""Starting the desk as an installed application: one window per replica, a platform-plugin
failure told in one sentence (never a bare "Aborted"), the menu entry and the icon."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[2]


def desk_env(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "CHECKIN_HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **extra}
    env.pop("CHECKIN_DB", None)
    return env


def log_text(home: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in (home / "logs").glob("*.log*"))


def wait_for(condition: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def start_desk(db: Path, home: Path) -> subprocess.Popen[bytes]:
    home.mkdir(parents=True, exist_ok=True)
    with (home / "desk-stderr.txt").open("ab") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "checkin.cli", "desk", "--db", str(db)],
            env=desk_env(home),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_one_window_per_replica(tmp_path: Path) -> None:
    home, db = tmp_path / "home", tmp_path / "desk.sqlite"
    first = start_desk(db, home)
    try:
        wait_for(lambda: "listening as" in log_text(home) or first.poll() is not None)
        assert first.poll() is None, (home / "desk-stderr.txt").read_text()
        second = subprocess.run(
            [sys.executable, "-m", "checkin.cli", "desk", "--db", str(db)],
            env=desk_env(home),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 0, second.stderr
        assert second.stdout.strip() == (
            f"Le poste est déjà ouvert sur cette base ({db}) : sa fenêtre est ramenée au premier plan."
        )
        wait_for(lambda: "window brought to the front" in log_text(home), timeout=20)
        assert first.poll() is None  # the first desk goes on
        # A desk that died leaves no lock: the next start on the same replica opens.
        stop(first, signal.SIGKILL)
        before = log_text(home).count("listening as")
        third = start_desk(db, home)
        try:
            wait_for(lambda: log_text(home).count("listening as") > before or third.poll() is not None)
            assert third.poll() is None
        finally:
            stop(third)
    finally:
        stop(first)


def test_each_replica_has_its_own_name(tmp_path: Path) -> None:
    from checkin.ui.instance import server_name

    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    assert server_name(a) != server_name(b)
    assert server_name(a) == server_name(tmp_path / "x" / ".." / "a.sqlite")
    assert len(server_name(a)) < 40  # fits a Unix socket path


def test_an_unknown_platform_plugin_is_one_sentence(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "desk", "--db", str(tmp_path / "d.sqlite")],
        env=desk_env(home, QT_QPA_PLATFORM="nosuchscreen"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "checkin : Qt ne connaît pas l'affichage « nosuchscreen » (variable QT_QPA_PLATFORM) : "
        "retirez-la ou choisissez xcb, wayland ou offscreen, puis relancez."
    ]
    assert "Aborted" not in result.stderr and "nosuchscreen" in log_text(home)


def _library_file(soname: str) -> Path | None:
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        if line.strip().startswith(soname + " "):
            return Path(line.rsplit("=>", 1)[1].strip()).resolve()
    return None


def _can_hide_files() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "true"], capture_output=True, check=False
    )
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _can_hide_files(), reason="needs root and mount namespaces (unshare)")
def test_a_missing_xcb_library_names_the_package(tmp_path: Path) -> None:
    """A desktop Linux without libxcb-cursor0: Qt's xcb plugin cannot load. The library is
    hidden for the desk's process alone (a private mount namespace binds /dev/null over
    it), under a real X server."""
    from xkeys import XServer

    lib = _library_file("libxcb-cursor.so.0")
    assert lib is not None, "libxcb-cursor0 is expected on this machine (the README's list)"
    home = tmp_path / "home"
    server = XServer()
    try:
        env = desk_env(home, QT_QPA_PLATFORM="xcb", DISPLAY=server.display)
        command = f"mount --bind /dev/null {lib} && exec {sys.executable} -m checkin.cli desk --db {tmp_path / 'd.sqlite'}"
        result = subprocess.run(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", command],
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
    finally:
        server.stop()
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "checkin : la fenêtre ne peut pas s'ouvrir car il manque à Qt libxcb-cursor0 ; "
        "installez-les (sudo apt install libxcb-cursor0) puis relancez."
    ], result.stderr
    assert "Aborted" not in result.stderr
    assert "libxcb-cursor0" in log_text(home)  # and the log says it too


def test_the_menu_entry_and_icons(tmp_path: Path) -> None:
    data = tmp_path / "xdg"
    result = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "install-desktop"],
        env={**os.environ, "CHECKIN_HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(data)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    entry = data / "applications" / "checkin-desk.desktop"
    checked = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout
    fields = dict(
        line.split("=", 1) for line in entry.read_text(encoding="utf-8").splitlines() if "=" in line
    )
    exe = Path(fields["Exec"].strip('"'))
    assert exe.name == "checkin-desk" and os.access(exe, os.X_OK)  # the GUI entry point of this install
    assert fields["Icon"] == "checkin" and fields["Terminal"] == "false"
    for size in (16, 32, 48, 64, 128, 256, 512):
        with Image.open(data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "checkin.png") as icon:
            assert icon.size == (size, size)
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "checkin.svg").exists()


def test_icons_are_what_the_svg_renders(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import make_icons
    finally:
        sys.path.pop(0)
    for size in make_icons.SIZES:
        fresh = make_icons.render(size)
        with Image.open(make_icons.ICONS / f"checkin-{size}.png") as committed:
            diff = ImageChops.difference(fresh, committed.convert("RGBA"))
            assert max(hi for _lo, hi in diff.getextrema()) <= 8, size
    ico, icns = make_icons.bundle_icons(tmp_path)
    with Image.open(ico) as image:
        assert (256, 256) in image.info["sizes"]
    with Image.open(icns) as image:
        assert image.size[0] >= 256


def test_the_window_wears_the_icon(desk: Any) -> None:
    sizes = {s.width() for s in desk.window.windowIcon().availableSizes()}
    assert {16, 32, 48, 256, 512} <= sizes
