"""The replica's tables.

Two kinds of data live here and are never confused:

* **registrations** (``attendee``, ``ticket_code``, ``session``, ``meeting``) come from the
  organiser's export; an import may update them;
* **facts** (``fact``) are what desks did: check-ins, undos, prints, edits, walk-ins. A
  fact has a UUID, the desk that made it, a wall-clock time and a hybrid logical clock
  stamp; it is only ever added (an undo is a new fact pointing at the one it undoes).
  Triggers in the database refuse any UPDATE or DELETE on it.

An attendee's ``uid`` is derived from the event and the registration number, so every desk
that imports the same export agrees on it without talking to the others; facts name
attendees by ``uid``.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Meta(SQLModel, table=True):
    """Key/value facts about this replica: its desk id, event, import history."""

    key: str = Field(primary_key=True)
    value: str


class Attendee(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True, index=True)
    source: str = "import"  # "import" or "desk" (a walk-in)
    registration: str = Field(unique=True, index=True)
    code: str = Field(index=True)
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
    person_key: str = Field(default="", index=True)
    live_uid: str = Field(default="", index=True)
    row_hash: str = ""  # of the cleaned import values, to tell what changed
    raw: str = ""  # the export's row as read (JSON), kept for audit
    # Folded text for the search index (kept in sync by triggers on attendee_fts).
    search_names: str = ""
    search_org: str = ""
    search_email: str = ""
    # A check-in the ticketing platform had recorded when the export was taken (schema 2):
    # shown on the card as information, never counted as an arrival at a desk.
    platform_checkin: str = Field(default="", sa_column_kwargs={"server_default": ""})


class SensitiveInfo(SQLModel, table=True):
    """Dietary and accessibility needs: apart, so a desk's replica can leave them out."""

    __tablename__ = "sensitive_info"

    uid: str = Field(primary_key=True)
    dietary: str = ""
    accessibility: str = ""


class TicketCode(SQLModel, table=True):
    """Every code a registration ever had: an old code stays scannable."""

    __tablename__ = "ticket_code"

    code: str = Field(primary_key=True)
    uid: str = Field(index=True)


class Session(SQLModel, table=True):
    """A programme item: plenary, workshop, regional meeting, café, B2B block."""

    code: str = Field(primary_key=True)
    title: str = ""
    kind: str = ""
    day: str = ""
    start: str = ""
    end: str = ""
    room: str = ""


class Meeting(SQLModel, table=True):
    """A B2B meeting of the grid: two attendees at a table at a time."""

    id: int | None = Field(default=None, primary_key=True)
    day: str = ""
    slot: str = ""
    table_name: str = ""
    code_a: str = Field(default="", index=True)
    code_b: str = Field(default="", index=True)


class Fact(SQLModel, table=True):
    """Something a desk did. Append-only; see the module's docstring."""

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


class PrintJob(SQLModel, table=True):
    """A badge or ticket waiting for, going through or done with a printer.

    Unlike facts, a job's state changes (queued → printing → done | failed); when it is
    done, a ``print`` fact records it for good. A job left in ``printing`` by a killed
    app is found on the next start and resumed or offered again.
    """

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
