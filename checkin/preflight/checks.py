"""Pre-flight: what the lead checks before the doors open, each check green or red with its fix.

The same list for ``checkin preflight`` and the window's « Préparation » page. A check says
what it found in words and, when red, what to do — never a code or a traceback. Checks that
cannot be decided without the lead (a test page printed and scanned back) are red until the
lead has done them, today, on this desk.

What a check needs to remember (the test pages' tokens, when they were scanned back) lives
in ``preflight.json`` in the configuration folder, beside the desk's settings.
"""

from __future__ import annotations

import json
import secrets
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from checkin.base import paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.base.settings import DeskSettings
from checkin.event.model import EventConfig
from checkin.preflight import pretixcheck
from checkin.printing import cups
from checkin.replica.db import Replica

TOKEN_PREFIX = "CHECKIN-TEST-"
MIN_FREE_MB = 500
FRESH_HOURS = 36  # an import older than this before the day starts is stale
MAX_SKEW_S = 60


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    ok: bool | None  # None: not applicable here (no thermal printer configured, say)
    found: str  # what the check saw, in words
    fix: str = ""  # what to do when red

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# -- state remembered between the test page and its scan --------------------------------------


def _state_path() -> Path:
    return paths.config_dir() / "preflight.json"


def load_state() -> dict[str, Any]:
    try:
        data = json.loads(_state_path().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_state(state: dict[str, Any]) -> None:
    path = _state_path()
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
    tmp.replace(path)


def new_token(kind: str) -> str:
    """A token for a test page's QR code; scanning it back confirms that page."""
    token = f"{TOKEN_PREFIX}{kind.upper()}-{secrets.token_hex(4).upper()}"
    state = load_state()
    state[f"{kind}_token"] = token
    state.pop(f"{kind}_confirmed", None)
    _save_state(state)
    return token


def take_scan(text: str) -> str | None:
    """If ``text`` is a pending test page's token, confirm that page and return its kind."""
    cleaned = text.strip().upper()
    if TOKEN_PREFIX not in cleaned:
        return None
    state = load_state()
    for kind in ("badge", "thermal"):
        token = state.get(f"{kind}_token", "")
        if token and token in cleaned:
            state[f"{kind}_confirmed"] = datetime.now(UTC).isoformat(timespec="seconds")
            _save_state(state)
            return kind
    return "stale"


def _confirmed_today(state: dict[str, Any], kind: str, today: date) -> str:
    at = str(state.get(f"{kind}_confirmed", ""))
    if at and datetime.fromisoformat(at).astimezone().date() == today:
        return datetime.fromisoformat(at).astimezone().strftime("%H:%M")
    return ""


# -- test pages --------------------------------------------------------------------------------


def badge_test_page(layout_name: str, token: str) -> tuple[bytes, str]:
    """A page at the layout's exact size: a frame 3 mm inside the edge, corner marks, a
    centre cross, the size written out and a QR code to scan back. Returns (PDF, media)."""
    import io

    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from checkin.printing.layout import load_layout
    from checkin.printing.shaping import draw_line, shape

    layout = load_layout(layout_name)
    w, h = layout.page_w, layout.page_h
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(w, h), invariant=1)
    canvas.setTitle(_("Page de test du badge"))
    canvas.setLineWidth(0.8)
    canvas.rect(3 * mm, 3 * mm, w - 6 * mm, h - 6 * mm)
    for x, y, dx, dy in ((0, 0, 1, 1), (w, 0, -1, 1), (0, h, 1, -1), (w, h, -1, -1)):
        canvas.line(x, y + dy * 8 * mm, x + dx * 8 * mm, y + dy * 8 * mm)
        canvas.line(x + dx * 8 * mm, y, x + dx * 8 * mm, y + dy * 8 * mm)
    canvas.line(w / 2 - 5 * mm, h / 2, w / 2 + 5 * mm, h / 2)
    canvas.line(w / 2, h / 2 - 5 * mm, w / 2, h / 2 + 5 * mm)
    size = min(w, h) * 0.45
    widget = QrCodeWidget(token, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    drawing.drawOn(canvas, (w - size) / 2, h * 0.52)
    lines = [
        _("Page de test — {title}", title=layout.title),
        _("{w:g} × {h:g} mm : le cadre est à 3 mm du bord", w=round(w / mm, 1), h=round(h / mm, 1)),
        _("Scannez le code pour confirmer l'impression"),
    ]
    for n, text in enumerate(lines):
        line = shape(text, n == 0)
        fs = min(9.0, (w - 10 * mm) * 1000 / max(line.width, 1))
        draw_line(canvas, line, (w - line.width * fs / 1000) / 2, h * 0.42 - n * 12, fs)
    canvas.showPage()
    canvas.save()
    return out.getvalue(), layout.media


def event_accents(replica: Replica) -> str:
    """Every non-ASCII letter the event's names and organisations use, sorted."""
    with replica.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT first_name, last_name, organisation FROM attendee WHERE status != 'cancelled'"
        ).all()
    found = {ch for row in rows for value in row for ch in str(value) if ord(ch) > 127 and ch.isalpha()}
    latin = sorted(ch for ch in found if "LATIN" in unicodedata.name(ch, ""))
    return "".join(latin)


