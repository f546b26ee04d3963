"""Import choices saved with the event: a column chosen by hand, ticket-type rules.

Staff who correct the import preview in the window (this column is the code, "Pass
Presse" is the press for the 8th) save their choices with the event, so the next export
of the same platform imports the same way, from the window or ``checkin import``. The file
sits beside the event file (``aict2026.import.toml``) when that folder is writable — the
organiser's copy of the event travels with its choices — and in the configuration folder
otherwise (an event shipped inside the program)::

    [columns]
    code = "Secret"

    [[ticket_types]]
    match = "Pass Presse"
    category = "presse"
    days = ["2026-07-08"]
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from checkin.base import paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.event.model import EventConfig, TicketRule, parse_ticket_rules


@dataclass(frozen=True)
class Choices:
    columns: dict[str, str]
    rules: tuple[TicketRule, ...]
    path: Path | None = None


def choices_path(event: EventConfig) -> Path:
    if event.source is not None:
        beside = event.source.with_name(f"{event.source.stem}.import.toml")
        if beside.exists() or (os.access(event.source.parent, os.W_OK) and not _packaged(event.source)):
            return beside
    return paths.config_dir() / "imports" / f"{event.id}.toml"


def _packaged(source: Path) -> bool:
    try:
        source.resolve().relative_to(paths.resources_dir().resolve())
    except ValueError:
        return False
    return True


def load_choices(event: EventConfig) -> Choices:
    path = choices_path(event)
    if not path.exists():
        return Choices({}, ())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        columns = {str(k): str(v) for k, v in dict(data.get("columns", {})).items()}
        rules = parse_ticket_rules(data, event.categories, event.days)
    except (OSError, tomllib.TOMLDecodeError, TypeError, ValueError) as exc:
        raise KnownError(
            _("Choix d'import enregistrés illisibles ({path}) : {error}", path=path, error=exc)
        ) from exc
    return Choices(columns, rules, path)


def save_choices(event: EventConfig, columns: dict[str, str], rules: tuple[TicketRule, ...]) -> Path:
    path = choices_path(event)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Choix d'import enregistrés depuis la fenêtre (checkin).", ""]
    if columns:
        lines.append("[columns]")
        lines += [f"{field} = {_quote(header)}" for field, header in sorted(columns.items())]
        lines.append("")
    for rule in rules:
        lines.append("[[ticket_types]]")
        lines.append(f"{'exact' if rule.exact else 'match'} = {_quote(rule.match)}")
        if rule.category:
            lines.append(f"category = {_quote(rule.category)}")
        if rule.days:
            lines.append("days = [" + ", ".join(_quote(d) for d in rule.days) + "]")
        lines.append("")
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    tmp.replace(path)
    return path


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def with_rules(event: EventConfig, rules: tuple[TicketRule, ...]) -> EventConfig:
    """The event with extra ticket-type rules (the saved ones, or the window's edits)
    checked before its own."""
    if not rules:
        return event
    return dataclasses.replace(event, ticket_rules=(*rules, *event.ticket_rules), _memo={})
