"""The replica's schema, version by version, written out once and never edited.

Two kinds of data live in a replica and are never confused: **registrations**
(``attendee``, ``sensitive_info``, ``ticket_code``, ``session``, ``meeting``), which imports
and pulls may update, and **facts** (``fact``: check-ins, undos, prints, edits, walk-ins),
which are only ever added — triggers refuse any UPDATE or DELETE of a fact, except a purge's
DELETE after the event. ``print_job`` is the print queue's changing state; ``meta`` holds the
desk's identity, sync cursors and counts kept after a purge.

``MIGRATIONS[n]`` takes a replica at version ``n`` (SQLite's ``user_version``) to ``n + 1``.
Each step is explicit SQL frozen when it shipped: a new replica runs every step from 0, an
old one the steps it lacks, and both end with the same schema (``tests/core/test_migrations``
opens replicas written by past versions of checkin and compares). To change the schema, add
a step; never edit one.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection

# Schema 1, as checkin wrote it up to this change (it was SQLModel's ``create_all`` then).
V1 = [
    """CREATE TABLE meta (
        "key" VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        PRIMARY KEY ("key"))""",
    """CREATE TABLE attendee (
        id INTEGER NOT NULL,
        uid VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        registration VARCHAR NOT NULL,
        code VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        registered_at VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        first_name VARCHAR NOT NULL,
        last_name VARCHAR NOT NULL,
        first_name_raw VARCHAR NOT NULL,
        last_name_raw VARCHAR NOT NULL,
        native_name VARCHAR NOT NULL,
        function VARCHAR NOT NULL,
        organisation VARCHAR NOT NULL,
        organisation_type VARCHAR NOT NULL,
        country VARCHAR NOT NULL,
        category VARCHAR NOT NULL,
        delegation VARCHAR NOT NULL,
        email VARCHAR NOT NULL,
        phone VARCHAR NOT NULL,
        days VARCHAR NOT NULL,
        workshops VARCHAR NOT NULL,
        regional_meeting VARCHAR NOT NULL,
        language VARCHAR NOT NULL,
        person_key VARCHAR NOT NULL,
        live_uid VARCHAR NOT NULL,
        row_hash VARCHAR NOT NULL,
        raw VARCHAR NOT NULL,
        search_names VARCHAR NOT NULL,
        search_org VARCHAR NOT NULL,
        search_email VARCHAR NOT NULL,
        PRIMARY KEY (id))""",
    "CREATE UNIQUE INDEX ix_attendee_registration ON attendee (registration)",
    "CREATE UNIQUE INDEX ix_attendee_uid ON attendee (uid)",
    "CREATE INDEX ix_attendee_person_key ON attendee (person_key)",
    "CREATE INDEX ix_attendee_live_uid ON attendee (live_uid)",
    "CREATE INDEX ix_attendee_code ON attendee (code)",
    """CREATE TABLE sensitive_info (
        uid VARCHAR NOT NULL,
        dietary VARCHAR NOT NULL,
        accessibility VARCHAR NOT NULL,
        PRIMARY KEY (uid))""",
    """CREATE TABLE ticket_code (
        code VARCHAR NOT NULL,
        uid VARCHAR NOT NULL,
        PRIMARY KEY (code))""",
    "CREATE INDEX ix_ticket_code_uid ON ticket_code (uid)",
    """CREATE TABLE session (
        code VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        day VARCHAR NOT NULL,
        start VARCHAR NOT NULL,
        "end" VARCHAR NOT NULL,
        room VARCHAR NOT NULL,
        PRIMARY KEY (code))""",
    """CREATE TABLE meeting (
        id INTEGER NOT NULL,
        day VARCHAR NOT NULL,
        slot VARCHAR NOT NULL,
        table_name VARCHAR NOT NULL,
        code_a VARCHAR NOT NULL,
        code_b VARCHAR NOT NULL,
        PRIMARY KEY (id))""",
    "CREATE INDEX ix_meeting_code_b ON meeting (code_b)",
    "CREATE INDEX ix_meeting_code_a ON meeting (code_a)",
    """CREATE TABLE fact (
        seq INTEGER NOT NULL,
        id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        attendee_uid VARCHAR NOT NULL,
        code VARCHAR NOT NULL,
        day VARCHAR NOT NULL,
        desk VARCHAR NOT NULL,
        desk_id VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        at VARCHAR NOT NULL,
        hlc VARCHAR NOT NULL,
        ref VARCHAR NOT NULL,
        field VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        data VARCHAR NOT NULL,
        PRIMARY KEY (seq),
        UNIQUE (id))""",
    "CREATE INDEX ix_fact_ref ON fact (ref)",
    "CREATE INDEX ix_fact_kind ON fact (kind)",
    "CREATE INDEX ix_fact_attendee_uid ON fact (attendee_uid)",
    "CREATE INDEX ix_fact_hlc ON fact (hlc)",
    """CREATE TABLE print_job (
        id VARCHAR NOT NULL,
        created_seq INTEGER NOT NULL,
        kind VARCHAR NOT NULL,
        attendee_uid VARCHAR NOT NULL,
        code VARCHAR NOT NULL,
        printer VARCHAR NOT NULL,
        layout VARCHAR NOT NULL,
        state VARCHAR NOT NULL,
        attempts INTEGER NOT NULL,
        error VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        reprint BOOLEAN NOT NULL,
        desk VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        created_at VARCHAR NOT NULL,
        updated_at VARCHAR NOT NULL,
        next_try_at VARCHAR NOT NULL,
        fact_id VARCHAR NOT NULL,
        data VARCHAR NOT NULL,
        PRIMARY KEY (id))""",
    "CREATE INDEX ix_print_job_printer ON print_job (printer)",
    "CREATE INDEX ix_print_job_attendee_uid ON print_job (attendee_uid)",
    "CREATE INDEX ix_print_job_state ON print_job (state)",
    "CREATE INDEX ix_print_job_created_seq ON print_job (created_seq)",
    # External-content index over the folded columns; triggers keep it in step.
    """CREATE VIRTUAL TABLE attendee_fts USING fts5(
        search_names, search_org, search_email,
        content='attendee', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER attendee_ai AFTER INSERT ON attendee BEGIN
        INSERT INTO attendee_fts(rowid, search_names, search_org, search_email)
        VALUES (new.id, new.search_names, new.search_org, new.search_email); END""",
    """CREATE TRIGGER attendee_ad AFTER DELETE ON attendee BEGIN
        INSERT INTO attendee_fts(attendee_fts, rowid, search_names, search_org, search_email)
        VALUES ('delete', old.id, old.search_names, old.search_org, old.search_email); END""",
    """CREATE TRIGGER attendee_au AFTER UPDATE OF search_names, search_org,
        search_email ON attendee BEGIN
        INSERT INTO attendee_fts(attendee_fts, rowid, search_names, search_org, search_email)
        VALUES ('delete', old.id, old.search_names, old.search_org, old.search_email);
        INSERT INTO attendee_fts(rowid, search_names, search_org, search_email)
        VALUES (new.id, new.search_names, new.search_org, new.search_email); END""",
    # Facts are only ever added.
    """CREATE TRIGGER fact_no_update BEFORE UPDATE ON fact BEGIN
        SELECT RAISE(ABORT, 'facts are append-only'); END""",
    """CREATE TRIGGER fact_no_delete BEFORE DELETE ON fact
        WHEN (SELECT value FROM meta WHERE key = 'purging') IS NOT 'yes' BEGIN
        SELECT RAISE(ABORT, 'facts are append-only'); END""",
    "CREATE INDEX fact_attendee_kind_day ON fact(attendee_uid, kind, day)",
    "CREATE INDEX fact_kind_day ON fact(kind, day)",
]

# Schema 2: the check-in a ticketing platform had recorded when the export was taken,
# shown on the card as information, never counted as an arrival at a desk (imports).
V2 = ["ALTER TABLE attendee ADD COLUMN platform_checkin VARCHAR NOT NULL DEFAULT ''"]

# Schema 3 (imports): an import indexes its rows for search in one statement per step:
# inside an import's transaction (``meta.fts_deferred``), the per-row trigger stands aside.
# FTS5 writes a segment per statement, so indexing row by row cost an import ten times more.
V3 = [
    "DROP TRIGGER IF EXISTS attendee_ai",
    """CREATE TRIGGER attendee_ai AFTER INSERT ON attendee
        WHEN (SELECT value FROM meta WHERE key = 'fts_deferred') IS NOT 'yes' BEGIN
        INSERT INTO attendee_fts(rowid, search_names, search_org, search_email)
        VALUES (new.id, new.search_names, new.search_org, new.search_email); END""",
]

# Schema 4: the search index may be filled after the rows, in short steps. While
# ``meta['fts.upto']`` holds an attendee id, the triggers keep the index in step for rows up
# to that id only; the rows above it are indexed later, in batches, from their current
# values (see :func:`checkin.replica.db.fill_search_index`). Without the key, every row is kept in
# step, as before. A long first pull or purge thus never holds the write lock for
# seconds, and an edit made meanwhile is never lost from the index.
_UPTO = "coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts.upto'), 9223372036854775807)"
V4 = [
    "DROP TRIGGER attendee_ai",
    "DROP TRIGGER attendee_ad",
    "DROP TRIGGER attendee_au",
    f"""CREATE TRIGGER attendee_ai AFTER INSERT ON attendee
        WHEN (SELECT value FROM meta WHERE key = 'fts_deferred') IS NOT 'yes' AND new.id <= {_UPTO} BEGIN
        INSERT INTO attendee_fts(rowid, search_names, search_org, search_email)
        VALUES (new.id, new.search_names, new.search_org, new.search_email); END""",
    f"""CREATE TRIGGER attendee_ad AFTER DELETE ON attendee WHEN old.id <= {_UPTO} BEGIN
        INSERT INTO attendee_fts(attendee_fts, rowid, search_names, search_org, search_email)
        VALUES ('delete', old.id, old.search_names, old.search_org, old.search_email); END""",
    f"""CREATE TRIGGER attendee_au AFTER UPDATE OF search_names, search_org,
        search_email ON attendee WHEN old.id <= {_UPTO} BEGIN
        INSERT INTO attendee_fts(attendee_fts, rowid, search_names, search_org, search_email)
        VALUES ('delete', old.id, old.search_names, old.search_org, old.search_email);
        INSERT INTO attendee_fts(rowid, search_names, search_org, search_email)
        VALUES (new.id, new.search_names, new.search_org, new.search_email); END""",
]

# Schema 5 (imports): two indexes no query uses, each of which cost an import a page written
# for nearly every row of a step (their keys come in no order): ``person_key`` (the importer
# reads every registration to group a person's) and ``code`` (a code is looked up in
# ``ticket_code``, which holds every code a registration was ever given).
V5 = ["DROP INDEX ix_attendee_person_key", "DROP INDEX ix_attendee_code"]

# Schema 6 (imports): what a registration's add-on positions entitle its person to (the
# accommodation, the evening event), one row per product, written by imports only.
V6 = [
    """CREATE TABLE entitlement (
        uid VARCHAR NOT NULL,
        product VARCHAR NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (uid, product)
    )""",
]

# Schema 7 (pretix): the secrets pretix revoked — a cancelled or changed ticket's printed
# secret, still validly signed, that a desk must refuse offline.
V7 = [
    """CREATE TABLE pretix_revoked (
        secret VARCHAR NOT NULL,
        PRIMARY KEY (secret))""",
]

# Schema 8 (pretix): what ``checkin pretix push`` sent — one row per admission (a check-in
# fact) pretix answered, with its answer; an admission with no row is still to be sent.
V8 = [
    """CREATE TABLE pretix_push (
        fact_id VARCHAR NOT NULL,
        secret VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        explanation VARCHAR NOT NULL,
        pushed_at VARCHAR NOT NULL,
        PRIMARY KEY (fact_id))""",
]

# Schema 9 (rooms): a session's entries found without reading the day's other movements —
# a door's count read 100,000 movements for each scan (`checkin bench-door`).
V9 = ["CREATE INDEX fact_kind_day_value ON fact (kind, day, value)"]

STEPS: list[list[str]] = [V1, V2, V3, V4, V5, V6, V7, V8, V9]
SCHEMA_VERSION = len(STEPS)


def _step(statements: list[str]) -> Callable[[Connection], None]:
    def run(conn: Connection) -> None:
        for statement in statements:
            conn.exec_driver_sql(statement)

    return run


# MIGRATIONS[n] takes a database at version n to version n + 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {n: _step(s) for n, s in enumerate(STEPS)}
