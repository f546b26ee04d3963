"""The desk's commands: ``desk``, ``demo``, ``screenshots``, ``bench-desk``.

Qt is imported inside the handlers only: the CLI (import, scan, find…) must run on a
machine without a display or without Qt's system libraries.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from checkin.base.i18n import _
from checkin.event import model as event_mod


def add_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    desk = subparsers.add_parser("desk", help=_("Ouvrir le poste d'accueil"))
    desk.add_argument("--db", help=_("Base du poste (fichier SQLite)"))
    desk.add_argument("--desk", help=_("Nom du poste, par exemple « Accueil 2 »"))
    desk.add_argument("--day", help=_("Jour de l'événement (AAAA-MM-JJ)"))
    desk.add_argument(
        "--rehearsal",
        action="store_true",
        help=_(
            "Répétition : le poste travaille sur une copie (base et hub temporaires), rien n'atteint les vrais"
        ),
    )
    desk.add_argument(
        "--room",
        help=_(
            "Porte de cette salle : chaque scan entre dans la session que dit l'horloge "
            '(réglage room du poste ; --room "" : l\'accueil)'
        ),
    )
    desk.set_defaults(func=run_desk)

    _add_occupancy(subparsers)

    kiosk = subparsers.add_parser(
        "kiosk", help=_("Ouvrir une borne libre-service (plein écran, verrouillée)")
    )
    kiosk.add_argument("--db", help=_("Base du poste (fichier SQLite)"))
    kiosk.add_argument("--desk", help=_("Nom du poste, par exemple « Accueil 2 »"))
    kiosk.add_argument("--day", help=_("Jour de l'événement (AAAA-MM-JJ)"))
    kiosk.add_argument(
        "--print-only",
        action="store_true",
        default=None,
        help=_("Imprimer le badge sans compter d'entrée (l'entrée est comptée à la porte de la salle)"),
    )
    kiosk.set_defaults(func=run_kiosk)

    _add_rehearse(subparsers)

    demo = subparsers.add_parser("demo", help=_("Ouvrir le poste sur un événement de démonstration"))
    demo.add_argument("--desk", default="Accueil démo", help=_("Nom du poste"))
    demo.add_argument("--day", help=_("Jour de l'événement (AAAA-MM-JJ)"))
    demo.set_defaults(func=run_demo)

    shots = subparsers.add_parser("screenshots", help=_("Enregistrer chaque état de la fenêtre en PNG"))
    shots.add_argument("outdir", help=_("Dossier des images"))
    shots.set_defaults(func=run_screenshots)

    _add_lead_pin(subparsers)

    shortcut = subparsers.add_parser(
        "install-desktop",
        help=_("Ajouter le poste au menu des applications (Linux : fichier .desktop et icône)"),
    )
    shortcut.set_defaults(func=run_install_desktop, needs_event=False)

    bench = subparsers.add_parser("bench-desk", help=_("Mesurer la vitesse de la fenêtre"))
    bench.add_argument("--attendees", type=int, default=100_000)
    bench.add_argument("--db", help=_("Base existante à réutiliser"))
    bench.add_argument("--rounds", type=int, default=200)
    bench.add_argument(
        "--during",
        default="import,pull-empty,pull-loaded",
        help=_("Scans pendant un travail long : import, pull-empty, pull-loaded (vide : aucun)"),
    )
    bench.add_argument("--json", action="store_true")
    bench.set_defaults(func=run_bench, retention=False)  # its --db is a bench's, not this desk's


def _add_lead_pin(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pin = subparsers.add_parser(
        "lead-pin",
        help=_("Définir le code PIN du responsable de ce poste (à l'installation)"),
        description=_(
            "Demande le code deux fois (ou le lit sur l'entrée standard) et l'enregistre haché dans "
            "les réglages du poste. Avec --print-hash, affiche le haché à mettre dans le fichier de "
            "l'événement ([lead] pin_hash) pour tous les postes."
        ),
    )
    pin.add_argument("--print-hash", action="store_true", help=_("afficher le haché sans l'enregistrer"))
    pin.add_argument(
        "--reset",
        action="store_true",
        help=_("débloquer les fonctions du responsable après trop d'essais (le code ne change pas)"),
    )
    pin.add_argument(
        "--staff-passphrase",
        action="store_true",
        help=_(
            "définir la phrase secrète du personnel (12 caractères ou plus) : tapée dans la fenêtre, "
            "elle débloque les fonctions du responsable après trop d'essais"
        ),
    )
    pin.set_defaults(func=run_lead_pin, needs_event=False)


def _add_occupancy(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rooms = subparsers.add_parser("occupancy", help=_("Ouvrir la vue d'occupation des salles (personnel)"))
    rooms.add_argument("--db", help=_("Base du poste (fichier SQLite)"))
    rooms.add_argument("--day", help=_("Jour de l'événement (AAAA-MM-JJ)"))
    rooms.set_defaults(func=run_occupancy)


def _add_rehearse(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rehearse = subparsers.add_parser(
        "rehearse", help=_("Répéter le pic d'arrivée sur de vrais postes (rapport PDF)")
    )
    rehearse.add_argument("--desks", type=int, default=4, help=_("Nombre de postes"))
    rehearse.add_argument("--attendees", type=int, default=1300, help=_("Nombre d'inscriptions"))
    rehearse.add_argument("--curve", choices=("brief", "flat"), default="brief", help=_("Courbe d'arrivée"))
    rehearse.add_argument(
        "--speed", type=float, default=20.0, help=_("Compression du temps (secondes simulées par seconde)")
    )
    rehearse.add_argument("--max-wait", type=float, default=5.0, help=_("Attente maximale visée, en minutes"))
    rehearse.add_argument(
        "--service", default="15-30", help=_("Durée d'une arrivée au comptoir, en secondes (min-max)")
    )
    rehearse.add_argument(
        "--cups-queue",
        default="",
        help=_("Imprimer les badges par cette file CUPS (ou une file par poste : F1,F2,…)"),
    )
    rehearse.add_argument("--cups-server", default="", help=_("Serveur CUPS de cette file"))
    rehearse.add_argument(
        "--cups-outbox", default="", help=_("Dossier où cette file écrit ses PDF (cups-pdf)")
    )
    rehearse.add_argument(
        "--window",
        help=_(
            "Ne rejouer que ces minutes autour de la plénière, par exemple -20:-10 (avec --speed 1 : la charge réelle du pic)"
        ),
    )
    rehearse.add_argument("--keep", action="store_true", help=_("Garder le dossier de travail"))
    rehearse.add_argument("--json", action="store_true")
    rehearse.add_argument("-o", "--output", required=True, help=_("Rapport PDF"))
    rehearse.set_defaults(func=run_rehearse)


def run_single(replica: Path, build: Any) -> int:
    """Open the window built by ``build()`` unless a desk already runs on ``replica``: then
    that one comes to the front, this start says so in one sentence and leaves."""
    from checkin.ui import app, instance

    app.application()
    if instance.ask_first_to_raise(replica):
        print(
            _(
                "Le poste est déjà ouvert sur cette base ({path}) : sa fenêtre est ramenée au premier plan.",
                path=replica,
            )
        )
        return 0
    guard = instance.Guard(replica)
    current: list[Any] = []

    def to_front() -> None:
        if current:
            instance.bring_to_front(current[-1].window)

    guard.raise_requested.connect(to_front)

    def built() -> Any:
        desk = build()
        current.append(desk)
        return desk

    try:
        # A damaged replica is told, repaired at the lead's choice and the desk reopened.
        return int(app.run_with_recovery(built, replica))
    finally:
        guard.close()


def run_desk(args: argparse.Namespace) -> int:
    from checkin.base import paths
    from checkin.ui import app

    if args.rehearsal:
        return run_desk_rehearsal(args)
    from checkin.base.settings import DeskSettings

    settings = DeskSettings.load()
    if args.room:
        return run_door(args)
    if args.room is None and settings.room.strip():  # this laptop is a room's door (its desk setting)
        return run_door(args, settings.room.strip(), settings.file)
    if settings.kiosk != "off":  # this laptop is a kiosk (its desk setting)
        args.print_only = None
        return run_kiosk(args)
    return run_single(
        paths.db_path(args.db),
        lambda: app.build_desk(
            args.db, desk_name=args.desk, day=args.day, event=event_mod.of(args), defer_printing=True
        ),
    )


def run_door(args: argparse.Namespace, room: str = "", setting_file: str = "") -> int:
    """A room's door: entries (and exits) of the session the clock says is in the room —
    ``--room``'s, else ``room`` from the desk setting kept in ``setting_file``."""
    from checkin.base.errors import KnownError
    from checkin.ui.door import app as door_app

    try:
        opened = door_app.build_door(
            args.db, room or args.room, desk_name=args.desk, day=args.day, event=event_mod.of(args)
        )
    except KnownError as exc:
        if not setting_file:
            raise
        said = _(
            "Ce poste est la porte de « {room} » (réglage room de {path} ; "
            '« checkin desk --room "" » ouvre l\'accueil).',
            room=room,
            path=setting_file,
        )
        raise KnownError(f"{exc.message} {said}") from None
    return door_app.run(opened)


