"""Building and starting the desk: the application, the replica, the print queue, the
window, the crash handler. ``checkin desk``, ``checkin demo``, the screenshots and the
benchmark all go through :func:`build_desk`.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from checkin.base import i18n, keys, logs, paths
from checkin.base.errors import DamagedReplica, KnownError
from checkin.base.i18n import _
from checkin.base.settings import DeskSettings
from checkin.event import model as event_mod
from checkin.event.days import serving
from checkin.event.model import EventConfig
from checkin.printing import warmup
from checkin.printing.config import file_folders
from checkin.replica import apart, backup, cipher, contents
from checkin.replica.db import Replica, damaged, open_replica, quick_check
from checkin.sync import retention
from checkin.ui import keys as ui_keys
from checkin.ui import tasks
from checkin.ui.crash import CrashHandler
from checkin.ui.printers.bridge import PrintBridge
from checkin.ui.qt import (
    QApplication,
    QFont,
    QIcon,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
    shiboken_delete,
    shiboken_is_valid,
)
from checkin.ui.session import DeskSession
from checkin.ui.staff.recovery import Backups, RecoveryDialog, recover
from checkin.ui.window import DeskWindow

log = logging.getLogger(__name__)
qt_log = logging.getLogger("checkin.ui.qt")


# What Qt's xcb platform plugin loads on Linux (Qt 6.5+), with the Debian/Ubuntu package of
# each: a fresh desktop often lacks some, and Qt then dies with "Aborted" alone.
XCB_LIBRARIES = (
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-shm.so.0", "libxcb-shm0"),
    ("libxcb-sync.so.1", "libxcb-sync1"),
    ("libxcb-util.so.1", "libxcb-util1"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
)
_starting: list[str] = []  # Qt's messages while the application starts (empty otherwise)


def missing_libraries() -> list[str]:
    """The Debian packages of the xcb libraries this machine cannot load."""
    import ctypes

    missing = []
    for soname, package in XCB_LIBRARIES:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(package)
    return missing


def platform_failure(messages: list[str]) -> str:
    """One sentence naming what to install (or change) when Qt cannot open the screen."""
    wanted = next(
        (m.split('"')[1] for m in messages if "Qt platform plugin" in m and m.count('"') >= 2),
        os.environ.get("QT_QPA_PLATFORM", "xcb"),
    )
    if any("Could not find the Qt platform plugin" in m for m in messages):
        return _(
            "checkin : Qt ne connaît pas l'affichage « {name} » (variable QT_QPA_PLATFORM) : "
            "retirez-la ou choisissez xcb, wayland ou offscreen, puis relancez.",
            name=wanted,
        )
    missing = missing_libraries() if sys.platform.startswith("linux") else []
    if missing:
        return _(
            "checkin : la fenêtre ne peut pas s'ouvrir car il manque à Qt {libs} ; installez-les "
            "(sudo apt install {libs}) puis relancez.",
            libs=" ".join(missing),
        )
    if sys.platform.startswith("linux"):
        return _(
            "checkin : Qt ne peut pas ouvrir l'écran (affichage « {name} ») ; sur Debian ou Ubuntu, "
            "installez {libs} puis relancez (détails dans {log}).",
            name=wanted,
            libs=" ".join(p for _s, p in XCB_LIBRARIES),
            log=logs.log_file(),
        )
    return _(
        "checkin : Qt ne peut pas ouvrir l'écran ; réinstallez checkin (détails dans {log}).",
        log=logs.log_file(),
    )


def _qt_message(mode: QtMsgType, _context: object, message: str) -> None:
    """Qt's own warnings go to our log file, not to a console nobody reads.

    A fatal message while the application starts (no platform plugin could be loaded) would
    end in a bare "Aborted": the process says instead, in one sentence on stderr and in the
    log, what to install, and leaves.
    """
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
    }.get(mode, logging.ERROR)
    qt_log.log(level, "%s", message)
    if _starting:
        _starting.append(message)
        if mode == QtMsgType.QtFatalMsg:
            sentence = platform_failure(_starting[1:])
            log.error("Qt could not start: %s", sentence)
            out = sys.__stderr__ or sys.stderr  # the real one, also under checkin-desk
            if out is not None:
                print(sentence, file=out)
                out.flush()
            logging.shutdown()
            os._exit(1)


_app: list[QApplication] = []  # the one application object, kept alive


def application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        # Qt would abort the process; say it in one sentence instead.
        raise KnownError(_("Aucun écran disponible : lancez le poste dans une session graphique."))
    qInstallMessageHandler(_qt_message)
    _starting.append("")  # from here, a fatal message is a start-up failure
    try:
        app = QApplication(argv or ["checkin"])
    finally:
        _starting.clear()
    _app.append(app)
    app.setApplicationName("checkin")
    app.setDesktopFileName("checkin-desk")
    app.setWindowIcon(app_icon())
    font = QFont(app.font())
    font.setPointSize(max(font.pointSize(), 12))
    app.setFont(font)
    return app


def app_icon() -> QIcon:
    """The application's icon at every size shipped (window, task bar, Alt+Tab)."""
    icon = QIcon()
    folder = paths.resources_dir() / "icons"
    for png in sorted(folder.glob("checkin-*.png")):
        icon.addFile(str(png))
    return icon


