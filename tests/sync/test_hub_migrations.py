"""A hub written by a past checkin (schema 1), on SQLite and on PostgreSQL, is migrated on
opening to the schema a fresh hub gets, its data intact and served to desks."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from checkin.replica import cipher
from checkin.sync.hub import HUB_SCHEMA, get_meta, open_hub
from tests import dbfiles

from .conftest import Cluster
from .helpers import desk, desk_state, sync

PAST = Path(__file__).resolve().parents[1] / "data" / "past"
TABLES = (
    "hub_meta",
    "hub_counter",
    "hub_attendee",
    "hub_ticket_code",
    "hub_session",
    "hub_meeting",
    "hub_fact",
)


def _indexes(url: str) -> dict[str, set[tuple[str, ...]]]:
    if "://" in url:
        engine = create_engine(url)
    else:  # a hub file, encrypted or not: opened as the desk opens it
        engine = create_engine(
            "sqlite://", module=cipher.dbapi(Path(url)), creator=lambda: dbfiles.connect(url)
        )
    try:
        found = inspect(engine)
        return {
            t: {tuple(ix["column_names"]) for ix in found.get_indexes(t)}  # type: ignore[misc]
            for t in found.get_table_names()
        }
    finally:
        engine.dispose()


def _past_rows() -> dict[str, list[tuple[object, ...]]]:
    con = dbfiles.connect(PAST / "hub-v1.sqlite", readonly=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t}").fetchall() for t in TABLES}
    finally:
        con.close()


def _check(url: str, fresh_url: str, tmp_path: Path) -> None:
    rows = _past_rows()
    hub = open_hub(url)
    try:
        with hub.read() as conn:
            assert get_meta(conn, "schema_version") == str(HUB_SCHEMA)
            assert conn.execute(text("SELECT count(*) FROM hub_fact")).scalar_one() == len(rows["hub_fact"])
            assert conn.execute(text("SELECT count(*) FROM hub_attendee")).scalar_one() == len(
                rows["hub_attendee"]
            )
    finally:
        hub.close()
    assert _indexes(url) == _indexes(fresh_url)
    # A new desk gets everything the past hub held: registrations, the walk-in, the facts.
    d = desk(tmp_path, f"new-{uuid.uuid4().hex[:6]}")
    sync(d, url)
    state = desk_state(d)
    assert len(state["attendees"]) == len(rows["hub_attendee"])  # type: ignore[arg-type]
    assert len(state["facts"]) == len(rows["hub_fact"])  # type: ignore[arg-type]
    d.close()


def test_a_file_hub_of_schema_1_is_migrated(tmp_path: Path) -> None:
    url = str(tmp_path / "hub.sqlite")
    shutil.copyfile(PAST / "hub-v1.sqlite", url)
    fresh = str(tmp_path / "fresh.sqlite")
    open_hub(fresh, create=True).close()
    assert ("ref",) not in _indexes(url)["hub_fact"]
    _check(url, fresh, tmp_path)


def test_a_postgresql_hub_of_schema_1_is_migrated(pg_cluster: Cluster, tmp_path: Path) -> None:
    name, fresh_name = f"hub_{uuid.uuid4().hex[:10]}", f"hub_{uuid.uuid4().hex[:10]}"
    pg_cluster.admin(f"CREATE DATABASE {name}")
    pg_cluster.admin(f"CREATE DATABASE {fresh_name}")
    url, fresh = pg_cluster.url(name), pg_cluster.url(fresh_name)
    try:
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                ddl = (PAST / "hub-v1-postgresql.sql").read_text(encoding="utf-8")
                ddl = "\n".join(line for line in ddl.splitlines() if not line.startswith("--"))
                for statement in ddl.split(";"):
                    if statement.strip():
                        conn.exec_driver_sql(statement)
                for table, rows in _past_rows().items():
                    if rows:
                        columns = [c["name"] for c in inspect(conn).get_columns(table)]
                        marks = ", ".join(f":{c}" for c in columns)
                        conn.execute(
                            text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"),
                            [dict(zip(columns, r, strict=True)) for r in rows],
                        )
        finally:
            engine.dispose()
        open_hub(fresh, create=True).close()
        assert ("ref",) not in _indexes(url)["hub_fact"]
        _check(url, fresh, tmp_path)
    finally:
        for db in (name, fresh_name):
            pg_cluster.admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


@pytest.mark.parametrize("version", range(1, HUB_SCHEMA))
def test_every_past_hub_version_has_its_migration(version: int) -> None:
    from checkin.sync.hub import MIGRATIONS

    assert version in MIGRATIONS
