"""The replica's and the hub's tables, declared once as SQLModel classes.

The frozen SQL of :mod:`checkin.replica.migrations` builds a replica on disk and stays the
way its schema evolves; these classes are the declaration the code reads: the attendee's
column lists (:mod:`checkin.replica.attendees`), the importer's staged rows, and the hub's
tables, which the hub creates from :data:`HUB_METADATA` on SQLite and PostgreSQL alike.
``tests/core/test_models`` builds a replica through the migrations and a hub through its
own init and compares both, table by table, with these classes.

Two kinds of data live in a replica and are never confused: **registrations**
(``attendee``, ``sensitive_info``, ``ticket_code``, ``session``, ``meeting``), which imports
and pulls may update, and **facts** (``fact``), which are only ever added. An attendee's
``uid`` is derived from the event and the registration number, so every desk that imports
the same export agrees on it; facts name attendees by ``uid``.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import BigInteger, Index, Table, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelMetaclass


def _internal(**kw: Any) -> Any:
    """A column kept for imports and search, not shown in a view of the attendee."""
    return Field(default="", sa_column_kwargs={"info": {"internal": True}}, **kw)


class ReplicaModel(SQLModel, registry=registry()):
    """The replica's tables (their own metadata: nothing else is created beside them)."""


class HubModel(SQLModel, registry=registry()):
    """The hub's tables: ``HubModel.metadata`` is what a new hub is created from."""


REPLICA_METADATA = ReplicaModel.metadata
HUB_METADATA = HubModel.metadata


# Scan, import and pull use Core/sqlite3, not the ORM: per row, session.add is ~20x, select ~2-4x slower.
def table(model: type[SQLModel]) -> Table:
    """The Core table of a model (what the hot paths and the hub's statements use)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


class Meta(ReplicaModel, table=True):
    """Key/value facts about this replica: its desk id, event, sync cursors, counts."""

    key: str = Field(primary_key=True)
    value: str


class Attendee(ReplicaModel, table=True):
    """A registration. The columns a view shows come first (``platform_checkin``, added by
    schema 2, is the last of them), then the internal ones."""

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True, index=True)
    source: str = "import"  # "import" or "desk" (a walk-in)
    registration: str = Field(unique=True, index=True)
    code: str = ""  # the current code; every code a registration had is in ticket_code
    status: str = "confirmed"  # confirmed | pending (payment) | cancelled | waitlisted
    registered_at: str = ""  # ISO 8601, local time of the event
    title: str = ""
    first_name: str = ""  # as displayed
    last_name: str = ""  # as displayed
    first_name_raw: str = ""  # as given
    last_name_raw: str = ""
    native_name: str = ""
    function: str = ""
    organisation: str = ""
    organisation_type: str = ""
    country: str = ""
    category: str = ""  # the category's name in the event file
    delegation: str = ""
    email: str = ""
    phone: str = ""
    days: str = ""  # ISO dates, comma-separated
    workshops: str = ""  # session codes, comma-separated
    regional_meeting: str = ""
    language: str = ""
    # Same person registered twice: every registration of the person carries the
    # person's key and the uid of the one that counts (the newest live registration).
    person_key: str = ""
    live_uid: str = Field(default="", index=True)
    # A check-in the ticketing platform had recorded when the export was taken (schema 2):
    # shown on the card as information, never counted as an arrival at a desk.
    platform_checkin: str = Field(default="", sa_column_kwargs={"server_default": ""})
    row_hash: str = _internal()  # of the export's cells, to tell what changed
    raw: str = _internal()  # the export's row as read (JSON), kept for audit
    # Folded text for the search index (attendee_fts, kept in step by triggers).
    search_names: str = _internal()
    search_org: str = _internal()
    search_email: str = _internal()


class SensitiveInfo(ReplicaModel, table=True):
    """Dietary and accessibility needs: apart, so a desk's replica can leave them out."""

    __tablename__ = "sensitive_info"

    uid: str = Field(primary_key=True)
    dietary: str = ""
    accessibility: str = ""