def run_occupancy(args: argparse.Namespace) -> int:
    from checkin.ui.door import app as door_app

    return door_app.run(door_app.build_occupancy(args.db, day=args.day, event=event_mod.of(args)))


def run_kiosk(args: argparse.Namespace) -> int:
    """The self-service kiosk; ``--print-only`` or the desk setting chooses its kind."""
    from checkin.base import paths
    from checkin.ui.kiosk import app as kiosk_app

    kiosk = kiosk_app.build_kiosk(
        paths.db_path(args.db),
        print_only=args.print_only,
        desk_name=args.desk,
        day=args.day,
        event=event_mod.of(args),
    )
    return kiosk_app.run(kiosk)


def run_desk_rehearsal(args: argparse.Namespace) -> int:
    """The desk on a copy of its replica and a hub of its own, in a temporary folder; the
    real replica is only read (an online backup), the real hub and settings are untouched."""
    from checkin.base import paths
    from checkin.base.settings import DeskSettings
    from checkin.rehearsal.workspace import assert_isolated, copy_of_desk
    from checkin.ui import app

    real = DeskSettings.load()
    ws = copy_of_desk(paths.db_path(args.db))
    try:
        assert_isolated(ws, real.hub_url)
        os.environ["CHECKIN_HOME"] = str(ws.home(0))  # settings, prints, logs of the rehearsal
        os.environ.pop("CHECKIN_DB", None)
        settings = DeskSettings(file=str(ws.home(0) / "config" / "settings.toml"))
        for name in ("desk_name", "language", "pin_hash", "ready_delay_s", "idle_lock_s", "muted"):
            setattr(settings, name, getattr(real, name))
        settings.hub_url = ws.hub
        print(_("Répétition : copie de travail dans {folder} (effacée à la fermeture)", folder=ws.root))
        desk = app.build_desk(
            ws.template,
            desk_name=args.desk,
            day=args.day,
            settings=settings,
            event=event_mod.of(args),
            defer_printing=True,
            rehearsal=True,
        )
        return app.run(desk)
    finally:
        ws.remove()