def choose_day(event: EventConfig, given: str | None, today: date | None = None, *, saved: str = "") -> str:
    """The day given (``--day``), else the day the lead chose earlier today (``saved``: a
    restart keeps it), else today when today is an event day, else the first event day."""
    if not given and saved:
        if event.day(saved) is not None:
            return saved
        log.warning("the saved day %s is not a day of this event; ignored", saved)
    if given:
        if event.day(given) is None:
            days = ", ".join(d.iso for d in event.days)
            raise KnownError(_("{day} n'est pas un jour de l'événement ({days}).", day=given, days=days))
        return given
    return serving(event, today=today)


class MainThreadGc:
    """Python's cyclic GC runs on the GUI thread only.

    Left automatic, a collection may start in a print or pool thread and destroy Qt
    objects there (a crash in PySide). Like Anki and qutebrowser, the desk disables the
    automatic collector and collects from a timer on the GUI thread.
    """

    def __init__(self, app: QApplication, interval_ms: int = 2000) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(app)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect)
        self.timer.start()

    def collect(self) -> None:
        gc.collect()

    def freeze(self) -> None:
        """Leave what start-up built (modules, widgets, the event) out of every later
        collection. A full collection over it took 40–180 ms on the GUI thread at a
        100,000-person event, every two seconds — a keystroke or a scan landing then
        waited that long; after the freeze a collection looks at new objects only."""
        gc.collect()
        gc.freeze()

    def stop(self) -> None:
        self.timer.stop()
        gc.unfreeze()
        gc.collect()
        if self.was_enabled:
            gc.enable()


@dataclass
class Desk:
    window: DeskWindow
    session: DeskSession
    printing: PrintBridge | None
    crash: CrashHandler
    replica: Replica
    collector: MainThreadGc
    backups: Backups | None = None
    closed: bool = False
    recovery: str = ""  # the lead chose to repair the replica (restore / rebuild): reopen after

    def start_printing(self) -> None:
        """Start the print queue once the window is up (see ``defer_printing``)."""
        if self.printing is None:
            self.printing = PrintBridge.build(self.replica, self.session.event)
            self.window.printers.attach(self.printing)

    def close(self) -> None:
        """Stop the printer threads first, then delete the window on the GUI thread."""
        if self.closed:
            return
        self.closed = True
        # An import or an exchange running apart stops with the desk, as a killed one
        # does (the next completes it): closing does not wait for its end.
        apart.stop_all()
        if self.printing is not None:
            self.printing.stop()
        self.window.stop_listening()
        self.window.close()
        # The window is gone; live sync ends its exchange before the replica closes.
        if not self.window.sync.wait_stopped(10.0):
            log.warning("live sync still running at close")
        if self.backups is not None and not self.window.recovery.choice:
            self.backups.timer.stop()
            self.backups.now("day")  # the end of the desk's day: a copy that is never pruned
        self.crash.uninstall()
        # The print bridge is the window's child: deleted first, on its own (deleting it
        # again after its parent crashes PySide6 6.11, which does not check).
        if self.printing is not None and shiboken_is_valid(self.printing):
            shiboken_delete(self.printing)
        shiboken_delete(self.window)
        self.collector.stop()
        self.replica.close()


def build_desk(
    db: str | os.PathLike[str] | None = None,
    *,
    desk_name: str | None = None,
    day: str | None = None,
    settings: DeskSettings | None = None,
    event: EventConfig | None = None,
    with_printing: bool = True,
    defer_printing: bool = False,
    show_crash_dialog: bool = True,
    rehearsal: bool = False,
    check: bool = True,
) -> Desk:
    path = paths.db_path(db)
    # No keyring, no CHECKIN_PASSPHRASE, and the replica needs a key: the dialog, before any
    # thread reads. A plain desk (encryption off, a plain file) never asks.
    if keys.must_ask() and cipher.needs_secret(path):
        application()
        ui_keys.ask_now_if_needed()
    # The whole file is read once for damage (PRAGMA quick_check), on a thread of its own
    # while the event, the settings and Qt load.
    checker = _Check(path) if check and path.is_file() else None
    ev = event or event_mod.load()
    settings = settings or DeskSettings.load()
    # A wrong --day is told before any window opens.
    chosen_day = choose_day(ev, day, saved=settings.chosen_day())
    app = application()
    collector = MainThreadGc(app)
    if desk_name:
        settings.desk_name = desk_name
    i18n.set_language(os.environ.get("CHECKIN_LANG") or settings.language)
    replica = open_replica(path)
    problem = checker.result() if checker is not None else ""
    if problem:  # found before the window reads anything
        replica.close()
        collector.stop()
        raise damaged(path, problem)
    told = retention.check_open(replica, ev, print_folders=file_folders())  # near or past its date
    replica.set_interactive()  # the window's writes come first and never wait long
    session = DeskSession(replica, ev, chosen_day, settings.desk_name)
    window = DeskWindow(session, settings, None)
    window.setWindowIcon(app_icon())
    if rehearsal:
        window.set_rehearsal(str(paths.db_path(db).parent))
    if with_printing and not defer_printing:
        window.printers.attach(PrintBridge.build(replica, ev))
    crash = CrashHandler(window, show_dialog=show_crash_dialog)
    crash.on_known.append(window.frame.show_error)
    crash.install()
    window.start_listening()
    if told:
        window.frame.show_error(told)
    elif contents.registration_count(replica) == 0:
        window.say_empty(
            _(
                "Aucune inscription sur ce poste : le responsable importe l'export des inscriptions "
                "— « Responsable (F9) », puis « Tableau (F6) » › « Importer un export… »."
            )
        )
    if settings.problems:
        window.frame.show_error(" ".join(settings.problems))
    backups = Backups(replica, settings, window)
    backups.changed.connect(window.status.backup.setText)
    backups.failed.connect(window.frame.show_error)
    window.status.backup.setText(backups.status_text())
    desk = Desk(window, session, window.printers.bridge, crash, replica, collector, backups)
    if with_printing and defer_printing:
        QTimer.singleShot(0, desk.start_printing)
    if with_printing:
        # The first badge of the morning as fast as the hundredth: fonts, layouts, the QR
        # encoder and the CUPS queues warmed off the GUI thread (warm() never raises); its
        # shared libraries loaded here first (see warmup.preload: a loader deadlock).
        warmup.preload()
        tasks.run(lambda: warmup.warm(ev))
    if defer_printing:
        QTimer.singleShot(50, window.scan.sounds.preload)
    collector.freeze()
    return desk


