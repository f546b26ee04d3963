"""The « Préparation » page: the checks on screen, a test page printed and scanned back."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import zxingcpp
from PIL import Image

from checkin.base import paths


def test_preparation_page_and_the_badge_test_page_scanned_back(
    desk: Any, qtbot: Any, kb: Any, tmp_path: Path
) -> None:
    w = desk.window
    w.lead.lock.unlock("2468")
    w.show_staff()
    w.ready_bar.prep_button.click()
    dialog = w.ready_bar.dialog
    assert dialog is not None
    with qtbot.waitSignal(dialog.checked, timeout=20_000) as first:
        pass
    checks = {c.key: c for c in first.args[0]}
    assert checks["badge_test"].ok is False
    assert "rouge" in dialog.summary.text()

    # Print the test page on the desk's printer (the file printer here) and scan it back.
    prints = paths.print_dir()
    before = set(prints.glob("*.pdf"))
    dialog.badge_button.click()
    qtbot.waitUntil(lambda: "Page de test envoyée" in dialog.message.text(), timeout=10_000)
    [page] = set(prints.glob("*.pdf")) - before
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(page), str(tmp_path / "test")], check=True
    )
    with Image.open(tmp_path / "test.png") as image:
        [code] = [r.text for r in zxingcpp.read_barcodes(image)]
    w.show_scan()
    w.activateWindow()
    qtbot.waitUntil(lambda: w.isActiveWindow(), timeout=3000)
    w.scan.page.code_field.setFocus()
    with qtbot.waitSignal(dialog.checked, timeout=20_000) as second:
        kb.scanner_burst(code)  # the scanner, wherever the focus is
    checks = {c.key: c for c in second.args[0]}
    assert checks["badge_test"].ok is True
    assert "confirmée" in dialog.message.text()
    assert w.scan.page.panel.decision is None  # not decided as a ticket

    if os.environ.get("CHECKIN_SHOTS"):
        dialog.resize(1100, 760)
        qtbot.wait(50)
        dialog.grab().save(str(Path(os.environ["CHECKIN_SHOTS"]) / "preparation.png"))
    dialog.close()
