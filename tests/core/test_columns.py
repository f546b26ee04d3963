"""The attendee's columns are declared once (checkin.replica.attendees) and everything agrees."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from checkin.importer.apply import ATTENDEE_FIELDS
from checkin.importer.records import Record
from checkin.replica import attendees
from checkin.replica.db import open_replica
from checkin.sync.hub import hub_attendee
from tests import dbfiles


def test_the_replica_table_is_the_declaration(tmp_path: Path) -> None:
    open_replica(tmp_path / "d.sqlite").close()
    con = dbfiles.connect(tmp_path / "d.sqlite")
    table = [r[1] for r in con.execute("PRAGMA table_info(attendee)")]
    con.close()
    assert set(table) == set(attendees.COLUMNS) | set(attendees.INTERNAL)
    assert len(table) == len(attendees.COLUMNS) + len(attendees.INTERNAL)


def test_the_hub_the_importer_and_the_reports_take_it_from_there() -> None:
    hub_extras = {"imported", "field_hlc", "field_src", "hseq"}
    assert set(hub_attendee.c.keys()) - hub_extras == set(attendees.STORED)
    assert set(ATTENDEE_FIELDS) == set(attendees.STORED) - {"source", "live_uid"}
    assert set(ATTENDEE_FIELDS) <= {f.name for f in fields(Record)}  # an import has every value
    from checkin.replica.attendance import Person

    assert Person is attendees.AttendeeView
