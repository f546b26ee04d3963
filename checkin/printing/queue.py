"""The print queue: jobs in the replica's ``print_job`` table, one worker thread per printer.

Why it is built this way:

* **Nothing is lost.** A job is a row before anything else happens; its state moves
  queued → printing → done | failed, each step committed. A failed job keeps its reason and
  is retried with exponential back-off until ``max_attempts``.
* **No printer blocks another.** Each printer has its own worker thread; a back-end call
  runs in a helper thread with a timeout, so a hung printer fails its job ("does not
  answer") while the others keep printing.
* **No double print.** The worker hands a job to the back-end only after committing
  ``printing``; the back-end's handle (file path, CUPS request id) is committed with
  ``done`` and the ``print`` fact in one transaction. On start, a job found in
  ``printing`` (the app was killed) is asked of its back-end (``already_done``: the file
  printer's file is named after the job) and is either closed or queued again. A call
  that timed out is not retried while it may still complete: the worker waits for it, and
  if it does complete the job is closed, not printed again.
* **A worker cannot die.** Whatever goes wrong around a job — the database busy with a
  command-line import, a full disk, a bug — is logged with its traceback, the job fails with
  a reason and is retried later, and the worker carries on after a pause. An outcome that
  cannot be written at once (the printer printed, but the database refused the ``done``)
  is kept in memory and written before anything else is claimed: a printed badge is never
  printed again because its record came late.

Printed twice? A job's ``data.sending`` is committed just before the bytes go to the
printer. After a kill, a job left in ``printing`` that was not yet sending is queued again
(nothing reached the printer); one that was sending is asked of its printer: a file
printer tells from its file, and the job is closed or queued again; a printer that cannot
tell (CUPS, a receipt printer, the system's spooler) never gets it again by itself — the
job fails with a sentence asking the desk to look at the tray, and "Réessayer" prints it.
A badge is thus never printed twice without a person deciding it; the price is a look at
the tray when the desk was killed during the second a badge was being sent.

Admitted without a badge? With printing on admission, every admission at a desk gets a badge
job; one killed between the answer and the job is found at the next start
(:meth:`PrintQueue.recover_unqueued`) and its badge queued then.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.engine import Connection

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.event.model import EventConfig
from checkin.printing.backends import Backend
from checkin.printing.badge import BadgeRenderer
from checkin.replica import attendees, facts
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica

log = logging.getLogger(__name__)

COLUMNS = [
    "id",
    "kind",
    "attendee_uid",
    "code",
    "printer",
    "layout",
    "state",
    "attempts",
    "error",
    "reason",
    "reprint",
    "desk",
    "role",
    "created_at",
    "updated_at",
    "next_try_at",
    "fact_id",
    "data",
]
STATES = ("queued", "printing", "done", "failed")


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    attendee_uid: str
    code: str
    printer: str
    layout: str
    state: str
    attempts: int
    error: str
    reason: str
    reprint: bool
    desk: str
    role: str
    created_at: str
    updated_at: str
    next_try_at: str
    fact_id: str
    data: dict[str, Any]


def _job(row: Any) -> Job:
    values = dict(zip(COLUMNS, row, strict=True))
    values["data"] = json.loads(values["data"]) if values["data"] else {}
    values["reprint"] = bool(values["reprint"])
    return Job(**values)


def now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


class Renderer(Protocol):
    def __call__(self, job: Job, attendee: AttendeeView) -> tuple[bytes, str]:
        """The bytes to print and the media name for the back-end."""
        ...


class PdfBadgeRenderer:
    """Renders badge jobs to PDF with the job's layout (renderers cached per layout)."""

    def __init__(self, event: EventConfig, default_layout: str = "a6") -> None:
        self.event = event
        self.default_layout = default_layout
        self._renderers: dict[str, BadgeRenderer] = {}
        self._lock = threading.Lock()

    def __call__(self, job: Job, attendee: AttendeeView) -> tuple[bytes, str]:
        name = job.layout or self.default_layout
        with self._lock:  # ReportLab's font caches are not meant for concurrent first use
            renderer = self._renderers.get(name) or self._renderers.setdefault(
                name, BadgeRenderer(self.event, name)
            )
            out = io.BytesIO()
            renderer.render(
                [attendee],
                out,
                reprints={attendee.uid: int(job.data.get("reprint_count", 0))},
            )
        return out.getvalue(), renderer.layout.media


