"""The answer says what to hand over (the event's ``[[handover]]``) on an admission, and the
accessibility note only where the event's ``desk_fields`` lets desks see it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from tests import dbfiles


def test_the_answer_lists_what_to_hand_over_once(desk: Any, codes: dict[str, str]) -> None:
    w = desk.window
    w.scan.on_scan(codes["both_days"])
    panel = w.scan.page.panel
    assert panel.handover.isVisible() and "Sacoche et programme" in panel.handover.text()
    assert not panel.access_note.isVisible()  # desk_fields = [] in the shipped event
    w.scan.on_scan(codes["both_days"])  # already in: handed over the first time
    assert not panel.handover.isVisible()


def test_the_accessibility_note_shows_only_when_the_event_allows_it(
    desk: Any, codes: dict[str, str], db_file: Path
) -> None:
    con = dbfiles.connect(db_file)
    uid = con.execute("SELECT uid FROM attendee WHERE code = ?", (codes["second_both"],)).fetchone()[0]
    con.execute("INSERT OR REPLACE INTO sensitive_info VALUES (?, '', 'Fauteuil roulant')", (uid,))
    con.commit()
    con.close()
    w = desk.window
    session = w.frame.session
    w.scan.on_scan(codes["second_both"])
    assert not w.scan.page.panel.access_note.isVisible()
    session.event = dataclasses.replace(session.event, desk_fields=("accessibility",))
    w.scan.on_scan(codes["second_both"])
    panel = w.scan.page.panel
    assert panel.access_note.isVisible() and "Fauteuil roulant" in panel.access_note.text()
