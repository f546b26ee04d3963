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