Listener = Callable[[Job], None]


class PrintQueue:
    """Background printing over the ``print_job`` table; see the module docstring."""

    def __init__(
        self,
        replica: Replica,
        printers: dict[str, Backend],
        renderer: Renderer,
        *,
        default_printer: str | None = None,
        layouts: dict[str, str] | None = None,
        max_attempts: int = 5,
        backoff: float = 2.0,
        max_backoff: float = 300.0,
        timeout: float = 60.0,
        write_timeout: float | None = None,
    ) -> None:
        self.replica = replica
        self.printers = dict(printers)
        self.renderer = renderer
        self.default_printer = default_printer or next(iter(self.printers), "")
        self.layouts = layouts or {}
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.write_timeout = write_timeout  # None: the replica's background default
        self._listeners: list[Listener] = []
        # Outcomes a worker could not write yet, per printer: (job id, the write to do).
        # Written before the worker claims anything else.
        self._unsettled: dict[str, list[tuple[str, Callable[[], None]]]] = {
            name: [] for name in self.printers
        }
        self._wake = {name: threading.Event() for name in self.printers}
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- listeners ---------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        """``listener(job)`` is called on every state change, from a worker thread."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def _emit(self, job: Job | None) -> None:
        if job is None:
            return
        for listener in list(self._listeners):
            try:
                listener(job)
            except Exception:
                log.exception("Print queue listener failed")

    # -- reading -----------------------------------------------------------------------

    def job(self, job_id: str) -> Job | None:
        with self.replica.read() as conn:
            return self._get(conn, job_id)

    @staticmethod
    def _get(conn: Connection, job_id: str) -> Job | None:
        row = conn.exec_driver_sql(
            f"SELECT {', '.join(COLUMNS)} FROM print_job WHERE id = ?", (job_id,)
        ).first()
        return _job(row) if row else None

    def jobs(self, state: str | None = None) -> list[Job]:
        sql = f"SELECT {', '.join(COLUMNS)} FROM print_job"
        params: tuple[str, ...] = ()
        if state:
            sql += " WHERE state = ?"
            params = (state,)
        with self.replica.read() as conn:
            return [_job(r) for r in conn.exec_driver_sql(sql + " ORDER BY created_seq", params).all()]

    # -- enqueueing --------------------------------------------------------------------

    def enqueue_badge(
        self,
        attendee: str | AttendeeView,
        printer: str | None = None,
        reason: str = "",
        reprint: bool = False,
        desk: str = "",
        role: str = "volunteer",
        layout: str | None = None,
    ) -> str:
        """Queue a badge and return the job id.

        A badge already printed (or pre-printed) is only printed again as a reprint with a
        reason; a badge already waiting in the queue is not queued twice.
        """
        uid = attendee if isinstance(attendee, str) else attendee.uid
        name = printer or self.default_printer
        if name not in self.printers:
            raise KnownError(_("Imprimante inconnue : {name}", name=name))
        if reprint and not reason.strip():
            raise KnownError(_("Une réimpression demande un motif."))
        with self._write() as conn:
            view = attendees.by_uid(conn, uid)
            if view is None:
                raise KnownError(_("Personne introuvable dans la base."))
            pending = conn.exec_driver_sql(
                "SELECT id FROM print_job WHERE attendee_uid = ? AND kind = 'badge' AND state IN ('queued', 'printing')",
                (uid,),
            ).first()
            if pending and not reprint:
                return str(pending[0])
            printed = int(
                conn.exec_driver_sql(
                    "SELECT count(*) FROM fact WHERE attendee_uid = ? AND (kind = 'preprint' OR "
                    "(kind = 'print' AND coalesce(json_extract(iif(json_valid(data), data, '{}'), '$.kind'), 'badge') = 'badge'))",
                    (uid,),
                ).scalar_one()
            )
            if printed and not reprint:
                raise KnownError(_("Ce badge a déjà été imprimé : une réimpression demande un motif."))
            job_id = str(uuid.uuid4())
            seq = int(
                conn.exec_driver_sql("SELECT coalesce(max(created_seq), 0) + 1 FROM print_job").scalar_one()
            )
            at = stamp(now())
            data = {"reprint_count": printed if reprint else 0}
            conn.exec_driver_sql(
                "INSERT INTO print_job (id, created_seq, kind, attendee_uid, code, printer, layout, state, "
                "attempts, error, reason, reprint, desk, role, created_at, updated_at, next_try_at, fact_id, data) "
                "VALUES (?, ?, 'badge', ?, ?, ?, ?, 'queued', 0, '', ?, ?, ?, ?, ?, ?, '', '', ?)",
                (
                    job_id,
                    seq,
                    uid,
                    view.code,
                    name,
                    layout or self.layouts.get(name, ""),
                    reason.strip(),
                    int(reprint),
                    desk,
                    role,
                    at,
                    at,
                    json.dumps(data),
                ),
            )
            job = self._get(conn, job_id)
        self._emit(job)
        self._wake[name].set()
        return job_id

    def retry(self, job_id: str) -> None:
        """Try a failed job again now (the desk's "retry" button)."""
        with self._write() as conn:
            conn.exec_driver_sql(
                "UPDATE print_job SET state = 'queued', next_try_at = '', updated_at = ? WHERE id = ? AND state = 'failed'",
                (stamp(now()), job_id),
            )
            job = self._get(conn, job_id)
        self._emit(job)
        if job and job.printer in self._wake:
            self._wake[job.printer].set()

    # -- running -----------------------------------------------------------------------

    def start(self) -> None:
        self.recover()
        self._stopping.clear()
        for name in self.printers:
            thread = threading.Thread(target=self._worker, args=(name,), name=f"print-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        for event in self._wake.values():
            event.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def recover(self) -> list[str]:
        """Settle jobs a killed app left in ``printing`` (see the module's docstring)."""
        settled: list[str] = []
        for job in self.jobs("failed"):
            backend = self.printers.get(job.printer)
            hung = job.data.get("hung") == job.attempts and job.next_try_at != ""
            if hung and (backend is None or backend.already_done(job.id) is None):
                self._update(job.id, error=self._look_at_the_tray(), next_try_at="")
                settled.append(job.id)
        for job in self.jobs("printing"):
            backend = self.printers.get(job.printer)
            sending = job.data.get("sending") == job.attempts
            done = backend.already_done(job.id) if backend is not None and sending else False
            if done:
                self._finish(job, job.data.get("handle", ""))
            elif done is None:
                self._update(job.id, state="failed", error=self._look_at_the_tray(), next_try_at="")
            else:
                self._update(
                    job.id,
                    state="queued",
                    error=_("Interrompu, repris au démarrage"),
                    next_try_at="",
                )
            settled.append(job.id)
        return settled

    @staticmethod
    def _look_at_the_tray() -> str:
        return _(
            "Interrompu pendant l'envoi à l'imprimante : regardez si le badge est sorti ; sinon, « Réessayer »."
        )

    def recover_unqueued(self, *, desk_id: str, day: str, hours: float = 12.0, desk: str = "") -> list[str]:
        """Queue the badge of every person admitted at this desk on ``day`` in the last
        ``hours`` who has no badge job and no printed badge: an admission answered just
        before the desk was killed, its badge never queued. Only for a desk that prints on
        admission (its caller knows)."""
        since = stamp(now() - timedelta(hours=hours))
        with self.replica.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT DISTINCT f.attendee_uid FROM fact f WHERE f.kind = 'checkin' AND f.desk_id = ? "
                "AND f.day = ? AND f.at >= ? "
                "AND NOT EXISTS (SELECT 1 FROM fact u WHERE u.ref = f.id AND u.kind || '' = 'undo') "
                "AND NOT EXISTS (SELECT 1 FROM print_job j WHERE j.attendee_uid = f.attendee_uid AND j.kind = 'badge') "
                "AND NOT EXISTS (SELECT 1 FROM fact p WHERE p.attendee_uid = f.attendee_uid "
                "AND p.kind IN ('print', 'preprint'))",
                (desk_id, day, since),
            ).all()
        queued = []
        for (uid,) in rows:
            try:
                queued.append(self.enqueue_badge(str(uid), desk=desk))
            except KnownError as exc:
                log.warning("badge not queued again after a restart: %s", exc.message)
        if queued:
            log.warning("%d badge(s) of admissions answered before a restart queued now", len(queued))
        return queued

    def _worker(self, printer: str) -> None:
        wake = self._wake[printer]
        failures = 0
        while not self._stopping.is_set():
            job: Job | None = None
            try:
                self._settle(printer)
                wake.clear()
                job = self._claim(printer)
                if job is None:
                    failures = 0
                    wake.wait(self._seconds_to_next(printer))
                    continue
                self._run(job)
                failures = 0
            except Exception as exc:  # never let the worker die: log, fail the job, go on
                failures += 1
                if isinstance(exc, KnownError):
                    log.warning("Print worker %s: %s", printer, exc.message)
                    reason = exc.message
                else:
                    log.exception("Print worker %s: unexpected error", printer)
                    reason = _("Erreur interne de la file d'impression : {error}", error=repr(exc))
                if job is not None and not any(i == job.id for i, _w in self._unsettled[printer]):
                    self._later(job, functools.partial(self._fail, job, reason, retry_later=True))
                # A pause that grows while the trouble lasts (the database busy, say).
                self._stopping.wait(min(self.max_backoff, self.backoff * 2 ** min(failures, 10)))

    def _settle(self, printer: str) -> None:
        """Write the outcomes a worker could not write when they happened (raises while it
        still cannot: the worker pauses and tries again)."""
        pending = self._unsettled[printer]
        while pending:
            _job_id, write = pending[0]
            write()
            pending.pop(0)

    def _later(self, job: Job, write: Callable[[], None]) -> None:
        self._unsettled[job.printer].append((job.id, write))

    def _write(self) -> Any:
        return self.replica.write(self.write_timeout)

    def _claim(self, printer: str) -> Job | None:
        at = stamp(now())
        with self._write() as conn:
            row = conn.exec_driver_sql(
                "SELECT id FROM print_job WHERE printer = ? AND (state = 'queued' OR "
                "(state = 'failed' AND next_try_at != '' AND next_try_at <= ?)) ORDER BY created_seq LIMIT 1",
                (printer, at),
            ).first()
            if row is None:
                return None
            conn.exec_driver_sql(
                "UPDATE print_job SET state = 'printing', attempts = attempts + 1, updated_at = ? WHERE id = ?",
                (at, row[0]),
            )
            job = self._get(conn, str(row[0]))
        self._emit(job)
        return job

    def _seconds_to_next(self, printer: str) -> float | None:
        with self.replica.read() as conn:
            value = conn.exec_driver_sql(
                "SELECT min(next_try_at) FROM print_job WHERE printer = ? AND state = 'failed' AND next_try_at != ''",
                (printer,),
            ).scalar_one()
        if not value:
            return None
        return max(0.01, (datetime.fromisoformat(str(value)) - now()).total_seconds())

    def _run(self, job: Job) -> None:
        backend = self.printers[job.printer]
        with self.replica.read() as conn:
            attendee = attendees.by_uid(conn, job.attendee_uid)
        if attendee is None:
            self._fail_or_later(job, _("Personne introuvable dans la base."), final=True)
            return
        # A back-end that renders its own jobs (an ESC/POS printer: slips, not PDFs) does so;
        # the others get the queue's PDF renderer.
        own = getattr(backend, "render", None)
        if own is not None and getattr(backend, "replica", "absent") is None:
            backend.replica = self.replica  # type: ignore[attr-defined]
        renderer = own or self.renderer
        try:
            data, media = renderer(job, attendee)
        except KnownError as exc:
            self._fail_or_later(job, exc.message, final=True)
            return
        except Exception:
            log.exception("Rendering job %s failed", job.id)
            self._fail_or_later(job, _("Erreur interne pendant la mise en page du badge."), final=True)
            return
        # From here the printer may get the bytes: a restart asks it before printing again.
        self._mark(job, sending=job.attempts)
        outcome: dict[str, Any] = {}

        def call() -> None:
            try:
                outcome["handle"] = backend.submit(
                    data, job_id=job.id, title=f"checkin-{job.id}", media=media
                )
            except Exception as exc:  # handed to the worker, which logs bugs
                outcome["error"] = exc

        helper = threading.Thread(target=call, name=f"print-{job.printer}-call", daemon=True)
        helper.start()
        helper.join(self.timeout)
        if helper.is_alive():
            log.warning("Printer %s did not answer within %.0f s", job.printer, self.timeout)
            # A restart while this call may still land must not send the job again blindly.
            self._mark(job, sending=job.attempts, hung=job.attempts)
            self._fail_or_later(
                job,
                _("L'imprimante {name} ne répond pas.", name=job.printer),
                retry_later=True,
            )
            # Do not send anything else to this printer while the call may still land.
            while helper.is_alive() and not self._stopping.is_set():
                helper.join(0.5)
            if helper.is_alive() or "error" in outcome:
                return
            # The late call went through: the job is printed, close it instead of retrying.
        error = outcome.get("error")
        if error is None:
            handle = str(outcome.get("handle", ""))
            try:
                self._finish(job, handle)
            except Exception:
                # Printed, but not recorded yet: recorded later, never printed again.
                self._later(job, lambda: self._finish(job, handle))
                raise
        elif isinstance(error, KnownError):
            self._fail_or_later(job, error.message)
        else:
            log.error("Printer %s failed: %r", job.printer, error)
            self._fail_or_later(
                job,
                _(
                    "Erreur de l'imprimante {name} : {error}",
                    name=job.printer,
                    error=error,
                ),
            )

    def _finish(self, job: Job, handle: str) -> None:
        with self._write() as conn:
            current = self._get(conn, job.id)
            if current is None or current.state == "done":
                return
            fact = facts.record_print(
                self.replica,
                job.attendee_uid,
                kind=job.kind,
                printer=job.printer,
                reason=job.reason,
                reprint=job.reprint,
                desk=job.desk,
                role=job.role or "volunteer",
                job_id=job.id,
                conn=conn,
            )
            data = dict(current.data, handle=handle)
            conn.exec_driver_sql(
                "UPDATE print_job SET state = 'done', error = '', next_try_at = '', fact_id = ?, data = ?, "
                "updated_at = ? WHERE id = ?",
                (fact.id, json.dumps(data), stamp(now()), job.id),
            )
            done = self._get(conn, job.id)
        self._emit(done)

    def _fail_or_later(
        self, job: Job, message: str, *, final: bool = False, retry_later: bool = False
    ) -> None:
        """Fail ``job`` with its reason; if that cannot be written now, keep it for later."""
        try:
            self._fail(job, message, final=final, retry_later=retry_later)
        except Exception:
            self._later(job, lambda: self._fail(job, message, final=final, retry_later=retry_later))
            raise

    def _fail(self, job: Job, message: str, *, final: bool = False, retry_later: bool = False) -> None:
        with self.replica.read() as conn:
            current = self._get(conn, job.id)
        attempts = current.attempts if current else job.attempts
        if final or attempts >= self.max_attempts:
            next_try = ""
        else:
            delay = min(self.max_backoff, self.backoff * 2 ** max(0, attempts - 1))
            next_try = stamp(now() + timedelta(seconds=delay))
        self._update(job.id, state="failed", error=message, next_try_at=next_try)

    def _mark(self, job: Job, **marks: int) -> None:
        """Note in the job's data where it stands (not a state change: nobody is told)."""
        with self._write() as conn:
            conn.exec_driver_sql(
                "UPDATE print_job SET data = ? WHERE id = ? AND state = 'printing'",
                (json.dumps({**job.data, **marks}), job.id),
            )

    def _update(self, job_id: str, **values: str) -> None:
        sets = ", ".join(f"{k} = ?" for k in values)
        with self._write() as conn:
            conn.exec_driver_sql(
                f"UPDATE print_job SET {sets}, updated_at = ? WHERE id = ? AND state != 'done'",
                (*values.values(), stamp(now()), job_id),
            )
            job = self._get(conn, job_id)
        self._emit(job)
