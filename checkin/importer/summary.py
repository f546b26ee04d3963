"""What an import did (or, for a dry run, would do), as the command line, the window and
the hub say it; and the note of the last import kept in the replica's ``meta``.

Below the appliers (``apply`` for registrations, ``grid`` for the programme and the B2B
grid) and the dispatcher that chooses between them, so each of them can fill one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Connection

from checkin.base.i18n import _


@dataclass
class ImportSummary:
    kind: str = "registrations"
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    missing: int = 0
    kept_fixes: int = 0
    dry_run: bool = False
    file: dict[str, str] = field(default_factory=dict)
    platform: str = ""  # the platform layout the file was read as ("" for a generic file)
    layout: str = ""  # that layout in words
    columns: dict[str, str] = field(default_factory=dict)  # field → header it was read from
    own_codes: int = 0  # registrations given a code of ours (the export has none)
    skipped: list[dict[str, Any]] = field(default_factory=list)  # rows that are not people
    table: dict[str, dict[str, int]] = field(default_factory=dict)  # category → day → people
    ticket_types: list[dict[str, Any]] = field(default_factory=list)
    defaults: list[dict[str, Any]] = field(default_factory=list)  # rows that fell to a default
    statuses: dict[str, int] = field(default_factory=dict)
    platform_checkins: int = 0
    unread_dates: int = 0  # registration dates kept as written (no date we can read)
    unread_date: str = ""  # the first of them, as the file writes it
    addons: dict[str, int] = field(default_factory=dict)  # add-on product → positions attached
    # registration → add-on product → positions: written to ``entitlement``, never shown whole
    entitled: dict[str, Counter[str]] = field(default_factory=dict, repr=False)
    steps: int = 0  # write transactions
    longest_step_ms: float = 0.0

    def sentence(self) -> str:
        """The summary in one line, as the command line and the window say it."""
        return _(
            "{read} lignes lues : {created} ajoutées, {updated} mises à jour, {unchanged} inchangées, "
            "{cancelled} annulées, {rejected} rejetées, {duplicates} personnes inscrites plusieurs fois.",
            read=self.read,
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
            cancelled=self.cancelled,
            rejected=len(self.rejected),
            duplicates=len(self.duplicates),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "cancelled": self.cancelled,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "missing": self.missing,
            "kept_fixes": self.kept_fixes,
            "dry_run": self.dry_run,
            "file": self.file,
            "platform": self.platform,
            "layout": self.layout,
            "columns": self.columns,
            "own_codes": self.own_codes,
            "skipped": self.skipped,
            "table": self.table,
            "ticket_types": self.ticket_types,
            "defaults": self.defaults,
            "statuses": self.statuses,
            "platform_checkins": self.platform_checkins,
            "unread_dates": {"count": self.unread_dates, "first": self.unread_date},
            "addons": self.addons,
            "steps": self.steps,
            "longest_step_ms": round(self.longest_step_ms, 1),
        }


def public(summary: ImportSummary) -> dict[str, Any]:
    """The note of an import the replica keeps (``meta.last_import``, the pre-flight's "last
    import"): counts, never the rows (no personal data in ``meta``)."""
    keep = ("kind", "read", "created", "updated", "unchanged", "cancelled", "missing", "kept_fixes")
    data = {k: v for k, v in summary.to_json().items() if k in keep or k in ("file", "platform", "dry_run")}
    data["at"] = datetime.now(UTC).isoformat(timespec="seconds")  # the pre-flight's "last import"
    data["rejected"] = len(summary.rejected)
    data["duplicates"] = len(summary.duplicates)
    return data


def set_meta(conn: Connection, key: str, value: str) -> None:
    """Write one ``meta`` note inside the import's own transaction."""
    conn.exec_driver_sql(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
