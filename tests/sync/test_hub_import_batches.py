"""A hub import published a batch at a time: the same hub as one batch, on both kinds of hub."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sample import SAMPLE_DIR

from checkin.event.model import EventConfig
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