def _window(value: str | None) -> tuple[float, float] | None:
    if not value:
        return None
    try:
        lo, hi = (float(x) for x in value.split(":"))
    except ValueError:
        from checkin.base.errors import KnownError

        raise KnownError(_("--window attend deux minutes séparées par « : », par exemple -20:-10.")) from None
    return (lo, hi)


def run_rehearse(args: argparse.Namespace) -> int:
    from checkin.base.settings import DeskSettings
    from checkin.demo.secret import use_demo_secret
    from checkin.rehearsal import report
    from checkin.rehearsal.run import Options, figures, rehearse

    use_demo_secret()  # synthetic people; its desk processes inherit the secret

    try:
        lo, hi = (float(x) for x in str(args.service).split("-"))
    except ValueError:
        from checkin.base.errors import KnownError

        raise KnownError(_("--service attend deux durées en secondes, par exemple 15-30.")) from None
    opts = Options(
        desks=args.desks,
        attendees=args.attendees,
        curve=args.curve,
        speed=args.speed,
        max_wait_min=args.max_wait,
        service=(lo, hi),
        cups_queue=args.cups_queue,
        cups_server=args.cups_server,
        cups_outbox=args.cups_outbox,
        keep=args.keep,
        window=_window(args.window),
        real_hub=DeskSettings.load().hub_url,
    )
    ev = event_mod.of(args)
    outcome = rehearse(ev, opts, progress=None if args.json else print)
    path = report.write(Path(args.output), outcome)
    result = figures(outcome)
    if args.json:
        print(
            json.dumps(
                {**result, "report": str(path), "workspace": outcome.workspace}, ensure_ascii=False, indent=2
            )
        )
    else:
        print(
            _(
                "Rapport : {path}. Scan → réponse p99 {answer} ms ; scan → badge p99 {badge} ms ; "
                "{desks} postes recommandés pour une attente de {wait:g} min au plus.",
                path=path,
                answer=result["scan_answer_ms_p99"],
                badge=result["scan_cups_pdf_ms_p99"] or result["scan_badge_ms_p99"],
                desks=result["desks_recommended"],
                wait=opts.max_wait_min,
            )
        )
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from checkin.base import paths
    from checkin.base.settings import DeskSettings
    from checkin.demo.secret import use_demo_secret
    from checkin.ui import app

    use_demo_secret()  # invented people: no keyring means the demo's own key, never a prompt
    ev = event_mod.of(args)
    db = app.demo_database(event=ev)
    settings = DeskSettings.load(paths.config_dir() / "demo-settings.toml")
    if not settings.pin_hash:
        from checkin.base.pin import hash_pin

        settings.pin_hash = hash_pin("1234")
        settings.save()
    print(_("Démonstration : base {db}", db=db))
    from checkin.demo import mail as demo_mail

    mails = demo_mail.write_for_demo(db, ev, app.choose_day(ev, args.day))
    print(
        _(
            "Exemples d'e-mails à scanner (valide, déjà utilisé, annulé, autre jour, illisible) : {path}",
            path=mails,
        )
    )
    print(_("Les badges sont écrits en PDF dans {folder}", folder=paths.print_dir()))
    print(_("Code PIN du responsable pour la démonstration : 1234"))
    return run_single(
        db,
        lambda: app.build_desk(
            db, desk_name=args.desk, day=args.day, settings=settings, event=ev, defer_printing=True
        ),
    )


