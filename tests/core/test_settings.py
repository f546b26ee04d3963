"""The desk's settings: declared once, typed, validated on read, never a traceback."""

from __future__ import annotations

import json
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest

from checkin.base import paths
from checkin.base.settings import DeskSettings, schema


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHECKIN_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_every_setting_is_declared_with_type_default_and_meaning() -> None:
    names = [f.name for f in schema()]
    assert len(names) == len(set(names))
    for spec in schema():
        assert spec.metadata["description"], spec.name
        assert type(spec.default) in {str, int, bool}, spec.name
    # The defaults the issue found contradicting, settled once.
    s = DeskSettings()
    assert (s.ready_delay_s, s.idle_lock_s, s.scanner_max_gap_ms) == (8, 120, 80)


def test_saved_file_is_commented_toml_read_back_equal() -> None:
    s = DeskSettings.load()
    s.desk_name = 'Accueil "VIP" \\ 2\n'
    s.ready_delay_s = 11
    s.muted = True
    s.hub_url = "postgresql://desk@hub/aict"
    s.save()
    path = paths.settings_path()
    text = path.read_text(encoding="utf-8")
    assert "# Seconds before the answer goes back to 'ready'" in text
    assert tomllib.loads(text)["desk"]["ready_delay_s"] == 11
    again = DeskSettings.load()
    assert again == s and not again.problems
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_file_that_cannot_be_parsed_gives_a_sentence_and_defaults() -> None:
    path = paths.settings_path()
    path.write_text("[desk]\ndesk_name = Accueil 2\n", encoding="utf-8")  # quotes forgotten
    s = DeskSettings.load()
    assert s == DeskSettings()
    assert len(s.problems) == 1
    assert str(path) in s.problems[0] and "illisible" in s.problems[0] and "line 2" in s.problems[0]
    s.save()  # the damaged file is kept aside, not lost
    assert (path.parent / "settings.toml.damaged").read_text(encoding="utf-8").startswith("[desk]")
    assert not DeskSettings.load().problems


def test_a_wrong_value_falls_back_alone_and_the_pin_stays() -> None:
    paths.settings_path().write_text(
        '[desk]\nready_delay_s = "8"\nlanguage = "de"\nmuted = 1\n'
        '[lead]\npin_hash = "scrypt$1$2$3$ab$cd"\nidle_lock_s = 5\n'
        '[scanner]\nscanner_max_gap_ms = true\ncolour = "blue"\n',
        encoding="utf-8",
    )
    s = DeskSettings.load()
    assert s.pin_hash == "scrypt$1$2$3$ab$cd"  # a typo elsewhere does not reset the PIN
    assert (s.ready_delay_s, s.language, s.muted, s.idle_lock_s, s.scanner_max_gap_ms) == (
        8,
        "fr",
        False,
        120,
        80,
    )
    text = "\n".join(s.problems)
    assert len(s.problems) == 6, text
    assert "desk.ready_delay_s" in text and 'nombre entier attendu, "8" lu' in text
    assert "une valeur parmi fr, en attendue" in text
    assert "valeur entre 15 et 3600 attendue, 5 lu" in text
    assert "Réglage inconnu scanner.colour" in text


def test_the_window_former_json_settings_are_read_once() -> None:
    (paths.config_dir() / "desk.json").write_text(
        json.dumps({"desk_name": "Accueil 3", "pin_hash": "scrypt$x", "ready_delay_s": 5, "file": "x"}),
        encoding="utf-8",
    )
    s = DeskSettings.load()
    assert (s.desk_name, s.pin_hash, s.ready_delay_s) == ("Accueil 3", "scrypt$x", 5)
    s.save()
    assert tomllib.loads(paths.settings_path().read_text(encoding="utf-8"))["lead"]["pin_hash"] == "scrypt$x"


def test_the_lead_day_holds_the_same_date_only() -> None:
    s = DeskSettings.load()
    s.choose_day("2026-07-09")
    s.save()
    again = DeskSettings.load()
    assert again.chosen_day() == "2026-07-09"
    assert again.chosen_day(today=date.today() + timedelta(days=1)) == ""


def test_settings_load_without_qt() -> None:
    import subprocess
    import sys

    code = "import sys, checkin.base.settings, checkin.base.pin; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_printers_declared_in_the_same_file_survive_a_save() -> None:
    """``[printers.*]`` tables belong to checkin.printing.config: read by it, kept by a save."""
    from checkin.printing import config

    paths.settings_path().write_text(
        '[desk]\ndesk_name = "Accueil 4"\n\n[printers.accueil]\nbackend = "cups"\ntarget = "Brother_QL"\n'
        'layout = "ql62"\n\n[printers."Bureau 2"]\nbackend = "file"\ntarget = "/tmp/x"\n',
        encoding="utf-8",
    )
    s = DeskSettings.load()
    assert not s.problems and s.desk_name == "Accueil 4"
    s.ready_delay_s = 9
    s.save()
    again = DeskSettings.load()
    assert again.ready_delay_s == 9 and not again.problems
    printers = config.load()
    assert printers["accueil"].target == "Brother_QL" and printers["accueil"].layout == "ql62"
    assert printers["Bureau 2"].backend == "file"
