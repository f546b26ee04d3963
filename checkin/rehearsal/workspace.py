"""A rehearsal's own world: a temporary folder with its replica(s), its hub, its print folder
and its settings — never the desk's real replica, hub or configuration.

Everything a rehearsal writes lives under :attr:`Workspace.root` (``checkin-rehearsal-…`` in
the system's temporary folder). :func:`assert_isolated` is called before anything runs: a
rehearsal whose files would be the real replica or the real hub stops with a sentence.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from checkin.base import paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.demo import synthetic
from checkin.event.model import EventConfig
from checkin.replica import cipher, contents
from checkin.replica.db import open_replica
from checkin.sync.exchange import exchange
from checkin.sync.hub import open_hub
from checkin.sync.hubimport import import_into_hub

PREFIX = "checkin-rehearsal-"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def hub(self) -> str:
        return str(self.root / "hub.sqlite")

    @property
    def template(self) -> Path:
        return self.root / "template.sqlite"

    def desk_db(self, n: int) -> Path:
        return self.root / f"desk-{n}.sqlite"

    def home(self, n: int) -> Path:
        """The desk's CHECKIN_HOME: settings, logs and the print folder of the rehearsal."""
        folder = self.root / f"home-{n}"
        folder.mkdir(mode=0o700, exist_ok=True)
        return folder

    def clone_desk(self, n: int) -> Path:
        """A copy of the prepared desk with its own identity (a copy would share it)."""
        target = self.desk_db(n)
        shutil.copyfile(self.template, target)
        conn = cipher.connect(target)
        try:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'desk_id'", (str(uuid.uuid4()),))
            conn.commit()
        finally:
            conn.close()
        os.chmod(target, 0o600)
        return target

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def real_targets(real_hub: str = "") -> set[Path]:
    """The files a rehearsal must never write: the real replica and the real hub."""
    found = {paths.db_path().resolve()}
    if real_hub and "://" not in real_hub:
        found.add(Path(real_hub).resolve())
    return found


def assert_isolated(ws: Workspace, real_hub: str = "") -> None:
    root = ws.root.resolve()
    for target in real_targets(real_hub):
        if target == root or root in target.parents:
            raise KnownError(
                _(
                    "Répétition refusée : son dossier contient la vraie base ou le vrai hub ({path}).",
                    path=target,
                )
            )
    if not root.name.startswith(PREFIX):
        raise KnownError(_("Répétition refusée : dossier de travail inattendu ({path}).", path=root))


def new_root(parent: Path | None = None) -> Workspace:
    return Workspace(Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent)))


def synthetic_world(
    event: EventConfig, attendees: int, *, seed: int = 2026, parent: Path | None = None
) -> Workspace:
    """A hub holding a synthetic export of ``attendees`` registrations, and a desk that pulled it."""
    ws = new_root(parent)
    export = synthetic.write_export(ws.root / "export.csv", attendees, event, seed)
    hub = open_hub(ws.hub, create=True)
    try:
        import_into_hub(hub, event, export)
    finally:
        hub.close()
    _pull_template(ws)
    replica = open_replica(ws.template)
    try:
        contents.mark_invented(replica, "rehearsal")  # its desks are never purged by the retention date
    finally:
        replica.close()
    return ws


def copy_of_desk(source: Path, *, parent: Path | None = None) -> Workspace:
    """A rehearsal on this desk's own registrations: an online backup copy of the real
    replica (read only), with a new identity, and a fresh hub seeded from it."""
    if not source.exists():
        raise KnownError(_("Base introuvable : {path}", path=source))
    ws = new_root(parent)
    src = cipher.connect(source, readonly=True)
    dst = cipher.connect(ws.template, encrypt=cipher.is_encrypted(source))
    try:
        src.backup(dst)
        dst.execute("UPDATE meta SET value = ? WHERE key = 'desk_id'", (str(uuid.uuid4()),))
        dst.commit()
    finally:
        src.close()
        dst.close()
    os.chmod(ws.template, 0o600)
    replica = open_replica(ws.template)
    hub = open_hub(ws.hub, create=True)
    try:
        exchange(replica, hub, desk="répétition")
    finally:
        hub.close()
        replica.close()
    return ws


def _pull_template(ws: Workspace) -> None:
    replica = open_replica(ws.template)
    hub = open_hub(ws.hub)
    try:
        exchange(replica, hub, desk="répétition")
    finally:
        hub.close()
        replica.close()
