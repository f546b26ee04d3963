"""A JSON file that is not pretix's data export: one sentence, nothing written.

pretix's own JSON export is imported from a real pretix server in ``tests/pretix/test_exports.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkin.cli import main


@pytest.mark.parametrize(
    "text",
    [
        '{"orders": []}',
        '{"event": {"orders": {"a": 1}}}',
        "{not json",
        '{"event": {"orders": [{"positions": [{"id": 1}]}]}}',
    ],
)
def test_other_json_is_a_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    file = tmp_path / "export.json"
    file.write_text(text, encoding="utf-8")
    db = tmp_path / "desk.sqlite"
    assert main(["import", str(file), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "n'est pas l'export JSON de pretix" in err and "Traceback" not in err
    out = tmp_path / "ev.toml"
    assert main(["event", "new", "--from-export", str(file), "-o", str(out)]) == 1
    assert "n'est pas l'export JSON de pretix" in capsys.readouterr().err and not out.exists()
