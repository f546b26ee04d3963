"""A hub import published a batch at a time: the same hub as one batch, on both kinds of hub."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sample import SAMPLE_DIR

from checkin.event.model import EventConfig
from checkin.replica import cipher
from checkin.sync import hubimport
from checkin.sync.hub import open_hub
from checkin.sync.hubimport import import_into_hub

from .helpers import desk, hub_rows, sync

_CANCEL = "INS-2026-00419;AICT26-UD7TBP7G;Confirmée;"


def _import(url: str, event: EventConfig, path: Path) -> None:
    hub = open_hub(url)
    try:
        import_into_hub(hub, event, path)
    finally:
        hub.close()


def _state(url: str) -> list[list[tuple[object, ...]]]:
    return [
        hub_rows(url, "SELECT uid, code, status, row_hash, live_uid FROM hub_attendee ORDER BY uid"),
        hub_rows(url, "SELECT code, uid FROM hub_ticket_code ORDER BY code"),
        hub_rows(url, "SELECT uid, dietary, accessibility FROM hub_sensitive ORDER BY uid"),
    ]


def test_an_export_published_in_small_batches_gives_the_hub_one_batch_gives(
    new_hub: Callable[[], str], sync_event: EventConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = (SAMPLE_DIR / "inscriptions.csv").read_text(encoding="utf-8-sig")
    assert _CANCEL in source
    changed = tmp_path / "v2.csv"
    changed.write_text(source.replace(_CANCEL, _CANCEL.replace("Confirmée", "Annulée")), encoding="utf-8-sig")
    whole, batched = new_hub(), new_hub()
    for path in (SAMPLE_DIR / "inscriptions.csv", changed):
        _import(whole, sync_event, path)
    monkeypatch.setattr(hubimport, "_BATCH", 7)  # 578 registrations: 83 batches
    for path in (SAMPLE_DIR / "inscriptions.csv", changed):
        _import(batched, sync_event, path)
    assert _state(batched) == _state(whole)
    assert len(_state(batched)[0]) == 578
    # Every published row has a hub number of its own, and a desk pulls them all.
    numbers = [
        n
        for table in ("hub_attendee", "hub_ticket_code", "hub_sensitive")
        for (n,) in hub_rows(batched, f"SELECT hseq FROM {table}")
    ]
    assert len(numbers) == len(set(numbers))
    replica = desk(tmp_path, "d1")
    sync(replica, batched)
    with replica.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM attendee").scalar_one() == 578
        assert (
            conn.exec_driver_sql(
                "SELECT status FROM attendee WHERE registration = 'INS-2026-00419'"
            ).scalar_one()
            == "cancelled"
        )
    replica.close()


def _every_row(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every column of the three published tables, ``imported`` read as the JSON it is."""
    tables = {"hub_attendee": "uid", "hub_ticket_code": "code", "hub_sensitive": "uid"}
    found = {}
    for table, key in tables.items():
        hub = open_hub(url)
        try:
            with hub.read() as conn:
                result = conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY {key}")
                names = list(result.keys())
                rows = [dict(zip(names, r, strict=True)) for r in result]
        finally:
            hub.close()
        for row in rows:
            if "imported" in row:
                row["imported"] = json.loads(str(row["imported"]))
        found[table] = [tuple(sorted(r.items())) for r in rows]
    return found


def test_new_rows_copied_by_sqlite_give_the_hub_the_rows_sent_one_by_one_give(
    sync_event: EventConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file hub copies the registrations, codes and needs it does not hold yet straight
    from the staging copy (attached beside its transaction): the same rows, numbers and
    JSON as when Python sends them, on a first import and on the next one (a cancellation,
    a changed name, a new registration)."""
    source = (SAMPLE_DIR / "inscriptions.csv").read_text(encoding="utf-8-sig")
    first_line = source.splitlines()[1]
    added = first_line.replace("INS-2026-00419", "INS-2026-09999").replace(
        "AICT26-UD7TBP7G", "AICT26-ZZ9ZZ9ZZ"
    )
    added = added.replace("nour.khoury@", "nour.khoury.2@").replace(";Khoury;", ";Khoury-Haddad;")
    changed = tmp_path / "v2.csv"
    changed.write_text(
        source.replace(_CANCEL, _CANCEL.replace("Confirmée", "Annulée"))
        .replace(";Lusine;harutyunyan;", ";Lusine;Harutyunyan;")
        .rstrip("\n")
        + "\n"
        + added
        + "\n",
        encoding="utf-8-sig",
    )
    copies: list[int] = []
    copied = hubimport._copied

    def counted(conn: Any, sql: str, seq: int) -> tuple[int, int]:
        count, after = copied(conn, sql, seq)
        copies.append(count)
        return count, after

    monkeypatch.setattr(hubimport, "_copied", counted)
    by_sqlite, by_python = (str(tmp_path / f"{name}.sqlite") for name in ("copied", "sent"))
    for url in (by_sqlite, by_python):
        open_hub(url, create=True).close()
    _import(by_sqlite, sync_event, SAMPLE_DIR / "inscriptions.csv")
    assert copies[0] == 578  # every registration of a first import copied by SQLite
    _import(by_sqlite, sync_event, changed)
    assert copies[3] == 1  # the next import: its one new registration
    with monkeypatch.context() as no_attach:
        no_attach.setattr(cipher, "attach", lambda *_args: False)
        for path in (SAMPLE_DIR / "inscriptions.csv", changed):
            _import(by_python, sync_event, path)
    assert len(copies) == 6  # nothing copied without the staging copy attached
    assert _every_row(by_sqlite) == _every_row(by_python)
    assert len(_every_row(by_sqlite)["hub_attendee"]) == 579
    assert hub_rows(
        by_sqlite, "SELECT status, last_name FROM hub_attendee WHERE registration = 'INS-2026-00419'"
    ) == [("cancelled", "Khoury")]
