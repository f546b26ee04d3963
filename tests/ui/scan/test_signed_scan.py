"""A pretix signed secret scanned into the desk window as a scanner types it: admitted on
its signature alone (the replica has never heard of it), already in at the second scan,
refused in words once altered — through the window's own key-event filter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pretix_secrets import Signer, event_text

DAY1 = "2026-07-08"
ITEM = 41


@pytest.fixture
def signer() -> Signer:
    return Signer()


@pytest.fixture
def pretix_desk(qapp: Any, db_file: Path, qtbot: Any, tmp_path: Path, signer: Signer) -> Iterator[Any]:
    from checkin.base.settings import DeskSettings
    from checkin.event import model
    from checkin.ui.app import build_desk

    shipped = model.load()
    assert shipped.source is not None
    path = tmp_path / "event.toml"
    path.write_text(event_text(shipped.source.read_text(encoding="utf-8"), signer, ITEM, "Participant"))
    settings = DeskSettings.load()
    settings.desk_name = "Accueil 3"
    d = build_desk(db_file, day=DAY1, settings=settings, event=model.load(path), show_crash_dialog=False)
    d.window.show()
    qtbot.waitExposed(d.window)
    d.window.scan.page.code_field.setFocus()
    yield d
    d.close()


def _scan(qtbot: Any, kb: Any, window: Any, text: str, start: int) -> Any:
    with qtbot.waitSignal(window.answer_shown, timeout=5000) as got:
        kb.scanner_burst(text, start=start)
    return got.args[0]


def test_a_signed_secret_typed_by_a_scanner(pretix_desk: Any, qtbot: Any, kb: Any, signer: Signer) -> None:
    w = pretix_desk.window
    secret = signer.secret("w3kq9zv2xm7tb4rn", ITEM)
    assert any(c in secret for c in "+/=") and secret != secret.upper()
    panel = w.scan.page.panel

    first = _scan(qtbot, kb, w, secret, 10_000)
    assert first.outcome == "admitted"
    assert panel.headline.text() == "BIENVENUE"
    assert "signature pretix" in panel.instruction.text()
    assert w.scan.page.code_field.text() == ""  # no character of the burst left in the field

    again = _scan(qtbot, kb, w, secret, 20_000)
    assert again.outcome == "already_in"
    assert panel.headline.text() == "DÉJÀ ENREGISTRÉ·E" and "Accueil 3" in panel.instruction.text()

    # One character of the signature changed (its case): the ticket was altered.
    i = next(i for i, c in enumerate(secret[:40]) if c.isalpha())
    altered = secret[:i] + secret[i].swapcase() + secret[i + 1 :]
    refused = _scan(qtbot, kb, w, altered, 30_000)
    assert refused.outcome == "bad_signature"
    assert panel.headline.text() == "BILLET NON VALIDE"
    assert "Signature du billet invalide" in panel.instruction.text()


def test_a_link_carrying_a_signed_secret_typed_by_a_scanner(
    pretix_desk: Any, qtbot: Any, kb: Any, signer: Signer
) -> None:
    """A QR code holding a link (``…?secret=`` URL-encoded): the burst is taken whole, the
    secret read back exactly and admitted on its signature."""
    w = pretix_desk.window
    secret = signer.secret("r8nq3kz7vw2xtb5m", ITEM)
    encoded = secret.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    answer = _scan(qtbot, kb, w, f"https://pretix.example/aict/2026/checkin/?secret={encoded}", 10_000)
    assert answer.outcome == "admitted" and answer.code == secret and answer.signed is not None
    assert w.scan.page.panel.headline.text() == "BIENVENUE"
