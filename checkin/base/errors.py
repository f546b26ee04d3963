"""The split between what the user must be told and what is a bug.

A :class:`KnownError` is the environment's fault (a file that is not an export, a printer
that is off, a database written by a newer version): its message is one sentence, already
translated, that a volunteer can act on. Anything else is a bug and is logged with its
traceback.
"""

from __future__ import annotations


class KnownError(Exception):
    """An error whose message is meant for the user, in their language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ImportFileError(KnownError):
    """The file cannot be read as a registration export; nothing was imported."""


class DatabaseError(KnownError):
    """The replica cannot be opened or written (newer schema, disk full, locked…)."""


class DamagedReplica(DatabaseError):
    """The replica's file is damaged ("database disk image is malformed"): restore a backup
    or rebuild it from the hub (see :mod:`checkin.replica.backup`)."""

    def __init__(self, message: str, path: object, problem: str) -> None:
        super().__init__(message)
        self.path = path
        self.problem = problem
