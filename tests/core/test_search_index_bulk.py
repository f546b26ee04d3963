"""A first import's search index, built after its rows: complete, merged, FTS5's merging on
again after it, and a fill or a merging cut short finished at the next open."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkin.arrivals import search
from checkin.event.model import EventConfig
from checkin.importer import apply, import_file
from checkin.replica import db
from checkin.replica.db import Replica, open_replica


def _check_index(replica: Replica) -> None:
    """FTS5's own check of the index against the rows (``rank`` 1: against the content)."""
    with replica.write() as conn:
        conn.exec_driver_sql("INSERT INTO attendee_fts(attendee_fts, rank) VALUES ('integrity-check', 1)")


def _settings(replica: Replica) -> dict[str, str]:
    with replica.read() as conn:
        return {str(k): str(v) for k, v in conn.exec_driver_sql("SELECT k, v FROM attendee_fts_config")}


def _everyone_found_by_email(replica: Replica) -> None:
    with replica.read() as conn:
        people = conn.exec_driver_sql(  # one entry per person: the registration that counts
            "SELECT coalesce(nullif(live_uid, ''), uid), email FROM attendee WHERE email != ''"
        ).all()
    # An address whose own part is a dot (a name in another script) matches the whole domain.
    people = [(uid, email) for uid, email in people if sum(c.isalnum() for c in email.split("@")[0]) >= 3]
    assert len(people) > 500
    for uid, email in people:
        assert uid in {a.uid for a in search.find(replica, email, 5)}, email


def test_a_first_import_indexes_its_rows_after_them_merged_and_complete(
    replica: Replica, event: EventConfig, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled: list[int] = []
    fill = apply.fill_search_index

    def counted(*args: object, **kwargs: object) -> int:
        filled.append(fill(*args, **kwargs))  # type: ignore[arg-type]
        return filled[-1]

    monkeypatch.setattr(apply, "fill_search_index", counted)
    summary = import_file(replica, event, sample_dir / "inscriptions.csv")
    assert filled == [578]  # every row, after them, in one fill
    assert summary.steps > 1
    _check_index(replica)
    settings = _settings(replica)
    assert settings.get("automerge") == "4" and settings.get("crisismerge") == "16"  # FTS5's own
    assert not db.merging_owed(replica)
    assert replica.meta("fts.upto", "") == ""
    _everyone_found_by_email(replica)
    # The next import of a changed file keeps the index in step row by row, no fill.
    changed = replica.path.parent / "v2.csv"  # type: ignore[union-attr]
    text = (sample_dir / "inscriptions.csv").read_text(encoding="utf-8-sig")
    changed.write_text(text.replace("Nour;Khoury;", "Nour;Khoury-Haddad;"), encoding="utf-8-sig")
    import_file(replica, event, changed)
    assert filled == [578]
    assert [a.last_name for a in search.find(replica, "khoury haddad", 3)][:1] == ["Khoury-Haddad"]
    _check_index(replica)


def test_a_fill_whose_merging_was_cut_short_is_finished_at_the_next_open(
    tmp_path: Path, event: EventConfig, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desk closed (or the process killed) after the fill, before its merging: FTS5's
    merging stays off on disk, and the next open merges and turns it on again."""
    path = tmp_path / "desk.sqlite"
    replica = open_replica(path)

    def cut(*_args: object) -> None:
        raise KeyboardInterrupt  # stands for the process stopped there

    monkeypatch.setattr(db, "_merge_search_index", cut)
    with pytest.raises(KeyboardInterrupt):
        import_file(replica, event, sample_dir / "inscriptions.csv")
    assert db.merging_owed(replica)
    assert _settings(replica)["automerge"] == "0"
    replica.close()
    monkeypatch.undo()
    again = open_replica(path)
    try:
        assert not db.merging_owed(again)
        assert _settings(again)["automerge"] == "4"
        _check_index(again)
        _everyone_found_by_email(again)
    finally:
        again.close()
