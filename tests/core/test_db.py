"""The replica file: WAL, schema versions, append-only facts, private files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checkin.base.errors import DatabaseError
from checkin.replica import facts
from checkin.replica.db import SCHEMA_VERSION, open_replica
from tests import dbfiles


def test_wal_schema_version_and_private_file(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    replica = open_replica(path)
    replica.close()
    con = dbfiles.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    con.close()
    if os.name != "nt":
        assert (path.stat().st_mode & 0o777) == 0o600


def test_a_newer_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    open_replica(path).close()
    con = dbfiles.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError) as err:
        open_replica(path)
    assert "plus récente" in str(err.value) and "mettez checkin à jour" in str(err.value)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    path.write_text("hello, I am a CSV;", encoding="utf-8")
    with pytest.raises(DatabaseError):
        open_replica(path)


def test_facts_cannot_be_changed_or_deleted(tmp_path: Path) -> None:
    replica = open_replica(tmp_path / "d.sqlite")
    with replica.write() as conn:
        fact = facts.add(conn, replica, "checkin", attendee_uid="x", day="2026-07-08", desk="A")
    for sql in ("UPDATE fact SET desk = 'B'", "DELETE FROM fact"):
        with pytest.raises(Exception, match="append-only"):
            with replica.write() as conn:
                conn.exec_driver_sql(sql)
    with replica.read() as conn:
        assert conn.exec_driver_sql("SELECT id, desk FROM fact").one() == (fact.id, "A")
    replica.close()


def test_facts_are_stamped_for_sync(tmp_path: Path) -> None:
    replica = open_replica(tmp_path / "d.sqlite")
    with replica.write() as conn:
        a = facts.add(conn, replica, "checkin", attendee_uid="x", desk="A")
        b = facts.add(conn, replica, "checkin", attendee_uid="y", desk="A")
    assert a.id != b.id and a.hlc < b.hlc
    desk_id = replica.desk_id
    replica.close()
    again = open_replica(tmp_path / "d.sqlite")
    assert again.desk_id == desk_id  # the desk keeps its identity
    with again.write() as conn:
        c = facts.add(conn, again, "checkin", attendee_uid="z", desk="A")
    assert c.hlc > b.hlc  # the clock resumes past what is on disk
    again.close()
