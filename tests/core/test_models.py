"""The SQLModel declaration (checkin.replica.models) is what the migrations build.

A replica made by the frozen migrations and a hub made by its own init (both fresh, and
both migrated from files a past checkin wrote) are compared with the models, table by
table: columns with their affinity, NOT NULL, primary key and default; indexes with their
columns and uniqueness. A column or an index added to one side only fails here.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, Table, UniqueConstraint
from sqlalchemy.dialects import sqlite

from checkin.replica.db import open_replica
from checkin.replica.models import HUB_METADATA, REPLICA_METADATA
from checkin.sync.hub import open_hub
from tests import dbfiles

PAST = Path(__file__).resolve().parents[1] / "data" / "past"
SEARCH_INDEX = "attendee_fts"  # an FTS5 table and its shadow tables, kept by triggers

Column = tuple[str, bool, int, str | None]  # affinity, NOT NULL, position in the key, default
Index = tuple[tuple[str, ...], bool]  # columns, unique


def affinity(declared: str) -> str:
    """SQLite's affinity of a declared type (https://sqlite.org/datatype3.html, 3.1)."""
    t = declared.upper()
    if "INT" in t:
        return "INTEGER"
    if any(s in t for s in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in t or not t:
        return "BLOB"
    if any(s in t for s in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def on_disk(path: Path) -> dict[str, tuple[dict[str, Column], dict[str, Index]]]:
    con = dbfiles.connect(path)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        found = {}
        for name in names:
            if name.startswith(SEARCH_INDEX):
                continue
            columns = {
                r[1]: (affinity(r[2]), bool(r[3]), r[5], r[4])
                for r in con.execute(f"PRAGMA table_info({name})")
            }
            indexes = {}
            for _seq, index, unique, origin, _partial in con.execute(f"PRAGMA index_list({name})"):
                if origin == "pk":
                    continue
                cols = tuple(r[2] for r in con.execute(f"PRAGMA index_info({index})"))
                # An inline UNIQUE is an automatic index with a generated name.
                indexes["UNIQUE" + repr(cols) if origin == "u" else index] = (cols, bool(unique))
            found[name] = (columns, indexes)
        return found
    finally:
        con.close()


def declared(metadata: MetaData) -> dict[str, tuple[dict[str, Column], dict[str, Index]]]:
    return {name: _declared(table) for name, table in metadata.tables.items()}


def _declared(table: Table) -> tuple[dict[str, Column], dict[str, Index]]:
    keys = [c.name for c in table.primary_key.columns]
    columns: dict[str, Column] = {}
    for c in table.columns:
        default: Any = c.server_default.arg if c.server_default is not None else None  # type: ignore[attr-defined]
        columns[c.name] = (
            affinity(c.type.compile(dialect=sqlite.dialect())),
            not c.nullable,
            keys.index(c.name) + 1 if c.name in keys else 0,
            None if default is None else "'" + str(default).replace("'", "''") + "'",
        )
    indexes: dict[str, Index] = {
        str(i.name): (tuple(c.name for c in i.columns), bool(i.unique)) for i in table.indexes
    }
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            cols = tuple(c.name for c in constraint.columns)
            indexes["UNIQUE" + repr(cols)] = (cols, True)
    return columns, indexes


def compare(path: Path, metadata: MetaData) -> None:
    disk, models = on_disk(path), declared(metadata)
    assert sorted(disk) == sorted(models)
    for name in models:
        assert disk[name][0] == models[name][0], f"columns of {name}"
        assert disk[name][1] == models[name][1], f"indexes of {name}"


@pytest.mark.parametrize("past", [None, "replica-v1.sqlite"])
def test_a_replica_is_the_models(tmp_path: Path, past: str | None) -> None:
    path = tmp_path / "desk.sqlite"
    if past:
        shutil.copy(PAST / past, path)
    open_replica(path).close()
    compare(path, REPLICA_METADATA)
    con = dbfiles.connect(path)
    sql = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", (SEARCH_INDEX,)).fetchone()[0]
    con.close()
    assert "fts5" in sql  # the search index: not a model, a virtual table the triggers keep


@pytest.mark.parametrize("past", [None, "hub-v1.sqlite"])
def test_a_hub_on_sqlite_is_the_models(tmp_path: Path, past: str | None) -> None:
    path = tmp_path / "hub.sqlite"
    if past:
        shutil.copy(PAST / past, path)
    open_hub(str(path), create=True).close()
    compare(path, HUB_METADATA)


def test_a_column_on_one_side_only_is_seen(tmp_path: Path) -> None:
    open_replica(tmp_path / "desk.sqlite").close()
    con = dbfiles.connect(tmp_path / "desk.sqlite")
    con.execute("ALTER TABLE ticket_code ADD COLUMN note VARCHAR NOT NULL DEFAULT ''")
    con.execute("CREATE INDEX ix_meeting_day ON meeting (day)")
    con.commit()
    con.close()
    with pytest.raises(AssertionError, match="columns of ticket_code"):
        compare(tmp_path / "desk.sqlite", REPLICA_METADATA)
    models = declared(REPLICA_METADATA)
    disk = on_disk(tmp_path / "desk.sqlite")
    assert disk["meeting"][1] != models["meeting"][1]
