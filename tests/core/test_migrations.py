"""Migrations that stay true: replicas and hubs written by past versions of checkin are
opened by this one, migrated, and end with the schema a fresh file gets — data intact."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from checkin.arrivals import search
from checkin.replica import facts
from checkin.replica.attendees import all_live
from checkin.replica.db import SCHEMA_VERSION, open_replica
from checkin.replica.migrations import STEPS
from tests import dbfiles

PAST = Path(__file__).resolve().parents[1] / "data" / "past"


def _norm(sql: str) -> str:
    sql = re.sub(r"\s+", " ", sql)
    return re.sub(r"\s*([(),])\s*", r"\1", sql).strip()


def schema(path: Path) -> set[tuple[str, str, str]]:
    con = dbfiles.connect(path)
    try:
        return {
            (t, n, _norm(s))
            for t, n, s in con.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        }
    finally:
        con.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    path = tmp_path / "fresh.sqlite"
    open_replica(path).close()
    return path


def test_every_step_is_frozen_sql_and_a_fresh_replica_runs_them_all(fresh: Path) -> None:
    assert SCHEMA_VERSION == len(STEPS) >= 2
    con = dbfiles.connect(fresh)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    con.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_a_replica_built_at_each_past_version_migrates_to_the_fresh_schema(
    version: int, fresh: Path, tmp_path: Path
) -> None:
    old = tmp_path / f"v{version}.sqlite"
    con = sqlite3.connect(old, isolation_level=None)
    for step in STEPS[:version]:
        for statement in step:
            con.execute(statement)
    con.execute(f"PRAGMA user_version = {version}")
    con.close()
    open_replica(old).close()
    assert schema(old) == schema(fresh)


def test_a_replica_written_by_checkin_schema_1_opens_migrated_with_its_data(
    fresh: Path, tmp_path: Path
) -> None:
    path = tmp_path / "desk.sqlite"
    shutil.copyfile(PAST / "replica-v1.sqlite", path)
    before = dbfiles.connect(path)
    columns = {
        t: ", ".join(r[1] for r in before.execute(f"PRAGMA table_info({t})"))
        for t in ("attendee", "fact", "ticket_code")
    }
    rows = {t: before.execute(f"SELECT {c} FROM {t} ORDER BY 1").fetchall() for t, c in columns.items()}
    before.close()
    replica = open_replica(path)
    try:
        assert schema(path) == schema(fresh)
        with replica.read() as conn:
            for table, old_rows in rows.items():
                query = f"SELECT {columns[table]} FROM {table} ORDER BY 1"
                assert [tuple(r) for r in conn.exec_driver_sql(query)] == old_rows
            conn.exec_driver_sql("INSERT INTO attendee_fts(attendee_fts, rank) VALUES ('integrity-check', 1)")
        # The walk-in and the fixed surname are found; new work goes on and is indexed.
        assert [a.last_name for a in search.find(replica, "elodie durand")] == ["Durand"]
        assert [a.last_name for a in search.find(replica, "ngo lefevre")] == ["Ngô-Lefèvre"]
        with replica.read() as conn:
            person = sorted(all_live(conn), key=lambda a: a.registration)[5]
        facts.record_edit(replica, person.uid, "last_name", "Zyxwv", desk="Accueil 1", role="lead")
        assert [a.uid for a in search.find(replica, "zyxwv")] == [person.uid]
        with pytest.raises(Exception, match="append-only"):
            with replica.write() as conn:
                conn.exec_driver_sql("DELETE FROM fact")
    finally:
        replica.close()