def thermal_test_slip(uri: str, replica: Replica, token: str) -> bytes:
    """The code-page slip: the event's accented letters as the printer prints them, the QR
    code, a cut."""
    from checkin.printing.escpos.render import Slip
    from checkin.printing.escpos.tickets import device_for

    dev = device_for(uri)
    out = Slip(dev)
    out.text(_("Préparation : test de l'imprimante thermique"), align="center", bold=True)
    out.text(_("Page de codes : {page}", page=dev.codepage or "—"))
    out.rule()
    accents = event_accents(replica)
    # The code page's letters as text, so a clone that prints blanks shows the gap; the
    # letters it lacks drawn as an image (as names with them are printed).
    as_text = "".join(ch for ch in accents if dev.encodable(ch))
    as_image = "".join(ch for ch in accents if not dev.encodable(ch))
    for chunk in (as_text, as_image):
        for start in range(0, len(chunk), 24):
            out.text(" ".join(chunk[start : start + 24]))
    out.rule()
    out.text(_("Scannez le code pour confirmer :"))
    out.qr(token, 6, "M")
    out.cut("partial")
    return out.data


# -- the checks -------------------------------------------------------------------------------


def check_day(event: EventConfig, day: str, today: date) -> Check:
    label = event.day_label(day)
    if event.day(today.isoformat()) is not None:
        if today.isoformat() == day:
            return Check(
                "day", _("Jour"), True, _("Aujourd'hui est un jour de l'événement ({day}).", day=label)
            )
        return Check(
            "day",
            _("Jour"),
            False,
            _("Le poste travaille sur le {day}, pas sur aujourd'hui.", day=label),
            _("Choisissez le jour du jour dans Réglages (F10), sauf pour une répétition."),
        )
    return Check(
        "day",
        _("Jour"),
        False,
        _(
            "Aujourd'hui ({today}) n'est pas un jour de l'événement : le poste travaille sur le {day}.",
            today=today.strftime("%d/%m/%Y"),
            day=label,
        ),
        _("Normal la veille ou pour une répétition ; le jour venu, vérifiez la date de l'ordinateur."),
    )


def check_scanner(settings: DeskSettings, today: date) -> Check:
    title = _("Scanner")
    at = settings.scanner_checked
    when = None
    if at:
        try:
            when = datetime.fromisoformat(at)
        except ValueError:
            when = None
    if when is not None and when.astimezone().date() == today:
        found = _(
            "Vérifié aujourd'hui à {time} : clavier du scanner {scanner}, du poste {desk}, fin de code {end}.",
            time=when.astimezone().strftime("%H:%M"),
            scanner=settings.scanner_layout or "?",
            desk=settings.desk_layout or "?",
            end=settings.scanner_terminator or "?",
        )
        return Check("scanner", title, True, found)
    return Check(
        "scanner",
        title,
        False,
        _("La vérification du scanner n'a pas été faite aujourd'hui sur ce poste."),
        _(
            "Faites la vérification du scanner : Réglages (F10) › « Vérifier le scanner… » (ou « checkin scanner-check »)."
        ),
    )


def _size_mm(media: str) -> tuple[float, float] | None:
    """(width, height) in mm from a PWG or CUPS media name: iso_a6_105x148mm, Custom.62x100mm, A6."""
    import re

    found = re.search(r"(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)(mm|in)", media)
    if found:
        k = 25.4 if found.group(3) == "in" else 1.0
        return float(found.group(1)) * k, float(found.group(2)) * k
    named = {"a4": (210.0, 297.0), "a5": (148.0, 210.0), "a6": (105.0, 148.0), "a7": (74.0, 105.0)}
    return named.get(media.lower())