def run(desk: Desk) -> int:
    app = application()
    desk.window.resize(1366, 768)
    desk.window.show()
    desk.window.scan.page.code_field.setFocus()
    log.info("desk window shown")
    try:
        return int(app.exec())
    finally:
        desk.recovery = desk.window.recovery.choice
        desk.close()
        if not desk.recovery:  # else the desk reopens once repaired
            # Destroy Qt's objects now, not during interpreter finalisation (a PySide crash).
            app.shutdown()


class _Check:
    """``PRAGMA quick_check`` of the replica on a thread of its own (SQLite lets go of
    Python while it reads), so the check costs the desk's start-up little."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem = ""
        self.thread = threading.Thread(target=self._run, name="checkin-quick-check", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.problem = quick_check(self.path)

    def result(self) -> str:
        self.thread.join()
        return self.problem


def run_with_recovery(build: Callable[[], Desk], path: Path) -> int:
    """Run the desk; when its replica is damaged (found at start or while it runs), say
    what to do in one modal dialog, carry out the lead's choice and start again."""
    said = ""
    while True:
        try:
            desk = build()
        except DamagedReplica as exc:
            choice = ask_recovery(path, exc.problem)
            if not choice:
                application().shutdown()
                return 1
            said = recover_now(path, choice)
            continue
        if said:
            desk.window.statusBar().showMessage(said, 120_000)
            said = ""
        code = run(desk)
        if not desk.recovery:
            return code
        said = recover_now(path, desk.recovery)


def ask_recovery(path: Path, problem: str) -> str:
    settings = DeskSettings.load()
    dialog = RecoveryDialog(path, problem, backup.folder_for(settings.backup_dir), settings.hub_url)
    dialog.exec()  # the one modal dialog: nothing can be done at this desk until it is answered
    return dialog.choice


def recover_now(path: Path, choice: str) -> str:
    settings = DeskSettings.load()
    done = recover(path, choice, backup.folder_for(settings.backup_dir))
    log.warning("replica recovered (%s): %s", choice, done.sentence())
    return done.sentence()


def demo_database(folder: Path | None = None, attendees: int = 400, event: EventConfig | None = None) -> Path:
    """A demo event (synthetic people, every day, workshops, B2B) in the data folder.

    One database per event (its id names the folder), so a demo of another event file
    never shows the first one's people.
    """
    from checkin.demo import synthetic
    from checkin.importer import import_file

    ev = event or event_mod.load()
    folder = folder or paths.data_dir() / "demo" / ev.id
    db = folder / "demo.sqlite"
    if db.exists() and _demo_kept(db, ev):
        return db
    for stale in folder.glob("demo.sqlite*"):  # emptied by a purge: the demo starts afresh
        stale.unlink()
    files = synthetic.build_event_files(folder, attendees, ev)
    replica = open_replica(db)
    try:
        for key in ("export", "programme", "meetings"):
            import_file(replica, ev, files[key])
        contents.mark_invented(replica, "demo")  # never purged by the retention date
    finally:
        replica.close()
    return db


def _demo_kept(db: Path, ev: EventConfig) -> bool:
    """Whether the demo's file is kept: people in it, and marked as invented or within the
    event's retention date (a demo made before the mark, or with a real export imported into
    it, is purged past the date like any desk, then made afresh)."""
    replica = open_replica(db, create=False)
    try:
        if retention.purge_open_if_due(replica, ev, print_folders=file_folders()):
            log.info("demo replica past the retention date without the demo's mark: purged, made afresh")
        return contents.registration_count(replica) > 0
    finally:
        replica.close()