class TicketCode(ReplicaModel, table=True):
    """Every code a registration ever had: an old code stays scannable."""

    __tablename__ = "ticket_code"

    code: str = Field(primary_key=True)
    uid: str = Field(index=True)


class Entitlement(ReplicaModel, table=True):
    """An add-on a registration carries (schema 6): a product its person is entitled to,
    and how many positions of it the export attached to the person."""

    uid: str = Field(primary_key=True)
    product: str = Field(primary_key=True)
    count: int


class ProgrammeSession(ReplicaModel, table=True):
    """A programme item: plenary, workshop, regional meeting, café, B2B block."""

    __tablename__ = "session"

    code: str = Field(primary_key=True)
    title: str = ""
    kind: str = ""
    day: str = ""
    start: str = ""
    end: str = ""
    room: str = ""


class Meeting(ReplicaModel, table=True):
    """A B2B meeting of the grid: two attendees at a table at a time."""

    id: int | None = Field(default=None, primary_key=True)
    day: str = ""
    slot: str = ""
    table_name: str = ""
    code_a: str = Field(default="", index=True)
    code_b: str = Field(default="", index=True)


class Fact(ReplicaModel, table=True):
    """Something a desk did: check-in, undo, print, edit, walk-in. Append-only (triggers
    refuse an UPDATE, and a DELETE outside a purge)."""

    __table_args__ = (
        Index("fact_attendee_kind_day", "attendee_uid", "kind", "day"),
        Index("fact_kind_day", "kind", "day"),
        Index("fact_kind_day_value", "kind", "day", "value"),  # schema 9: a session's entries
    )

    seq: int | None = Field(default=None, primary_key=True)  # local order, for sync cursors
    id: str = Field(unique=True)  # UUID
    kind: str = Field(index=True)  # checkin | undo | print | edit | walkin | preprint
    attendee_uid: str = Field(default="", index=True)
    code: str = ""  # the code scanned, when there was one
    day: str = ""
    desk: str = ""  # the desk's name as shown ("Accueil 2")
    desk_id: str = ""  # the replica's UUID
    role: str = ""  # volunteer | lead | staff
    at: str = ""  # wall clock, ISO 8601 UTC
    hlc: str = Field(default="", index=True)  # hybrid logical clock stamp, orders facts
    ref: str = Field(default="", index=True)  # the fact an undo undoes
    field: str = ""  # an edit's field
    value: str = ""  # an edit's new value
    reason: str = ""  # reprint or edit reason
    data: str = ""  # JSON for what does not fit above (a walk-in's fields, a print job)


class PretixRevoked(ReplicaModel, table=True):
    """A secret pretix revoked (schema 7): signed, yet never to be admitted."""

    __tablename__ = "pretix_revoked"

    secret: str = Field(primary_key=True)


class PretixPush(ReplicaModel, table=True):
    """An admission sent to pretix (schema 8) and pretix's answer: ``ok``; ``forced`` (refused
    online for ``reason`` — ``already_redeemed``, ``unpaid``, ``revoked``, ``canceled`` —
    then recorded forced); ``refused`` (not recorded). The fact's UUID is the push's nonce."""

    __tablename__ = "pretix_push"

    fact_id: str = Field(primary_key=True)
    secret: str
    status: str
    reason: str
    explanation: str
    pushed_at: str


class PrintJob(ReplicaModel, table=True):
    """A badge or ticket waiting for, going through or done with a printer: its state
    changes (queued → printing → done | failed); once done, a ``print`` fact records it."""

    __tablename__ = "print_job"

    id: str = Field(primary_key=True)  # UUID
    created_seq: int = Field(default=0, index=True)
    kind: str = "badge"  # badge | ticket
    attendee_uid: str = Field(default="", index=True)
    code: str = ""
    printer: str = Field(default="", index=True)  # a configured printer's name
    layout: str = ""
    state: str = Field(default="queued", index=True)  # queued | printing | done | failed
    attempts: int = 0
    error: str = ""
    reason: str = ""  # "" for a first print; lost | damaged | misprint | name_change | …
    reprint: bool = False
    desk: str = ""
    role: str = ""
    created_at: str = ""
    updated_at: str = ""
    next_try_at: str = ""
    fact_id: str = ""  # the print fact, once done
    data: str = ""  # JSON: copies, options


