"""A desk linked to pretix, with pretix away: the window's live exchange goes on with the
hub, the admission is kept for pretix, and the status bar says so — the window never waits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests import dbfiles


def test_pretix_away_is_said_in_the_status_bar_and_the_admission_kept(
    desk: Any,
    qtbot: Any,
    tmp_path: Path,
    db_file: Path,
    codes: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from checkin.pretix.push import pending
    from checkin.sync.hub import open_hub

    monkeypatch.setenv("CHECKIN_PRETIX_TOKEN", "t0k3n")
    con = dbfiles.connect(db_file)
    link = {"url": "http://127.0.0.1:9", "organizer": "o", "event": "e", "list": 1}
    con.execute("INSERT INTO meta(key, value) VALUES ('pretix_link', ?)", (json.dumps(link),))
    con.commit()
    con.close()
    w = desk.window
    w.scan.on_scan(codes["both_days"])
    hub = tmp_path / "hub.sqlite"
    open_hub(str(hub), create=True).close()
    w.sync.start(str(hub))
    assert w.sync.relay is not None and w.sync.relay.pretix is not None
    qtbot.waitUntil(lambda: "pretix" in w.sync.label.text(), timeout=20_000)
    text = w.sync.label.text()
    assert "En ligne" in text and "injoignable" in text and "1 entrée(s) gardée(s)" in text
    assert len(pending(w.frame.session.replica)) == 1
    w.sync.stop()
