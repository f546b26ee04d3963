"""Several desks exchanging at the same time with one hub: the counts come out exact."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from checkin.demo import synthetic
from checkin.devtools.bench.sync import simulate
from checkin.event.model import EventConfig
from checkin.sync.hub import open_hub
from checkin.sync.hubimport import import_into_hub

from .helpers import desk, sync


def _template(url: str, tmp_path: Path, event: EventConfig, registrations: int) -> Path:
    """A hub holding a synthetic export, and a desk that pulled it (the desks are its copies)."""
    hub = open_hub(url)
    import_into_hub(hub, event, synthetic.write_export(tmp_path / "export.csv", registrations, event))
    hub.close()
    template = desk(tmp_path, "template")
    sync(template, url)
    template.close()
    return tmp_path / "template.sqlite"


def test_four_desks_at_once_end_with_exact_counts(
    new_hub: Callable[[], str], tmp_path: Path, sync_event: EventConfig
) -> None:
    url = new_hub()
    result = simulate(
        url, _template(url, tmp_path, sync_event, 1200), tmp_path, desks=4, admissions=200, every=50
    )
    assert result["hub_checkins"] == 800
    assert result["desk_checkins"] == [800] * 4
    assert result["desk_people"] == [800] * 4
    assert result["exchanges"] == 4 * 5


@pytest.mark.parametrize("new_hub", ["postgresql"], indirect=True)
def test_twenty_desks_of_2500_admissions_on_one_postgresql_hub(
    new_hub: Callable[[], str], tmp_path: Path, sync_event: EventConfig
) -> None:
    """The issue's simulation at its full size: 20 desk processes at once, 50,000 admissions."""
    url = new_hub()
    result = simulate(url, _template(url, tmp_path, sync_event, 60_000), tmp_path, desks=20, admissions=2500)
    assert result["hub_checkins"] == 50_000
    assert result["desk_checkins"] == [50_000] * 20
    assert result["desk_people"] == [50_000] * 20
    assert result["exchanges"] == 20 * 11  # every 250 admissions, and once at the end
