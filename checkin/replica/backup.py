"""Backups of the replica, restore, and what to do with a damaged one.

A desk copies its replica with SQLite's online backup (a consistent snapshot, taken while
the desk goes on admitting) every few minutes and at the end of the day, into a second
folder — a USB stick, a shared folder — so a laptop that dies at 10:00 does not take the
morning's check-ins with it. Each copy is written under a temporary name, flushed, checked
(``PRAGMA quick_check``) and only then renamed: a kill or a power cut during a backup leaves
the previous backups whole and at worst a ``.partial`` file, removed by the next backup.
The last ``keep`` regular backups are kept; end-of-day backups are not counted (one a day).

Restoring replaces the replica by a backup (the replaced file is kept aside, never deleted),
then copies back from the replaced file every fact it still can read that the backup lacks
(facts are keyed by UUID): a restore after damage loses only what the damage destroyed.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from checkin.base import paths
from checkin.base.errors import DatabaseError, KnownError
from checkin.base.i18n import _
from checkin.replica import cipher
from checkin.replica.db import folder_sentence, quick_check

log = logging.getLogger(__name__)
# A stick pulled out, a full disk, SQLite's errors (either library), a key that does not fit.
_COPY_ERRORS: tuple[type[Exception], ...] = (OSError, *cipher.Error)
_OPEN_ERRORS: tuple[type[Exception], ...] = (*cipher.Error, KnownError)

_NAME = re.compile(r"^checkin-(?P<desk>[0-9a-f]{8})-(?P<when>\d{8}-\d{6})-(?P<kind>auto|day|manual)\.sqlite$")
KINDS = ("auto", "day", "manual")


@dataclass(frozen=True)
class Backup:
    path: Path
    when: datetime  # local time of the snapshot
    kind: str  # auto | day | manual

    def describe(self) -> str:
        return _(
            "sauvegarde du {date} à {time} ({path})",
            date=self.when.strftime("%d/%m/%Y"),
            time=self.when.strftime("%H:%M:%S"),
            path=self.path,
        )


def default_folder() -> Path:
    return paths.data_dir() / "backups"


def folder_for(configured: str) -> Path:
    return Path(configured).expanduser() if configured else default_folder()


def listing(folder: Path) -> list[Backup]:
    """The complete backups in ``folder``, oldest first (partial files are not backups)."""
    found: list[Backup] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = _NAME.match(entry.name)
        if match:
            when = datetime.strptime(match["when"], "%Y%m%d-%H%M%S")
            found.append(Backup(entry, when, match["kind"]))
    return sorted(found, key=lambda b: (b.when, b.path.name))


def latest(folder: Path) -> Backup | None:
    found = listing(folder)
    return found[-1] if found else None


def backup(source: Path, folder: Path, *, desk_id: str, kind: str = "auto", keep: int = 24) -> Backup:
    """Copy the replica at ``source`` into ``folder``; return the new backup.

    Raises :class:`KnownError` with a sentence when the folder cannot be written (a USB
    stick pulled out, a full stick): the replica itself is untouched.
    """
    assert kind in KINDS
    when = datetime.now().replace(microsecond=0)
    name = f"checkin-{desk_id[:8]}-{when:%Y%m%d-%H%M%S}-{kind}.sqlite"
    target = folder / name
    partial = folder / (name + ".partial")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        _remove_partials(folder)
        _copy(source, partial)
        os.replace(partial, target)
        paths.fsync_dir(folder)
    except _COPY_ERRORS as exc:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass  # the folder itself is gone (a stick pulled out)
        raise KnownError(
            _(
                "Sauvegarde impossible dans {folder} : {error}. Le poste continue ; vérifiez la clé "
                "ou le dossier de sauvegarde.",
                folder=folder,
                error=getattr(exc, "strerror", None) or exc,
            )
        ) from exc
    made = Backup(target, when, kind)
    prune(folder, keep)
    log.info("backup written: %s", target)
    return made


def _copy(source: Path, partial: Path) -> None:
    """SQLite's online backup into ``partial``, flushed and checked."""
    pages = int(os.environ.get("CHECKIN_BACKUP_PAGES", "-1"))  # tests: copy in small steps
    pause = float(os.environ.get("CHECKIN_BACKUP_PAUSE", "0"))
    src = cipher.connect(source, readonly=True)
    try:
        partial.unlink(missing_ok=True)
        fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
        # Encrypted as its source is, with its own salt: the desk's secret opens it.
        dst = cipher.connect(partial, encrypt=cipher.is_encrypted(source))
        try:
            if pause:  # tests: a slow copy, to kill it halfway
                src.backup(dst, pages=pages, progress=lambda *_a: time.sleep(pause))
            else:
                src.backup(dst, pages=pages)
            dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained file
            found = dst.execute("PRAGMA quick_check").fetchone()[0]
            if found != "ok":
                raise sqlite3.DatabaseError(f"copy check failed: {found}")
        finally:
            dst.close()
    finally:
        src.close()
    with partial.open("rb+") as fh:
        os.fsync(fh.fileno())