def read_pin() -> str:
    """The PIN typed twice at a terminal, or one line of standard input (scripts)."""
    from checkin.base.errors import KnownError
    from checkin.base.pin import weakness

    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(_("Nouveau code PIN du responsable (6 chiffres ou plus) : "))
        if first != getpass.getpass(_("Le même code, à nouveau : ")):
            raise KnownError(_("Les deux codes ne sont pas identiques ; rien n'a été changé."))
    else:
        first = sys.stdin.readline().strip()
    problem = weakness(first)
    if problem:
        raise KnownError(problem + " " + _("Rien n'a été changé."))
    return first


def run_lead_pin(args: argparse.Namespace) -> int:
    from checkin.base.pin import hash_pin
    from checkin.base.settings import DeskSettings

    if args.reset:
        from checkin.base.attempts import PinAttempts, passphrase_file

        PinAttempts().reset("checkin lead-pin --reset")
        PinAttempts(passphrase_file(), what="staff passphrase").reset("checkin lead-pin --reset")
        print(_("Fonctions du responsable débloquées sur ce poste : le compte des essais repart de zéro."))
        return 0
    if args.staff_passphrase:
        return set_staff_passphrase()
    digest = hash_pin(read_pin())
    if args.print_hash:
        print(_("À mettre dans le fichier de l'événement :"))
        print(f'[lead]\npin_hash = "{digest}"')
        return 0
    settings = DeskSettings.load()
    settings.pin_hash = digest
    settings.save()
    print(_("Code PIN du responsable enregistré pour ce poste ({path}).", path=settings.file))
    return 0


