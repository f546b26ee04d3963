"""A desk linked to one pretix event: where it is (kept in the replica's ``meta``) and the
API token that opens it (kept in the system's keyring, else in a file only the user can
read — never in the replica, which travels in backups and rehearsal copies).

The link is checked when it is made, one request per thing that can be wrong — pretix
reachable, the event there, the check-in list found, the token allowed to read orders —
each failure a sentence; nothing is kept unless every check passed.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from checkin.base import keys, paths
from checkin.base.i18n import _
from checkin.pretix.api import Client, Link, PretixError, link_from
from checkin.pretix.notes import Notes, notes_of
from checkin.replica.db import Replica
from checkin.replica.facts import now_utc
from checkin.replica.signed import LINK_META

log = logging.getLogger(__name__)

META_KEY = LINK_META
SERVICE = "checkin-pretix"


def make(where: Replica | Notes, url: str, organizer: str, event: str, list_name: str, token: str) -> Link:
    """Check the link against pretix, then keep it (token apart) in the desk's replica or
    the hub's notes; the link as kept."""
    link = Link(url.rstrip("/"), organizer, event, 0, token)
    client = Client(link)
    client.get(link.event_path + "/")  # reachable, token valid, event there
    link.checkin_list = _find_list(client, list_name)
    client.get(link.event_path + "/orders/", {"page_size": "1"})  # the right to read orders
    _store_token(_account(link), token)
    kept = {"url": link.url, "organizer": organizer, "event": event, "list": link.checkin_list}
    notes_of(where).set_meta(META_KEY, json.dumps({**kept, "linked_at": now_utc()}))
    log.info("linked to pretix %s/%s list %d", organizer, event, link.checkin_list)
    return link


def _find_list(client: Client, name: str) -> int:
    lists = [
        r for page in client.pages(client.link.event_path + "/checkinlists/") for r in page.body["results"]
    ]
    if name:
        found = [r for r in lists if str(r["id"]) == name or r.get("name") == name]
    else:
        found = lists if len(lists) == 1 else []
    if len(found) != 1:
        names = ", ".join(f"« {r.get('name')} » ({r['id']})" for r in lists) or _("aucune")
        raise PretixError(
            _("Choisissez la liste d'enregistrement pretix avec --list : {names}.", names=names)
        )
    return int(found[0]["id"])


def linked(
    where: Replica | Notes,
    url: str | None = None,
    organizer: str | None = None,
    event: str | None = None,
    checkin_list: str | None = None,
) -> Link:
    """The link to use: the options or ``CHECKIN_PRETIX_*`` where given, else the desk's link
    (its token from the keyring or the file; ``CHECKIN_PRETIX_TOKEN`` overrides it)."""
    try:
        kept: dict[str, Any] = json.loads(notes_of(where).meta(META_KEY) or "{}")
    except ValueError:
        kept = {}
    if kept and not (url or os.environ.get("CHECKIN_PRETIX_URL")):
        link = Link(kept["url"], kept["organizer"], kept["event"], int(kept["list"]), "")
        link.token = os.environ.get("CHECKIN_PRETIX_TOKEN") or _load_token(_account(link))
        if not link.token:
            raise PretixError(_("Jeton pretix introuvable : refaites « checkin pretix link »."))
        return link
    return link_from(url, organizer, event, checkin_list)


def state(where: Replica | Notes) -> dict[str, Any]:
    """The link as the pre-flight shows it (no token), or {} when the desk has none."""
    try:
        kept: dict[str, Any] = json.loads(notes_of(where).meta(META_KEY) or "{}")
    except ValueError:
        return {}
    return kept


def _account(link: Link) -> str:
    return f"{link.url}|{link.organizer}"


def token_file() -> Path:
    return paths.config_dir() / "pretix-tokens.json"


def _store_token(account: str, token: str) -> None:
    ring = keys.system_keyring()
    if ring is not None:
        try:
            ring.set_password(SERVICE, account, token)
            return
        except Exception as exc:  # a locked keyring: the file instead
            log.warning("keyring unusable for the pretix token: %s", type(exc).__name__)
    path = token_file()
    tokens = _file_tokens(path)
    tokens[account] = token
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(tokens, fh)
    os.chmod(path, 0o600)


def _load_token(account: str) -> str:
    ring = keys.system_keyring()
    if ring is not None:
        try:
            value = ring.get_password(SERVICE, account)
            if value:
                return str(value)
        except Exception as exc:
            log.warning("keyring unusable for the pretix token: %s", type(exc).__name__)
    return _file_tokens(token_file()).get(account, "")


def _file_tokens(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