def _remove_partials(folder: Path) -> None:
    for stale in folder.glob("checkin-*.sqlite.partial"):
        stale.unlink(missing_ok=True)


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove the oldest regular backups beyond ``keep``; end-of-day ones stay."""
    regular = [b for b in listing(folder) if b.kind != "day"]
    gone = [b.path for b in regular[: max(0, len(regular) - keep)]]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


# -- damage ----------------------------------------------------------------------------


def check(path: Path) -> str:
    return quick_check(path)


def damaged_sentence(path: Path, problem: str, folder: Path, hub: str) -> str:
    """What the desk says about a damaged replica: what is wrong and what to do."""
    last = latest(folder)
    options = []
    if last is not None:
        options.append(_("restaurer la dernière sauvegarde ({backup})", backup=last.describe()))
    if hub:
        options.append(_("reconstruire le poste depuis le hub ({hub})", hub=hub))
    if not options:
        options.append(_("copier le poste depuis un autre poste ou réimporter l'export"))
    return _(
        "La base du poste {path} est abîmée ({problem}). Pour continuer : {options}. "
        "Les arrivées encore lisibles dans la base abîmée seront reprises.",
        path=path,
        problem=problem.splitlines()[0][:160],
        options=_(" ou ").join(options),
    )


# -- restore ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    replica: Path
    kept_aside: Path | None  # the replaced file, renamed
    backup: Backup | None
    salvaged: int  # facts copied back from the replaced file

    def sentence(self) -> str:
        source = self.backup.describe() if self.backup else _("une base vide")
        text = _("Poste remis en état depuis {source}.", source=source)
        if self.salvaged:
            text += " " + _("{n} faits repris de l'ancienne base.", n=self.salvaged)
        if self.kept_aside:
            text += " " + _("L'ancienne base est gardée sous {path}.", path=self.kept_aside)
        return text


def restore(replica: Path, chosen: Backup | None) -> Restored:
    """Put ``chosen`` (None: an empty replica, to rebuild from the hub) in place of the
    replica, keeping the replaced file aside and the facts it still can give.

    The desk must be closed (the window does this before it opens the replica).
    """
    if replica.is_dir():
        raise DatabaseError(folder_sentence(replica))
    if chosen is not None:
        problem = check(chosen.path)
        if problem:
            raise KnownError(
                _(
                    "La sauvegarde {path} est abîmée elle aussi ({problem}) : choisissez-en une autre.",
                    path=chosen.path,
                    problem=problem,
                )
            )
    aside: Path | None = None
    if replica.exists():
        aside = replica.with_name(f"{replica.name}.replaced-{datetime.now():%Y%m%d-%H%M%S}")
        os.replace(replica, aside)
        for suffix in ("-wal", "-shm"):
            side = Path(f"{replica}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{aside}{suffix}"))
    if chosen is not None:
        partial = replica.with_name(replica.name + ".restoring")
        partial.unlink(missing_ok=True)
        src = cipher.connect(chosen.path, readonly=True)
        try:
            fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
            os.close(fd)
            dst = cipher.connect(partial, encrypt=cipher.is_encrypted(chosen.path))
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(partial, replica)
    salvaged = salvage(aside, replica) if aside is not None else 0
    return Restored(replica, aside, chosen, salvaged)


_FACT_COLUMNS = "id kind attendee_uid code day desk desk_id role at hlc ref field value reason data".split()


def _readable_facts(path: Path) -> Iterator[tuple[object, ...]]:
    """Every fact row SQLite can still read from a (perhaps damaged) file."""
    try:
        con = cipher.connect(path, readonly=True)
    except _OPEN_ERRORS:
        return
    try:
        cursor = con.execute(f"SELECT {', '.join(_FACT_COLUMNS)} FROM fact ORDER BY seq")
        while True:
            try:
                row = cursor.fetchone()
            except cipher.DbError as exc:
                log.warning("salvage stopped at a damaged page: %s", exc)
                return
            if row is None:
                return
            yield tuple(row)
    except cipher.DbError as exc:
        log.warning("salvage impossible: %s", exc)
    finally:
        con.close()


def salvage(damaged: Path, replica: Path) -> int:
    """Copy into ``replica`` the facts readable in ``damaged`` that it lacks (by UUID).

    Walk-ins come back as facts; their attendee rows are made again by the next exchange or
    by :func:`checkin.replica.facts.materialise_walkin` when the replica is opened by the desk.
    """
    from checkin.replica import facts as facts_module
    from checkin.replica.db import open_replica

    rows = list(_readable_facts(damaged))
    if not rows:
        return 0
    target = open_replica(replica)
    added = 0
    try:
        with target.write() as conn:
            for row in rows:
                done = conn.exec_driver_sql(
                    "INSERT INTO fact (id, kind, attendee_uid, code, day, desk, desk_id, role, at, hlc, "
                    "ref, field, value, reason, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(id) DO NOTHING",
                    row,
                )
                if done.rowcount:
                    added += 1
                    if row[1] == "walkin":
                        values: dict[str, Any] = dict(zip(_FACT_COLUMNS, row, strict=True))
                        del values["desk_id"]
                        values["data"] = json.loads(str(values["data"]) or "{}")
                        facts_module.materialise_walkin(conn, facts_module.FactView(**values))
            if rows:
                target.clock.observe(max(str(r[9]) for r in rows))
    finally:
        target.close()
    log.info("salvage: %d facts copied back from %s", added, damaged)
    return added
