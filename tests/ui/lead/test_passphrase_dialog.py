"""No keyring and no CHECKIN_PASSPHRASE: the window asks for the desk's passphrase in a
modal dialog, and what is typed keys the replica for this process."""

from __future__ import annotations

from typing import Any

import pytest

from checkin.base import keys
from checkin.ui import keys as ui_keys
from checkin.ui.qt import QApplication, QTimer


def _answer(qtbot: Any, text: str | None) -> None:
    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ui_keys.PassphraseDialog)
        if text is None:
            dialog.reject()
            return
        dialog.field.setText(text)
        dialog.accept()

    QTimer.singleShot(0, fill)


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHECKIN_PASSPHRASE", raising=False)
    monkeypatch.setattr(keys, "_keyring", lambda: None)
    monkeypatch.setattr(keys, "_asker", [])


def test_the_dialog_asks_once_and_the_secret_is_kept(no_key: None, qtbot: Any) -> None:
    assert keys.must_ask()
    _answer(qtbot, "la phrase du poste")
    ui_keys.ask_now_if_needed()
    assert keys.secret() == "la phrase du poste" and not keys.must_ask()


def test_cancel_is_the_missing_key_sentence(no_key: None, qtbot: Any) -> None:
    _answer(qtbot, None)
    with pytest.raises(keys.MissingKey, match="CHECKIN_PASSPHRASE"):
        ui_keys.ask_now_if_needed()


def test_a_plain_desk_never_asks(
    no_key: None, qtbot: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Encryption off and a plain (or new) replica: the window opens without the dialog,
    even with no keyring (a Linux desk without a Secret Service)."""
    from checkin.replica import cipher
    from checkin.ui.app import build_desk

    monkeypatch.setenv("CHECKIN_ENCRYPT", "0")
    assert keys.must_ask() and not cipher.needs_secret(tmp_path / "desk.sqlite")
    monkeypatch.setattr(ui_keys, "ask_passphrase", lambda: pytest.fail("the passphrase was asked"))
    desk = build_desk(tmp_path / "desk.sqlite", with_printing=False, show_crash_dialog=False)
    try:
        assert QApplication.activeModalWidget() is None
    finally:
        desk.close()
    monkeypatch.setenv("CHECKIN_ENCRYPT", "1")
    assert cipher.needs_secret(tmp_path / "other.sqlite")  # on: a new file would be encrypted


def test_the_demo_starts_encrypted_on_a_headless_machine_without_asking(
    no_key: None, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's first command on a fresh machine: encryption on by default, no keyring,
    no passphrase — the demo opens its window without a dialog or a terminal prompt, its
    invented people encrypted with a key kept in its own folder (0600), the same key the
    next time."""
    import os
    import stat

    from checkin import cli
    from checkin.base import paths
    from checkin.demo import secret
    from checkin.replica import cipher
    from checkin.ui import app

    monkeypatch.delenv("CHECKIN_ENCRYPT", raising=False)
    monkeypatch.setattr(ui_keys, "ask_passphrase", lambda: pytest.fail("the passphrase was asked"))
    monkeypatch.setattr(keys, "_asker", [lambda: pytest.fail("the passphrase was asked on the terminal")])
    opened: list[Any] = []

    def look_then_close(desk: Any) -> int:
        desk.window.show()
        for _ in range(5):
            QApplication.processEvents()
        opened.append((desk.replica.path, QApplication.activeModalWidget()))
        desk.close()
        return 0

    monkeypatch.setattr(app, "run", look_then_close)
    assert cli.main(["demo"]) == 0
    db, modal = opened[0]
    assert modal is None
    assert cipher.is_encrypted(db) and db.is_relative_to(paths.data_dir() / "demo")
    kept = secret.key_file()
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    assert os.environ["CHECKIN_PASSPHRASE"] == kept.read_text(encoding="utf-8").strip()
    monkeypatch.delenv("CHECKIN_PASSPHRASE")  # a new process: the kept key opens the same file
    assert cli.main(["demo"]) == 0
    assert opened[1] == (db, None)