def check_cups_queue(queue: str, server: str, media: str, size_mm: tuple[float, float]) -> Check:
    """The queue's default paper is the layout's stock (either way round), and nothing
    scales the page — IPP attributes first, the queue's saved options second."""
    title = _("File CUPS « {queue} »", queue=queue)
    attrs = cups.ipp_attributes(queue, server)
    pairs = cups.saved_options(queue, server)
    if not attrs and not pairs:
        return Check(
            "cups",
            title,
            False,
            _("La file d'impression ne répond pas."),
            _("Vérifiez que l'imprimante est installée sous ce nom (lpstat -p) et allumée."),
        )
    default = pairs.get("PageSize") or pairs.get("media") or attrs.get("media-default", "")
    scaling = [
        f"{k}={v}"
        for k, v in {**attrs, **pairs}.items()
        if (k in ("fit-to-page", "fit-to-page-default", "fitplot") and v.lower() in ("true", "yes", "on"))
        or (
            k in ("print-scaling", "print-scaling-default", "scaling")
            and v.lower() not in ("none", "100", "")
        )
    ]
    found = _size_mm(default) if default else None
    right_size = found is not None and sorted(round(x) for x in found) == sorted(round(x) for x in size_mm)
    if right_size and not scaling:
        return Check(
            "cups", title, True, _("Papier par défaut {found}, sans mise à l'échelle.", found=default)
        )
    problems = []
    if not right_size:
        problems.append(_("papier par défaut {found} au lieu de {media}", found=default or "?", media=media))
    if scaling:
        problems.append(_("mise à l'échelle active ({options})", options=", ".join(scaling)))
    return Check(
        "cups",
        title,
        False,
        _upper_first("; ".join(problems)) + ".",
        _(
            "Réglez la file : lpadmin -p {queue} -o media-default={media} -o fit-to-page-default=false (ou dans les préférences d'impression).",
            queue=queue,
            media=media,
        ),
    )


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def check_badge_test(state: dict[str, Any], today: date) -> Check:
    title = _("Page de test du badge")
    at = _confirmed_today(state, "badge", today)
    if at:
        return Check("badge_test", title, True, _("Imprimée et scannée à {time} : lisible.", time=at))
    return Check(
        "badge_test",
        title,
        False,
        _("Pas encore imprimée et scannée aujourd'hui."),
        _(
            "« Imprimer la page de test » sur la page Préparation, vérifiez le cadre à 3 mm du bord, puis scannez son code."
        ),
    )


def check_thermal(uri: str, state: dict[str, Any], today: date) -> Check:
    title = _("Imprimante thermique")
    if not uri:
        return Check("thermal", title, None, _("Aucune imprimante thermique configurée."))
    from checkin.printing.escpos import connect

    try:
        status = connect.ask_status(uri)
    except KnownError as exc:
        return Check(
            "thermal",
            title,
            False,
            exc.message,
            _("Allumez l'imprimante, vérifiez le câble ou l'adresse réseau."),
        )
    if status.answered and not status.ready:
        from checkin.printing.escpos.status import check_ready

        try:
            check_ready(status, uri)
        except KnownError as exc:
            return Check(
                "thermal",
                title,
                False,
                exc.message,
                _("Fermez le capot, remettez du papier, puis relancez le test."),
            )
    if not status.answered:
        said = _("l'imprimante ne donne pas son état")
    elif status.paper_low:
        said = _("prête, rouleau presque vide")
    else:
        said = _("prête (papier, capot : OK)")
    at = _confirmed_today(state, "thermal", today)
    if at:
        return Check(
            "thermal", title, True, _("Ticket de test scanné à {time} ; {status}.", time=at, status=said)
        )
    return Check(
        "thermal",
        title,
        False,
        _("Ticket de test pas encore imprimé et scanné aujourd'hui ; {status}.", status=said),
        _("« Imprimer le ticket de test » : vérifiez chaque lettre accentuée, puis scannez son code."),
    )


