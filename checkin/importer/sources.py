"""Reading an export file as a header and rows, whatever produced it.

CSV in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or Windows-1252, with
``;``, ``,`` or tab between fields; XLSX read in streaming mode. A file that is not a
table at all (empty, binary, a PDF renamed .csv) gets one clear sentence.
"""

from __future__ import annotations

import codecs
import csv
import xml.etree.ElementTree
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checkin.base.errors import ImportFileError
from checkin.base.i18n import _

csv.field_size_limit(1 << 20)


@dataclass
class Table:
    """A header and an iterator of (row number as a spreadsheet shows it, cells)."""

    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    close: Callable[[], None] = lambda: None
    sheet: str = ""  # the XLSX sheet read


def open_table(path: Path, like: Table | None = None) -> Table:
    """``path`` as a table. ``like``: this file read before, unchanged since (the preview's):
    its encoding, separator and sheet are taken as they were decided, not guessed again."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
    except FileNotFoundError as exc:
        raise ImportFileError(_("Fichier introuvable : {path}", path=path)) from exc
    except IsADirectoryError as exc:
        raise ImportFileError(_("{path} est un dossier, pas un fichier.", path=path)) from exc
    except OSError as exc:
        raise ImportFileError(
            _("Impossible de lire {path} : {error}", path=path, error=exc.strerror)
        ) from exc
    if not head.strip(b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"):
        raise ImportFileError(_("Le fichier {name} est vide.", name=path.name))
    if head.startswith(b"PK\x03\x04"):
        return _xlsx(path, like.sheet if like else "")
    what = _sniff_binary(head)
    if what:
        raise ImportFileError(
            _(
                "{name} n'est pas un export d'inscriptions (c'est {what}) : "
                "exportez la liste en CSV ou en XLSX.",
                name=path.name,
                what=what,
            )
        )
    if like is not None and like.kind == "csv":
        return _csv(path, like.encoding, like.delimiter)
    encoding = _encoding(head)
    if encoding.startswith("utf-8") and not _decodes(path, encoding):
        encoding = "cp1252"
    return _csv(path, encoding, _delimiter(head, encoding))


def _sniff_binary(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return _("un document PDF")
    if head.startswith((b"\xd0\xcf\x11\xe0",)):
        return _("un ancien classeur Excel .xls")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return _("une image")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ""
    if b"\x00" in head:
        # UTF-16 without a BOM has a NUL in every other byte; anything else is binary.
        odd, even = head[1::2], head[0::2]
        if odd.count(0) > len(odd) * 0.8 or even.count(0) > len(even) * 0.8:
            return ""
        # NULs in text that is otherwise valid UTF-8 are dirt (cleaned away later); NULs
        # among bytes that are not text at all make a binary file.
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:
                return _("un fichier binaire")
    return ""


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    odd, even = head[1::2], head[0::2]
    if odd.count(0) > len(odd) * 0.8:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.8:
        return "utf-16-be"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut by the 8 KiB window
            return "utf-8"
        return "cp1252"


def _decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes, checked in chunks (the file is never held whole)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _delimiter(head: bytes, encoding: str) -> str:
    first_line = _first_record(head.decode(encoding, errors="ignore").lstrip("\ufeff"))
    delimiter = max(";,\t|", key=lambda d: _count_outside_quotes(first_line, d))
    if _count_outside_quotes(first_line, delimiter) == 0:
        delimiter = ","
    return delimiter


def _csv(path: Path, encoding: str, delimiter: str) -> Table:
    errors = "replace" if encoding == "cp1252" else "strict"
    stream = path.open(encoding=encoding, errors=errors, newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration as exc:
        stream.close()
        raise ImportFileError(_("Le fichier {name} est vide.", name=path.name)) from exc
    except UnicodeDecodeError as exc:
        stream.close()
        raise ImportFileError(_("Impossible de lire {path} : {error}", path=path, error=exc.reason)) from exc
    if headers and headers[0].startswith("\ufeff"):
        headers[0] = headers[0][1:]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            number = 1  # records, as a spreadsheet numbers its rows (a cell may hold line breaks)
            first_header = headers[0].strip() if headers else ""
            for cells in reader:
                number += 1
                first = cells[0].strip() if cells else ""
                if first == first_header and _repeats(cells, headers):
                    continue
                if first or any(c.strip() for c in cells):  # the first cell decides most rows
                    yield number, cells
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _("Impossible de lire {path} : {error}", path=path, error=exc.reason)
            ) from exc
        finally:
            stream.close()

    return Table(headers, rows(), "csv", encoding, delimiter, stream.close)


def _repeats(cells: list[str], headers: list[str]) -> bool:
    """A row that is the header line again (some exports repeat it at the end, or
    between the pages of a report): skipped, never read as a person."""
    return (
        len(cells) == len(headers)
        and cells[0].strip() == headers[0].strip()
        and all(c.strip() == h.strip() for c, h in zip(cells, headers, strict=True))
    )


def _first_record(text: str) -> str:
    end, quoted = 0, False
    for end, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch in "\r\n" and not quoted:
            return text[:end]
    return text


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count


# What a damaged XLSX raises while it is opened or read (a ZIP, compressed XML inside).
_BROKEN_XLSX = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    xml.etree.ElementTree.ParseError,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    IndexError,
    NotImplementedError,  # zipfile: "zip file version …", an unknown compression
)


def _xlsx(path: Path, sheet_title: str = "") -> Table:
    import openpyxl  # imported here: only XLSX imports pay for it

    try:
        with zipfile.ZipFile(path) as zf:
            if "xl/workbook.xml" not in zf.namelist():
                raise ImportFileError(
                    _(
                        "{name} est une archive ZIP mais pas un classeur Excel : "
                        "exportez la liste en CSV ou en XLSX.",
                        name=path.name,
                    )
                )
        # data_only=False: a cell holding a formula is read as the text typed, as in the CSV.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except ImportFileError:
        raise
    except _BROKEN_XLSX as exc:
        raise ImportFileError(
            _("Classeur Excel illisible ({name}) : {error}", name=path.name, error=exc)
        ) from exc
    header_row: tuple[object, ...] = ()
    number = 0
    try:  # the sheet is read as it goes: damage shows here too
        titled = [s for s in workbook.worksheets if sheet_title and s.title == sheet_title]
        sheet = titled[0] if titled else _best_sheet(workbook.worksheets)
        values = sheet.iter_rows(values_only=True)
        for number, header_row in enumerate(values, start=1):  # noqa: B007
            if any(v not in (None, "") for v in header_row):
                break
        else:
            workbook.close()
            raise ImportFileError(_("Le fichier {name} est vide.", name=path.name))
    except _BROKEN_XLSX as exc:
        workbook.close()
        raise ImportFileError(
            _("Classeur Excel illisible ({name}) : {error}", name=path.name, error=exc)
        ) from exc
    headers = [_cell(v) for v in header_row]
    start = number

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for n, row in enumerate(values, start=start + 1):
                cells = [_cell(v) for v in row]
                if any(c.strip() for c in cells) and not _repeats(cells, headers):
                    yield n, cells
        except _BROKEN_XLSX as exc:
            raise ImportFileError(
                _("Classeur Excel illisible ({name}) : {error}", name=path.name, error=exc)
            ) from exc
        finally:
            workbook.close()

    return Table(headers, rows(), "xlsx", close=workbook.close, sheet=sheet.title)


def _best_sheet(sheets: list[Any]) -> Any:
    """The sheet of people: a platform layout's (pretix's order data has three sheets,
    orders, positions and fees: the positions are the people), else a sheet named like
    registrations, else the first."""
    from checkin.importer.platforms import detect

    best: tuple[int, int, Any] | None = None
    for order, sheet in enumerate(sheets):
        header: list[str] = []
        for row in sheet.iter_rows(values_only=True, max_row=5):
            if any(v not in (None, "") for v in row):
                header = [_cell(v) for v in row]
                break
        found = detect(header) if header else None
        named = sheet.title.casefold() in {"inscriptions", "registrations", "attendees", "participants"}
        score = (found.score if found else 0) + (5 if named else 0)
        if best is None or (score, -order) > best[:2]:
            best = (score, -order, sheet)
    return best[2] if best else sheets[0]


# Above this, a float has lost digits: a 20-digit barcode Excel stored as a number.
_EXACT_FLOAT = 2.0**53


def _cell(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y %H:%M")  # type: ignore[no-any-return]
    if isinstance(value, float) and value.is_integer():
        if abs(value) >= _EXACT_FLOAT:
            return f"{value:.15E}".replace("E+", "E+")  # kept visibly damaged, never a code
        return str(int(value))
    return str(value)
