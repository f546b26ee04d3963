"""Where a pretix link keeps its notes: a desk's replica, or the hub.

A desk linked alone keeps the link, the last pull's place and the revoked secrets in its
replica. With ``--hub`` one machine links the hub: the notes live in the hub's ``meta``
(the revoked secrets and the event's public keys as JSON lists the desks copy at their
exchange, ``checkin.sync.exchange``), and pretix's orders are imported into the hub. The
pull and the link work on either through this small surface, so this layer never imports
``checkin.sync`` (a sibling): the command line hands the hub's side in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Protocol

from checkin.event.model import EventConfig
from checkin.importer.dispatch import import_file
from checkin.importer.opened import OpenedExport
from checkin.importer.summary import ImportSummary
from checkin.replica.db import Replica
from checkin.replica.signed import REVOKED_META, add_revoked, json_list


class Notes(Protocol):
    """Key → text notes (a replica's or the hub's ``meta``), and what a pull writes."""

    def meta(self, key: str, default: str = "") -> str: ...

    def set_meta(self, key: str, value: str) -> None: ...

    def revoke(self, secrets: Iterable[str]) -> int:
        """Add secrets to the revoked list; how many were new."""
        ...

    def apply(self, event: EventConfig, export: OpenedExport) -> ImportSummary:
        """Import pretix's order data."""
        ...


class ReplicaNotes:
    """A desk on its own: everything in its replica."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def meta(self, key: str, default: str = "") -> str:
        return self.replica.meta(key, default)

    def set_meta(self, key: str, value: str) -> None:
        with self.replica.write() as conn:
            conn.exec_driver_sql(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def revoke(self, secrets: Iterable[str]) -> int:
        with self.replica.write() as conn:
            return add_revoked(conn, secrets)

    def apply(self, event: EventConfig, export: OpenedExport) -> ImportSummary:
        return import_file(self.replica, event, export)


class HubNotes:
    """The hub's side, given as callables by the command line (``checkin.sync`` is a sibling)."""

    def __init__(
        self,
        get: Callable[[str], str],
        put: Callable[[str, str], None],
        importer: Callable[[EventConfig, OpenedExport], ImportSummary],
    ) -> None:
        self._get, self._put, self._import = get, put, importer

    def meta(self, key: str, default: str = "") -> str:
        return self._get(key) or default

    def set_meta(self, key: str, value: str) -> None:
        self._put(key, value)

    def revoke(self, secrets: Iterable[str]) -> int:
        known = json_list(self._get(REVOKED_META))
        new = [s for s in dict.fromkeys(secrets) if s not in set(known)]
        if new:
            self._put(REVOKED_META, json.dumps(known + new))
        return len(new)

    def apply(self, event: EventConfig, export: OpenedExport) -> ImportSummary:
        return self._import(event, export)


def notes_of(where: Replica | Notes) -> Notes:
    """A replica's notes, or the notes given."""
    return ReplicaNotes(where) if isinstance(where, Replica) else where
