"""Reports as tables (CSV and XLSX), safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) would be
run as a formula by Excel or LibreOffice: such cells get a leading apostrophe, which the
spreadsheet shows as text. The registration export itself holds such a cell.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Sheet = tuple[str, Sequence[str], Sequence[Sequence[object]]]  # title, header, rows


def neutralise(value: object) -> object:
    """The cell as text that cannot run as a formula (numbers stay numbers)."""
    if isinstance(value, (int, float)):
        return value
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(path: Path, sheets: list[Sheet]) -> None:
    """One CSV (``;``, UTF-8 with BOM, as French Excel expects); several sheets one after another."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        for n, (title, header, rows) in enumerate(sheets):
            if len(sheets) > 1:
                if n:
                    writer.writerow([])
                writer.writerow([neutralise(title)])
            writer.writerow([neutralise(h) for h in header])
            for row in rows:
                writer.writerow([neutralise(c) for c in row])


def write_xlsx(path: Path, sheets: list[Sheet]) -> None:
    book = Workbook()
    first = True
    for title, header, rows in sheets:
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = _sheet_title(title)
        sheet.append([neutralise(h) for h in header])
        for row in rows:
            sheet.append([neutralise(c) for c in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
        sheet.freeze_panes = "A2"
    book.save(path)


def _sheet_title(title: str) -> str:
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in title)
    return cleaned[:31] or "Feuille"
