"""The import's floor with the replica's indexes: what the ``sqlite3`` shell takes to
``.import`` the same file into a table indexed like the attendee table.

The plain floor (a table with no index) says how fast the file can be read and written at
all; it flatters nobody, since a desk must also find a registration by its number, by its
code and by any word of a name. So the table here has what the replica keeps for each row:
a unique index on the registration number (``ix_attendee_registration``), the code's
(``ticket_code``'s key), the person's (``live_uid``'s, keyed here by e-mail, the
duplicates' key), and the search index (FTS5, the same tokenizer) filled from the names,
the organisation and the e-mail in one statement after the rows (the cheapest way there is).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import time
from pathlib import Path

from checkin.importer.mapping import build


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def indexed_floor(export: Path, db: Path) -> float | None:
    """Seconds for the ``sqlite3`` shell to import ``export`` into an indexed table, or
    None without the shell."""
    shell = shutil.which("sqlite3")
    if not shell:
        return None
    with export.open("rb") as fh:
        head = fh.read(4096)
    delimiter = ";" if head.count(b";") > head.count(b",") else ","
    with export.open(encoding="utf-8-sig", newline="") as text:
        headers = next(csv.reader(text, delimiter=delimiter))
    mapping = build(headers)

    def col(field: str) -> str:
        index = mapping.columns.get(field)
        return _quoted(headers[index]) if index is not None else "''"

    names = " || ' ' || ".join(col(f) for f in ("first_name", "last_name", "full_name"))
    script = "\n".join(
        [
            f"CREATE TABLE registrations ({', '.join(_quoted(h) for h in headers)});",
            f"CREATE UNIQUE INDEX f_registration ON registrations ({col('registration')});",
            f"CREATE INDEX f_code ON registrations ({col('code')});",
            f"CREATE INDEX f_person ON registrations ({col('email')});",
            "CREATE VIRTUAL TABLE f_search USING fts5(names, org, email, "
            "content='', tokenize='unicode61 remove_diacritics 2');",
            ".mode csv",
            f".separator {delimiter}",
            f".import --skip 1 '{export}' registrations",
            f"INSERT INTO f_search(rowid, names, org, email) SELECT rowid, {names}, "
            f"{col('organisation')}, {col('email')} FROM registrations;",
        ]
    )
    started = time.perf_counter()
    subprocess.run([shell, str(db)], input=script, text=True, check=True, capture_output=True)
    return time.perf_counter() - started
