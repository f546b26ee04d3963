"""What a desk's replica holds, counted: for a purge, the window's first start and the rehearsal's
figures. The window reads these counts here rather than writing SQL of its own."""

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


def registration_count(replica: Replica) -> int:
    """How many registrations the desk holds (none: the window says to import an export)."""
    with replica.read() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM attendee").scalar_one())


def pending_prints(replica: Replica) -> int:
    """Print jobs not yet handed over (queued or printing): the depth of the print queue."""
    with replica.read() as conn:
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM print_job WHERE state IN ('queued', 'printing')"
            ).scalar_one()
        )


def checkins_on(replica: Replica, day: str) -> int:
    """Check-in facts recorded for ``day`` (undone ones included: every admission made)."""
    with replica.read() as conn:
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM fact WHERE kind = 'checkin' AND day = ?", (day,)
            ).scalar_one()
        )


# Who made a replica of invented people (``meta.invented``): the demo, a rehearsal or a
# bench. The event's retention date never purges such a replica (its people do not exist,
# and the shipped event's date is long past); a real import into it takes the mark away.
INVENTED_BY = ("demo", "rehearsal", "bench")


def mark_invented(replica: Replica, made_by: str) -> None:
    """Mark the replica as holding only invented people, made by ``made_by``."""
    assert made_by in INVENTED_BY, made_by
    with replica.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO meta(key, value) VALUES ('invented', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (made_by,),
        )


def forget_invented(replica: Replica) -> None:
    """Real people may come in (an import): the replica is no longer invented alone."""
    if invented_by(replica):
        with replica.write() as conn:
            conn.exec_driver_sql("DELETE FROM meta WHERE key = 'invented'")


def invented_by(replica: Replica) -> str:
    """``demo``, ``rehearsal`` or ``bench`` for a replica of invented people; "" otherwise."""
    return replica.meta("invented")