def check_replica(replica: Replica, event: EventConfig, day: str, now: datetime) -> Check:
    title = _("Base du poste")
    with replica.read() as conn:
        per_day = {
            d.iso: int(
                conn.exec_driver_sql(
                    "SELECT count(*) FROM attendee WHERE status = 'confirmed' AND (live_uid = uid OR live_uid = '')"
                    " AND (days = '' OR instr(',' || days || ',', ',' || ? || ',') > 0)",
                    (d.iso,),
                ).scalar_one()
            )
            for d in event.days
        }
    last = replica.meta("last_import", "")
    pulled = replica.meta("sync.last_exchange", "")
    stamps = []
    for raw in (json.loads(last).get("at", "") if last else "", pulled):
        if raw:
            stamps.append(datetime.fromisoformat(raw))
    counts = ", ".join(f"{event.day_label(d)} : {n}" for d, n in per_day.items())
    if not any(per_day.values()):
        return Check(
            "replica",
            title,
            False,
            _("Aucune inscription sur ce poste."),
            _(
                "Importez l'export des inscriptions (Tableau › Importer un export…) ou synchronisez avec le hub."
            ),
        )
    if not stamps:
        return Check(
            "replica",
            title,
            False,
            _("Attendus : {counts} ; date de la dernière mise à jour inconnue.", counts=counts),
            _("Importez le dernier export (ou synchronisez) pour partir de listes à jour."),
        )
    latest = max(stamps)
    age_h = (now - latest).total_seconds() / 3600
    found = _(
        "Attendus : {counts} ; dernière mise à jour le {when}.",
        counts=counts,
        when=latest.astimezone().strftime("%d/%m %H:%M"),
    )
    if age_h > FRESH_HOURS:
        return Check(
            "replica",
            title,
            False,
            found,
            _(
                "Les inscriptions datent de plus de {hours} h : importez le dernier export ou synchronisez.",
                hours=FRESH_HOURS,
            ),
        )
    return Check("replica", title, True, found)


def check_hub(replica: Replica, url: str, day: str, now: datetime) -> Check:
    title = _("Hub")
    if not url:
        return Check(
            "hub",
            title,
            None,
            _("Aucun hub configuré : le poste travaille seul."),
            _("Pour échanger entre postes, indiquez le hub sur le Tableau (F6)."),
        )
    import time

    from sqlalchemy import text

    from checkin.sync import tls
    from checkin.sync.exchange import ahead
    from checkin.sync.hub import HUB_SCHEMA, open_hub

    try:
        hub = open_hub(url)
    except KnownError as exc:
        return Check(
            "hub",
            title,
            False,
            exc.message,
            _("Vérifiez le réseau ou le dossier partagé, puis « Synchroniser maintenant »."),
        )
    try:
        with hub.read() as hconn:
            before = time.time()
            hub_ms = hub.now_millis(hconn)
            skew = (before + time.time()) / 2 - hub_ms / 1000
            on_hub = int(
                hconn.execute(
                    text("SELECT count(*) FROM hub_fact WHERE kind = 'checkin' AND day = :d"), {"d": day}
                ).scalar_one()
            )
            link = tls.describe(hub.engine.url, hconn)  # encrypted? certificate checked?
        desk_ahead, hub_ahead = ahead(replica, hub)
    except KnownError as exc:
        return Check("hub", title, False, exc.message, _("Vérifiez le réseau ou le dossier partagé."))
    finally:
        hub.close()
    with replica.read() as conn:
        here = int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM fact WHERE kind = 'checkin' AND day = ?", (day,)
            ).scalar_one()
        )
    last = replica.meta("sync.last_exchange", "")
    last_text = datetime.fromisoformat(last).astimezone().strftime("%d/%m %H:%M") if last else _("jamais")
    found = _(
        "Joignable (schéma {schema}), écart d'horloge {skew:+.0f} s, dernier échange {last} ; arrivées du jour : {here} ici, {hub} au hub ; {ahead} à envoyer, {behind} à recevoir.",
        schema=HUB_SCHEMA,
        skew=skew,
        last=last_text,
        here=here,
        hub=on_hub,
        ahead=desk_ahead,
        behind=hub_ahead,
    )
    found = f"{found} {link}".strip()
    if abs(skew) > MAX_SKEW_S:
        return Check(
            "hub",
            title,
            False,
            found,
            _("Mettez l'ordinateur à l'heure (réglage automatique de la date et de l'heure)."),
        )
    if not last:
        return Check(
            "hub",
            title,
            False,
            found,
            _("Faites un premier échange : Tableau (F6) › « Synchroniser maintenant »."),
        )
    return Check("hub", title, True, found)


def check_pretix(replica: Replica, hub_url: str = "", *, timeout: float = pretixcheck.TIMEOUT_S) -> Check:
    """The link to pretix (the desk's, or the hub's): reachable, token valid, last pull."""
    ok, found, fix = pretixcheck.look(replica, hub_url, timeout=timeout)
    return Check("pretix", _("pretix"), ok, found, fix)


def check_disk(db_path: Path) -> Check:
    title = _("Espace disque")
    free = shutil.disk_usage(db_path.parent if db_path.parent.exists() else paths.data_dir()).free // 2**20
    if free < MIN_FREE_MB:
        return Check(
            "disk",
            title,
            False,
            _("{free} Mo libres.", free=free),
            _("Libérez de la place (au moins {need} Mo).", need=MIN_FREE_MB),
        )
    return Check("disk", title, True, _("{free} Mo libres.", free=free))


