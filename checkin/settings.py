"""The desk's settings, each declared once with its type, default and meaning.

Stored as TOML in the configuration folder (``paths.settings_path()``); unknown keys are
kept, wrong types fall back to the default with a warning in the log.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from typing import Any

from checkin import paths

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    description: str


SETTINGS: tuple[Setting, ...] = (
    Setting("desk.name", str, "Accueil 1", "Name of this desk, shown on facts and reports"),
    Setting("desk.day", str, "", "Event day this desk admits (ISO); empty: today or the first day"),
    Setting("desk.language", str, "fr", "Interface language: fr or en"),
    Setting("desk.answer_seconds", int, 6, "Seconds before the answer returns to ready"),
    Setting("desk.sounds", bool, True, "Play a sound for each outcome"),
    Setting("desk.print_ticket", bool, False, "Print a welcome slip on admission"),
    Setting("desk.badge_printer", str, "files", "Printer name for badges"),
    Setting("desk.ticket_printer", str, "", "Printer name for welcome slips"),
    Setting("lead.pin_hash", str, "", "Hash of the desk lead's PIN (scrypt)"),
    Setting("lead.idle_minutes", int, 5, "Minutes of inactivity before the lead is locked out"),
    Setting("scanner.burst_ms", int, 35, "Longest gap between keys of a scanner burst"),
    Setting("scanner.serial_port", str, "", "Serial (COM) port of a scanner in serial mode"),
    Setting("sync.hub", str, "", "SQLAlchemy URL of the hub; empty: no sync"),
    Setting("sync.interval_s", int, 5, "Seconds between live exchanges"),
)
BY_NAME = {s.name: s for s in SETTINGS}


def load() -> dict[str, Any]:
    """All settings, defaults filled in, from the settings file."""
    values = {s.name: s.default for s in SETTINGS}
    path = paths.settings_path()
    if not path.exists():
        return values
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        log.warning("settings file unreadable, defaults used: %s", exc)
        return values
    for section, table in data.items():
        if not isinstance(table, dict):
            continue
        for key, value in table.items():
            name = f"{section}.{key}"
            setting = BY_NAME.get(name)
            if setting is None:
                values[name] = value
            elif isinstance(value, setting.type):
                values[name] = value
            else:
                log.warning("setting %s: expected %s, default used", name, setting.type.__name__)
    return values