# The hub. Every column is TEXT NOT NULL DEFAULT '' (BIGINT for counts and numbers), on
# SQLite and PostgreSQL alike. Every row carries ``hseq``, the number it took from
# ``hub_counter`` when it was written: a desk pulls "everything after n".


def _text(**kw: Any) -> Any:
    return Field(sa_type=Text, sa_column_kwargs={"server_default": ""}, **kw)


def _key() -> Any:
    return Field(primary_key=True, sa_type=Text)


def _number() -> Any:
    return Field(sa_type=BigInteger)


class HubMeta(HubModel, table=True):
    """The hub's identity, schema version, purge mark."""

    __tablename__ = "hub_meta"

    key: str = _key()
    value: str = _text()


class HubCounter(HubModel, table=True):
    """The one counter every hub row takes its ``hseq`` from (its row lock serialises writers)."""

    __tablename__ = "hub_counter"

    name: str = _key()
    value: int = _number()


class HubConflict(HubModel, table=True):
    __tablename__ = "hub_conflict"
    __table_args__ = (Index("hub_conflict_hseq", "hseq"),)

    id: str = _key()
    kind: str = _text()
    attendee_uid: str = _text()
    data: str = _text()
    hseq: int = _number()


class HubAggregate(HubModel, table=True):
    """Counts kept after a purge (one row per measure)."""

    __tablename__ = "hub_aggregate"

    name: str = _key()
    count: int = _number()


def _hub_copy(
    name: str,
    source: type[ReplicaModel],
    keys: tuple[str, ...],
    extra: tuple[str, ...] = (),
    indexes: tuple[Index, ...] = (),
) -> Any:
    """The hub's table of a replica table: its columns as TEXT (``keys`` the primary key;
    a local row id left out), then ``extra`` TEXT columns, then ``hseq``."""
    columns = [c.name for c in table(source).columns if c.name in keys or not c.primary_key]
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__tablename__": name, "__module__": __name__}
    for column in (*columns, *extra):
        annotations[column] = str
        namespace[column] = _key() if column in keys else _text()
    annotations["hseq"] = int
    namespace["hseq"] = _number()
    namespace["__annotations__"] = annotations
    if indexes:
        namespace["__table_args__"] = indexes
    class_name = "".join(part.title() for part in name.split("_"))
    return SQLModelMetaclass(class_name, (HubModel,), namespace, table=True)


HubAttendee = _hub_copy(
    "hub_attendee",
    Attendee,
    ("uid",),
    # JSON: the export's last values of the fields desks may fix; field -> stamp of the
    # value it holds; field -> fact id of the desk fix it holds, if any.
    ("imported", "field_hlc", "field_src"),
    (Index("hub_attendee_hseq", "hseq"),),
)
HubSensitive = _hub_copy("hub_sensitive", SensitiveInfo, ("uid",), (), (Index("hub_sensitive_hseq", "hseq"),))
HubTicketCode = _hub_copy(
    "hub_ticket_code", TicketCode, ("code",), (), (Index("hub_ticket_code_hseq", "hseq"),)
)
HubSession = _hub_copy("hub_session", ProgrammeSession, ("code",))
HubMeeting = _hub_copy("hub_meeting", Meeting, ("day", "slot", "table_name"))
HubFact = _hub_copy(
    "hub_fact",
    Fact,
    ("id",),
    ("hub_hlc",),  # the stamp corrected for the desk's measured clock skew
    (
        Index("hub_fact_hseq", "hseq"),
        Index("hub_fact_attendee", "attendee_uid", "kind"),
        Index("hub_fact_ref", "ref"),  # hub schema 2: the undo of a check-in, found by its ref
    ),
)
