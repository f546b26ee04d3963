"""What a desk's replica holds, counted: the rows a purge of this desk would delete."""

from __future__ import annotations

from checkin.replica.db import Replica

PERSONAL_TABLES = ("attendee", "fact", "print_job")


def desk_contents(replica: Replica) -> dict[str, int]:
    """Rows per table of personal data (a read: run it off the GUI thread)."""
    with replica.read() as conn:
        return {
            table: int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())
            for table in PERSONAL_TABLES
        }
