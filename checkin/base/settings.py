"""The desk's settings, each declared once: name, type, default, limits and meaning.

One typed schema (:class:`DeskSettings`), no Qt: the window, the CLI (``checkin backup``)
and the tests read the same object. It is stored as TOML in the configuration folder
(``paths.settings_path()``), written with a comment above each value so someone who opens
the file knows what it does.

Reading never raises. A file that cannot be parsed, a value of the wrong type or out of its
range, a key nobody knows: each gives one sentence in :attr:`DeskSettings.problems` (the
window shows them in its banner) and the default is used for that value only, so a
stray edit cannot silently reset the lead's PIN along with it. A file that cannot be parsed
at all is kept aside (``settings.toml.damaged``) before the next save replaces it.

Why these defaults, where two older copies disagreed:

* ``ready_delay_s`` = 8 s (not 6): the answer panel also shows the badge's print state,
  which an office printer reports 5–7 s after the scan; a new scan replaces the answer at
  once anyway, so a longer delay never holds up the next arrival.
* ``idle_lock_s`` = 2 min (not 5): the lead's functions (undo, reprint, walk-in, purge)
  unlock in three seconds with the PIN, while a desk left unlocked for minutes at a busy
  entrance lets anyone use them. The brief asks for a PIN *and* an idle timeout.
* ``scanner_max_gap_ms`` = 80 ms (not 35 or 40): scanners are set anywhere from 2 to 50 ms
  between keys (their "inter-character delay"), and the keys' timestamps, taken by the
  display server, gain 10–30 ms of jitter on a busy laptop (measured under Xvfb with the
  machine loaded). The filter no longer holds a person's keys while it waits (it takes
  the first key of a scan back instead), so the threshold can cover slow scanners
  without making anyone wait; the scanner check raises it for a scanner slower still.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tomllib
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from checkin.base import paths
from checkin.base.i18n import _

log = logging.getLogger(__name__)

SECTIONS = ("desk", "lead", "scanner", "printing", "sync", "backup")
# Tables of the same file that other modules declare and read: kept as they are on save.
FOREIGN = ("printers",)  # checkin.printing.config: one [printers.NAME] table per printer


def setting(
    default: Any,
    section: str,
    description: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    choices: tuple[str, ...] = (),
) -> Any:
    """Declare one setting (a dataclass field carrying its section, meaning and limits)."""
    assert section in SECTIONS, section
    return field(
        default=default,
        metadata={
            "section": section,
            "description": description,
            "minimum": minimum,
            "maximum": maximum,
            "choices": choices,
        },
    )


@dataclass
class DeskSettings:
    """Every setting of a desk. Add a setting here and nowhere else (typed, defaulted, described)."""

    # [desk]
    desk_name: str = setting(
        "Accueil 1", "desk", "Name of this desk, shown on screen and recorded with every fact"
    )
    language: str = setting("fr", "desk", "Interface language", choices=("fr", "en"))
    day: str = setting("", "desk", "Event day the lead chose (ISO date); empty: today, or the first day")
    day_chosen_on: str = setting(
        "", "desk", "Date on which the lead chose that day: the choice holds for restarts that same date"
    )
    ready_delay_s: int = setting(
        8, "desk", "Seconds before the answer goes back to 'ready'", minimum=2, maximum=120
    )
    muted: bool = setting(False, "desk", "Sounds off")
    kiosk: str = setting(
        "off",
        "desk",
        "Self-service kiosk: 'admit' (a scan admits and prints the badge), 'print-only' (prints the "
        "badge, counts no entry); 'off': the staffed desk. checkin kiosk [--print-only] opens one too",
        choices=("off", "admit", "print-only"),
    )
    room: str = setting(
        "",
        "desk",
        "Room whose door this desk is: checkin desk opens that door (as --room NAME does, which comes "
        'first; --room "" opens the reception desk); empty: the reception desk',
    )
    kiosk_return_s: int = setting(
        6, "desk", "Seconds the kiosk's answer stays before its idle screen", minimum=2, maximum=60
    )
    encrypt: bool = setting(
        True,
        "desk",
        "Encrypt the replica, its backups, the import's staging file and an SQLite hub at rest "
        "(SQLCipher); off only on a closed lab machine. CHECKIN_ENCRYPT=0 or 1 comes first",
    )
    event: str = setting(
        "",
        "desk",
        "Event file this desk serves (checkin event use FILE); --event and CHECKIN_EVENT come first; "
        "empty: the event shipped with the program",
    )
    # [lead]
    pin_hash: str = setting(
        "", "lead", "The lead's PIN, hashed with scrypt (see checkin.base.pin); empty: none yet"
    )
    staff_passphrase_hash: str = setting(
        "",
        "lead",
        "Staff's passphrase, hashed with scrypt: typed in the PIN dialog, it lifts the lock-out after "
        "too many wrong PINs (checkin lead-pin --staff-passphrase); empty: none",
    )
    idle_lock_s: int = setting(
        120, "lead", "Seconds of inactivity before the lead's functions lock again", minimum=15, maximum=3600
    )
    # [scanner]
    scanner_max_gap_ms: int = setting(
        80, "scanner", "Keys closer than this (ms) belong to a scanner burst", minimum=5, maximum=200
    )
    scanner_min_length: int = setting(4, "scanner", "Shortest burst taken as a scan", minimum=1, maximum=64)
    # What the scanner check found (empty: never checked). The layout pair is tried first
    # when a scan needs repairing, so a known mix-up is undone without guessing.
    scanner_layout: str = setting(
        "", "scanner", "Keyboard layout the scanner types in (us, fr, be, de, ch), as the scanner check found"
    )
    desk_layout: str = setting(
        "", "scanner", "This desk's own keyboard layout (us, fr, be, de, ch), as the scanner check found"
    )
    scanner_terminator: str = setting(
        "", "scanner", "Key the scanner sends after a code (enter, keypad-enter, tab, cr-lf…; none: nothing)"
    )
    scanner_prefix: str = setting("", "scanner", "Prefix the scanner adds before each code (e.g. ]Q1)")
    scanner_checked: str = setting(
        "", "scanner", "When the scanner check was last passed (ISO date and time)"
    )
    serial_port: str = setting(
        "", "scanner", "Serial (COM/tty) port of a scanner in serial mode; empty: keyboard"
    )
    # [printing]
    printer: str = setting("", "printing", "Badge printer (a configured printer's name); empty: the default")
    auto_print: bool = setting(True, "printing", "Print the badge on admission")
    # [sync]
    hub_url: str = setting("", "sync", "The hub: a shared .sqlite file or a PostgreSQL URL; empty: no sync")
    sync_interval_s: int = setting(
        5, "sync", "Seconds between live exchanges with the hub", minimum=1, maximum=3600
    )
    # [backup]
    backup_dir: str = setting(
        "", "backup", "Second folder for backups (USB stick, shared folder); empty: the data folder's backups"
    )
    backup_every_min: int = setting(
        5,
        "backup",
        "Minutes between two backups while the desk runs (0: only at the end of the day)",
        minimum=0,
        maximum=240,
    )
    backup_keep: int = setting(
        24, "backup", "How many backups to keep (the oldest go first)", minimum=1, maximum=1000
    )

    # Not settings: where they were read from, and what was wrong with the file.
    file: str = field(default="", repr=False, compare=False, metadata={"section": ""})
    problems: list[str] = field(default_factory=list, repr=False, compare=False, metadata={"section": ""})
    # The file's other tables ([printers.*], and any a newer checkin wrote): written back as read.
    others: dict[str, Any] = field(default_factory=dict, repr=False, compare=False, metadata={"section": ""})

    @staticmethod
    def default_path() -> Path:
        return paths.settings_path()

    @classmethod
    def load(cls, path: Path | None = None) -> DeskSettings:
        """The settings in ``path`` (the configuration folder's by default); never raises."""
        path = path or cls.default_path()
        settings = cls(file=str(path))
        data = _read(path, settings.problems)
        if data is None:
            data = _legacy(path, settings.problems)
        if data is None:
            return settings
        known = {f.name: f for f in schema()}
        for section, table in data.items():
            if section not in SECTIONS:
                settings.others[section] = table  # kept on save
                if section not in FOREIGN:
                    settings.problems.append(_problem_unknown(path, section))
                continue
            if not isinstance(table, dict):
                settings.problems.append(_problem_unknown(path, section))
                continue
            for key, value in table.items():
                spec = known.get(key)
                if spec is None or spec.metadata["section"] != section:
                    settings.problems.append(_problem_unknown(path, f"{section}.{key}"))
                    continue
                error = check(spec.name, value)
                if error:
                    settings.problems.append(
                        _(
                            "Réglage {name} dans {path} : {error} ; valeur par défaut ({default}) utilisée.",
                            name=f"{section}.{key}",
                            path=path,
                            error=error,
                            default=_shown(spec.default),
                        )
                    )
                    continue
                setattr(settings, spec.name, value)
        for problem in settings.problems:
            log.warning("settings: %s", problem)
        return settings

    def save(self) -> None:
        """Write every setting (atomically, readable by the owner alone)."""
        path = Path(self.file) if self.file else self.default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        damaged = path.with_name(path.name + ".damaged")
        if path.exists() and not damaged.exists() and _read(path, []) is None:
            path.replace(damaged)  # keep what could not be read, for whoever wants to look
        current = _read(path, []) if path.exists() else None
        if current is not None:  # tables others wrote since this was loaded ([printers.*])
            self.others = {k: v for k, v in current.items() if k not in SECTIONS} | self.others
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(self.to_toml(), encoding="utf-8")
        if os.name != "nt":
            os.chmod(tmp, 0o600)
        tmp.replace(path)

    def to_toml(self) -> str:
        lines = ["# checkin: this desk's settings (see checkin/base/settings.py)", ""]
        for name, value in self.others.items():  # keys outside any table come first
            if not isinstance(value, dict):
                lines.extend(_toml_table(_toml_key(name), value))
        for section in SECTIONS:
            lines.append(f"[{section}]")
            for spec in schema():
                if spec.metadata["section"] == section:
                    lines.append(f"# {spec.metadata['description']}")
                    lines.append(f"{spec.name} = {_toml_value(getattr(self, spec.name))}")
            lines.append("")
        for name, value in self.others.items():
            if isinstance(value, dict):
                lines.extend(_toml_table(_toml_key(name), value))
        return "\n".join(lines)

    def choose_day(self, day: str) -> None:
        """Remember the lead's choice of day (and when it was made)."""
        self.day = day
        self.day_chosen_on = date.today().isoformat()

    def chosen_day(self, today: date | None = None) -> str:
        """The lead's day if it was chosen on ``today``'s date, else ""."""
        if self.day and self.day_chosen_on == (today or date.today()).isoformat():
            return self.day
        return ""


def schema() -> list[Any]:
    """The declared settings (dataclass fields), in the order of the file."""
    return [f for f in fields(DeskSettings) if f.metadata.get("section")]


def check(name: str, value: Any) -> str:
    """Why ``value`` is not acceptable for setting ``name`` ("" when it is)."""
    spec = next(f for f in schema() if f.name == name)
    kind = type(spec.default)
    meta = spec.metadata
    if kind is bool and not isinstance(value, bool):
        return _("vrai ou faux (true/false) attendu, {value} lu", value=_shown(value))
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        return _("nombre entier attendu, {value} lu", value=_shown(value))
    if kind is str and not isinstance(value, str):
        return _("texte entre guillemets attendu, {value} lu", value=_shown(value))
    if meta["choices"] and value not in meta["choices"]:
        return _(
            "une valeur parmi {choices} attendue, {value} lu",
            choices=", ".join(meta["choices"]),
            value=_shown(value),
        )
    low, high = meta["minimum"], meta["maximum"]
    if kind is int and ((low is not None and value < low) or (high is not None and value > high)):
        return _("valeur entre {low} et {high} attendue, {value} lu", low=low, high=high, value=value)
    return ""


def _read(path: Path, problems: list[str]) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(
            _(
                "Le fichier de réglages {path} est illisible ({error}) : réglages par défaut utilisés. "
                "Rouvrez les réglages (F10) pour en écrire un nouveau.",
                path=path,
                error=exc,
            )
        )
    except OSError as exc:
        problems.append(
            _(
                "Le fichier de réglages {path} ne peut pas être lu ({error}) : réglages par défaut utilisés.",
                path=path,
                error=exc.strerror or exc,
            )
        )
    return None


def _legacy(path: Path, problems: list[str]) -> dict[str, Any] | None:
    """The window's former JSON settings (``desk.json``, flat), read once into the schema's
    sections; the next save writes them as TOML."""
    old = path.with_name("desk.json")
    if path != paths.settings_path() or path.exists() or not old.exists():
        return None
    try:
        flat = json.loads(old.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(_("Anciens réglages {path} illisibles ({error}) : ignorés.", path=old, error=exc))
        return None
    if not isinstance(flat, dict):
        return None
    sections = {f.name: f.metadata["section"] for f in schema()}
    data: dict[str, Any] = {}
    for key, value in flat.items():
        if key in sections:
            data.setdefault(sections[key], {})[key] = value
    log.info("settings: read the former %s", old)
    return data


def _problem_unknown(path: Path, name: str) -> str:
    return _("Réglage inconnu {name} dans {path} : ignoré.", name=name, path=path)


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else json.dumps(key)


def _toml_table(name: str, value: Any) -> list[str]:
    """A table read from the file, written back (scalars first, then its sub-tables)."""
    if not isinstance(value, dict):
        return [f"{_toml_key(name)} = {_toml_value(value)}", ""]
    lines = [f"[{name}]"]
    nested = []
    for key, item in value.items():
        if isinstance(item, dict):
            nested.append((f"{name}.{_toml_key(key)}", item))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(item)}")
    lines.append("")
    for sub, item in nested:
        lines.extend(_toml_table(sub, item))
    return lines


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    # A JSON string is a valid TOML basic string (same escapes, \\uXXXX included).
    return json.dumps(str(value), ensure_ascii=False)