def check_backup(settings: DeskSettings) -> Check:
    from checkin.replica import backup

    title = _("Sauvegardes")
    folder = backup.folder_for(settings.backup_dir)  # the desk's own rule
    probe = folder / f".preflight-{secrets.token_hex(4)}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"checkin")
        probe.unlink()
    except OSError as exc:
        return Check(
            "backup",
            title,
            False,
            _("{folder} : écriture impossible ({error}).", folder=folder, error=exc.strerror or exc),
            _("Branchez la clé USB ou choisissez un autre dossier de sauvegarde dans les réglages."),
        )
    last = backup.latest(folder)
    if last is not None:
        when = _("dernière : {backup}.", backup=last.describe())
    elif settings.backup_every_min:
        when = _(
            "aucune encore : la première sera faite {minutes} min après l'ouverture du poste.",
            minutes=settings.backup_every_min,
        )
    else:
        when = _("aucune encore : une seule sera faite, à la fermeture du poste.")
    if settings.backup_dir:
        return Check(
            "backup", title, True, _("{folder} : écriture possible ; {when}", folder=folder, when=when)
        )
    return Check(
        "backup",
        title,
        True,
        _(
            "{folder} : écriture possible, mais sur le disque du poste lui-même ; {when}",
            folder=folder,
            when=when,
        ),
        _("Pour survivre à la perte du portable, choisissez une clé USB ou un dossier partagé."),
    )


def check_sound(settings: DeskSettings, audio: Callable[[], bool] | None = None) -> Check:
    title = _("Son")
    if settings.muted:
        return Check(
            "sound",
            title,
            False,
            _("Le son est coupé."),
            _("Rétablissez le son (F8) : les bénévoles entendent chaque réponse."),
        )
    if audio is not None and not audio():
        return Check(
            "sound",
            title,
            False,
            _("Aucune sortie audio trouvée."),
            _("Branchez des haut-parleurs et montez le volume."),
        )
    return Check("sound", title, True, _("Son actif."))


def run(
    replica: Replica,
    event: EventConfig,
    settings: DeskSettings,
    day: str,
    *,
    db_path: Path,
    now: datetime | None = None,
    audio: Callable[[], bool] | None = None,
) -> list[Check]:
    """Every check, in the order the lead goes round the desk."""
    from checkin.printing import config

    now = now or datetime.now(UTC)
    today = now.astimezone().date()
    state = load_state()
    checks = [check_day(event, day, today), check_scanner(settings, today)]
    printers = config.load()
    badge = printers.get(settings.printer or config.DEFAULT) or printers[config.DEFAULT]
    checks.append(check_badge_test(state, today))
    if badge.backend == "cups":
        from reportlab.lib.units import mm

        from checkin.printing.layout import load_layout

        layout = load_layout(badge.layout)
        size = (layout.page_w / mm, layout.page_h / mm)
        checks.append(check_cups_queue(badge.target, badge.server, layout.media, size))
    thermal = next((p.target for p in printers.values() if p.backend == "escpos"), "")
    checks.append(check_thermal(thermal, state, today))
    checks += [
        check_hub(replica, settings.hub_url, day, now),
        check_pretix(replica, settings.hub_url),
        check_replica(replica, event, day, now),
        check_disk(db_path),
        check_backup(settings),
        check_sound(settings, audio),
    ]
    return checks


# -- the command --------------------------------------------------------------------------------


def send_badge_test_page(settings: DeskSettings) -> str:
    """Print the badge test page on the desk's badge printer; returns the printer's name."""
    from checkin.printing import config

    printers = config.load()
    name = settings.printer if settings.printer in printers else config.DEFAULT
    backend = config.build_all().get(name)
    if backend is None:
        raise KnownError(_("Imprimante introuvable : {name}", name=name))
    token = new_token("badge")
    data, media = badge_test_page(printers[name].layout, token)
    backend.submit(
        data, job_id=f"preflight-{token[-8:].lower()}", title=_("Page de test du badge"), media=media
    )
    return name


def send_thermal_test_slip(replica: Replica) -> str:
    from checkin.printing import config
    from checkin.printing.escpos import connect

    uri = next((p.target for p in config.load().values() if p.backend == "escpos"), "")
    if not uri:
        raise KnownError(_("Aucune imprimante thermique configurée."))
    connect.send(uri, thermal_test_slip(uri, replica, new_token("thermal")))
    return uri
