"""The pre-flight's pretix line: the link answers (pretix reachable, the token still valid),
and when pretix was last read — the desk's own link, or the hub's when one machine pulls
pretix into the hub (``checkin pretix pull --hub``)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.pretix import link as pretix_link
from checkin.pretix import pull as pretix_pull
from checkin.pretix import push as pretix_push
from checkin.pretix.api import Client
from checkin.pretix.notes import HubNotes, Notes, ReplicaNotes
from checkin.replica.db import Replica

TIMEOUT_S = 8.0  # a lead waits for the page: pretix answers in well under a second


Look = tuple[bool | None, str, str]  # a Check's ok, found, fix (checkin.preflight.checks)


def look(replica: Replica, hub_url: str = "", *, timeout: float = TIMEOUT_S) -> Look:
    try:
        notes, on_hub = _notes(replica, hub_url)
    except KnownError as exc:
        return False, exc.message, _("Vérifiez le réseau ou le dossier partagé.")
    kept = pretix_link.state(notes)
    if not kept:
        return None, _("Poste non relié à pretix."), ""
    where = f"{kept.get('organizer')}/{kept.get('event')} ({kept.get('url')})"
    answers = _answers(notes, on_hub, timeout)
    if answers is not None:
        fix = _("Vérifiez le réseau ; si le jeton a été révoqué, refaites « checkin pretix link ».")
        return False, f"{where} : {answers}", fix
    pulled = _pulled_at(notes)
    found = _(
        "{where} {state} ; dernière lecture {pulled}{hub}.",
        where=where,
        state=_("joignable, jeton valide") if _has_token(notes) else _("lu par la machine du hub"),
        pulled=datetime.fromisoformat(pulled).astimezone().strftime("%d/%m %H:%M") if pulled else _("jamais"),
        hub=_(" (par le hub)") if on_hub else "",
    )
    if not on_hub:
        found += " " + _("{n} entrée(s) à envoyer.", n=len(pretix_push.pending(replica)))
    if not pulled:
        command = "checkin pretix pull --hub …" if on_hub else "checkin pretix pull"
        return False, found, _("Lancez « {command} ».", command=command)
    return True, found, ""


def _answers(notes: Notes, on_hub: bool, timeout: float) -> str | None:
    """``None`` when pretix answers with the token kept, else why not in words. A desk that
    uses the hub's link holds no token (the hub's machine talks to pretix): not asked."""
    if on_hub and not _has_token(notes):
        return None
    try:
        link = pretix_link.linked(notes)
        Client(link, timeout=timeout).get(link.event_path + "/")  # reachable, token valid
    except KnownError as exc:
        return exc.message
    return None


def _has_token(notes: Notes) -> bool:
    try:
        pretix_link.linked(notes)
    except KnownError:
        return False
    return True


def _notes(replica: Replica, hub_url: str) -> tuple[Notes, bool]:
    """The desk's link, else the hub's (read once: the notes are copied out of the hub)."""
    if pretix_link.state(replica) or not hub_url:
        return ReplicaNotes(replica), False
    from checkin.sync.hub import get_meta, open_hub

    hub = open_hub(hub_url)
    try:
        with hub.read() as conn:
            kept = {k: str(get_meta(conn, k)) for k in (pretix_link.META_KEY, pretix_pull.META_KEY)}
    finally:
        hub.close()
    return HubNotes(lambda k: kept.get(k, ""), _read_only, _read_only), True


def _read_only(*_args: Any) -> Any:
    raise AssertionError("the pre-flight writes nothing")


def _pulled_at(notes: Notes) -> str:
    try:
        state = json.loads(notes.meta(pretix_pull.META_KEY) or "{}")
    except ValueError:
        return ""
    return str(state.get("pulled_at", "")) if isinstance(state, dict) else ""
