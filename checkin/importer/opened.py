"""An export opened once: its table, the kind of file it is, and the mapping it is read with.

Every import reads its file through this one value: the command line's, the window's and
the hub's build it from a path (``import_file``); the window's preview builds it, shows its
first rows, sets the columns staff chose, and hands it to the dry run, then reads the same
file again for the import without guessing anything twice (encoding, separator, sheet,
kind, columns). The cells come out as the platform meant them: pretix's apostrophe guard is
undone here, and only here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from checkin.importer import pretixjson
from checkin.importer.grid import detect
from checkin.importer.mapping import Mapping
from checkin.importer.platforms import unguard
from checkin.importer.sources import Table, open_table


@dataclass
class OpenedExport:
    path: Path
    table: Table
    kind: str  # "registrations", "programme" or "meetings" (see ``grid.detect``)
    stamp: tuple[int, int]  # the file's size and modification time when it was opened
    mapping: Mapping | None = None  # how a registrations file is read; None: not chosen yet
    _first: list[tuple[int, list[str]]] = field(default_factory=list)  # read ahead, not consumed

    @property
    def headers(self) -> list[str]:
        return self.table.headers

    @property
    def guarded(self) -> bool:
        """Whether cells carry pretix's CSV-injection guard (an XLSX cell holds the text itself)."""
        profile = self.mapping.profile if self.mapping is not None else None
        return (
            self.kind == "registrations"
            and profile is not None
            and profile.guarded
            and self.table.kind == "csv"
        )

    def first_rows(self, count: int) -> list[list[str]]:
        """The first ``count`` rows' cells, as read; ``rows()`` still yields them."""
        while len(self._first) < count:
            row = next(self.table.rows, None)
            if row is None:
                break
            self._first.append(row)
        guarded = self.guarded
        return [_unguarded(cells) if guarded else cells for _number, cells in self._first[:count]]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number as a spreadsheet shows it, cells) of every row, from the first."""
        guarded = self.guarded
        first, self._first = self._first, []
        for number, cells in first:
            yield number, _unguarded(cells) if guarded else cells
        for number, cells in self.table.rows:
            yield number, _unguarded(cells) if guarded else cells

    def file_info(self) -> dict[str, str]:
        """The file as the summary names it: name, format, encoding, separator, sheet."""
        info = {"name": self.path.name, "format": self.table.kind}
        if self.table.encoding:
            info["encoding"] = self.table.encoding
        if self.table.delimiter:
            info["delimiter"] = {"\t": "tab"}.get(self.table.delimiter, self.table.delimiter)
        if self.table.sheet:
            info["sheet"] = self.table.sheet
        return info

    def reopen(self) -> OpenedExport:
        """The file read again from its first row, as it was read (encoding, separator,
        sheet, kind, mapping); a file changed since is opened afresh, its mapping not chosen."""
        if _stamp(self.path) != self.stamp:
            return open_export(self.path)
        table = _open(self.path, like=self.table)
        if table.headers != self.table.headers:
            table.close()
            return open_export(self.path)
        return OpenedExport(self.path, table, self.kind, self.stamp, self.mapping)

    def close(self) -> None:
        """Close the file; what ``reopen`` needs (the decisions, not the reader) is kept."""
        self.table.close()
        self.table = replace(self.table, rows=iter(()), close=_nothing_to_close)
        self._first = []


def _nothing_to_close() -> None:
    """A closed export's ``close`` (a function, not a lambda: a closed export is sent whole
    to the import's own process, ``importer/apart.py``)."""


def open_export(path: Path) -> OpenedExport:
    """``path`` opened and its kind recognised; the mapping is chosen by the caller."""
    stamp = _stamp(path)
    table = _open(path)
    return OpenedExport(path, table, detect(table.headers), stamp)


def _open(path: Path, like: Table | None = None) -> Table:
    """A CSV or XLSX export as a table; pretix's JSON data export as its order-data table."""
    if like.kind == "json" if like is not None else pretixjson.looks_like(path):
        return pretixjson.read(path)
    return open_table(path, like)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)  # open_table says why it cannot be read
    return (info.st_size, info.st_mtime_ns)


def _unguarded(cells: list[str]) -> list[str]:
    return [unguard(c) if c[:1] == "'" else c for c in cells]
