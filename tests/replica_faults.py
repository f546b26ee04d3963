"""What goes wrong with a replica file outside the desk, caused the same way by every test
that needs it: another program holding SQLite's write lock, a page garbled on disk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import TracebackType

from tests import dbfiles

ROOT = Path(__file__).resolve().parents[1]

_HOLD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from checkin.replica import cipher
con = cipher.connect(Path(sys.argv[1]), isolation_level=None)
con.execute("BEGIN IMMEDIATE")
if sys.argv[2] == "write":
    con.execute("INSERT INTO meta(key, value) VALUES ('other', 'program')")
print("held", flush=True)
sys.stdin.readline()
con.execute("COMMIT" if sys.argv[2] == "write" else "ROLLBACK")
"""


class OtherProgram:
    """A second connection to the file, in its own process (a command-line import, say),
    holding SQLite's write lock until released. With ``writes``, it has written the meta
    row ``other = program`` and commits it on release; otherwise it rolls back."""

    def __init__(self, path: Path | str, *, writes: bool = False) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _HOLD, str(path), "write" if writes else "hold", str(ROOT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "held"

    def release(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None and self.proc.stdout is not None
            self.proc.stdin.write("\n")
            self.proc.stdin.close()
            self.proc.wait(10)
            self.proc.stdout.close()

    def __enter__(self) -> OtherProgram:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def damage_page(path: Path) -> None:
    """Garble one page in the middle of the file (as a failing disk or a bad copy does): the
    root page of the registration index."""
    con = dbfiles.connect(path)
    page = int(con.execute("PRAGMA page_size").fetchone()[0])
    root = int(
        con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_attendee_registration'").fetchone()[
            0
        ]
    )
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page)
        fh.write(b"\xde\xad\xbe\xef" * (page // 4))