def set_staff_passphrase() -> int:
    """The staff's passphrase, asked twice at a terminal (or one line of standard input),
    stored hashed in the desk's settings."""
    from checkin.base.errors import KnownError
    from checkin.base.pin import hash_pin, passphrase_weakness
    from checkin.base.settings import DeskSettings

    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(_("Phrase secrète du personnel (12 caractères ou plus) : "))
        if first != getpass.getpass(_("La même phrase, à nouveau : ")):
            raise KnownError(_("Les deux phrases ne sont pas identiques ; rien n'a été changé."))
    else:
        first = sys.stdin.readline().rstrip("\r\n")
    problem = passphrase_weakness(first)
    if problem:
        raise KnownError(problem + " " + _("Rien n'a été changé."))
    settings = DeskSettings.load()
    settings.staff_passphrase_hash = hash_pin(first)
    settings.save()
    print(_("Phrase secrète du personnel enregistrée pour ce poste ({path}).", path=settings.file))
    return 0


def run_install_desktop(args: argparse.Namespace) -> int:
    """The .desktop file and the icons into the user's XDG data folder (no root needed)."""
    import shutil

    from checkin.base import paths
    from checkin.base.errors import KnownError

    if not sys.platform.startswith("linux"):
        raise KnownError(_("Sous Windows et macOS, le raccourci vient avec le paquet de l'application."))
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    icons = paths.resources_dir() / "icons"
    for png in icons.glob("checkin-*.png"):
        size = png.stem.split("-")[1]
        target = data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "checkin.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, target)
    scalable = data / "icons" / "hicolor" / "scalable" / "apps" / "checkin.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(icons / "checkin.svg", scalable)
    # The GUI entry point beside this interpreter (a virtual environment's bin/, or the
    # bundle's own executable), so the menu works without PATH.
    frozen = getattr(sys, "frozen", False)
    gui = Path(sys.executable) if frozen else Path(sys.executable).with_name("checkin-desk")
    if not frozen and not gui.exists():
        gui = Path(shutil.which("checkin-desk") or "checkin-desk")
    text = (paths.resources_dir() / "desktop" / "checkin-desk.desktop").read_text(encoding="utf-8")
    exec_line = f'Exec="{gui}"' if " " in str(gui) else f"Exec={gui}"
    if frozen:
        exec_line += " desk"
    text = text.replace("Exec=checkin-desk", exec_line)
    entry = data / "applications" / "checkin-desk.desktop"
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(text, encoding="utf-8")
    print(_("Raccourci installé : {path}", path=entry))
    return 0


def run_screenshots(args: argparse.Namespace) -> int:
    from checkin.demo.secret import use_demo_secret
    from checkin.devtools import screenshots

    use_demo_secret()  # invented people: never a prompt, whatever the keyring
    written = screenshots.render_all(Path(args.outdir), event=event_mod.of(args))
    for path in written:
        print(path)
    return 0


def run_bench(args: argparse.Namespace) -> int:
    from checkin.demo.secret import use_demo_secret
    from checkin.devtools.bench import desk as bench

    if not args.db:
        use_demo_secret()  # synthetic people: never a prompt, whatever the keyring
    scenarios = tuple(s for s in args.during.split(",") if s)
    result = bench.run(attendees=args.attendees, db=args.db, rounds=args.rounds, scenarios=scenarios)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    # After 100,000-row models and many widgets, PySide6's teardown at interpreter exit
    # can crash in the garbage collector; the figures are printed, so leave at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
