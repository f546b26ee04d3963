"""A real CUPS: a private cupsd with a cups-pdf queue prints an A6 badge through ``lp``."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from sample import SAMPLE_DIR

from checkin.event import model as event_mod
from checkin.printing.backends import CupsBackend
from checkin.printing.cups import system_printers
from checkin.printing.errors import PrinterError, PrinterUnreachable
from checkin.printing.queue import Job, PdfBadgeRenderer, PrintQueue
from checkin.replica import attendees
from checkin.replica.db import open_replica

CUPSD = shutil.which("cupsd") or ("/usr/sbin/cupsd" if Path("/usr/sbin/cupsd").exists() else None)
SAMPLE = SAMPLE_DIR / "inscriptions.csv"
QUEUE = "checkin-pdf"
A6_MM = (105.0, 148.0)

pytestmark = pytest.mark.skipif(
    CUPSD is None,
    reason="cupsd is not installed (apt-get install cups printer-driver-cups-pdf)",
)


def _wait_for(predicate: object, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Wait for a condition on cupsd, pausing on the process itself (it must stay alive)."""
    waited = 0.0
    while not predicate():  # type: ignore[operator]
        try:
            proc.wait(0.2)
        except subprocess.TimeoutExpired:
            waited += 0.2
            if waited > timeout:
                raise AssertionError("cupsd did not get there in time") from None
            continue
        raise AssertionError(f"cupsd exited with {proc.returncode}")


@pytest.fixture(scope="module")
def cups() -> Iterator[str]:
    """A private cupsd (own config, spool and socket) with a cups-pdf queue; yields its socket.

    The folders live outside pytest's tmp_path because CUPS filters run as the ``lp`` user,
    which cannot enter pytest's private temporary folders.
    """
    assert CUPSD is not None
    root = Path(tempfile.mkdtemp(prefix="checkin-cups-"))
    root.chmod(0o755)
    for sub in ("spool", "cache", "state", "log", "ppd"):
        (root / sub).mkdir(mode=0o755)
    (root / "tmp").mkdir()
    (root / "tmp").chmod(0o1777)
    sock = root / "cups.sock"
    (root / "cupsd.conf").write_text(
        f"Listen {sock}\nLogLevel debug\nWebInterface No\nBrowsing No\nDefaultAuthType None\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n",
        encoding="utf-8",
    )
    (root / "cups-files.conf").write_text(
        f"ServerRoot {root}\nRequestRoot {root}/spool\nTempDir {root}/tmp\nCacheDir {root}/cache\n"
        f"StateDir {root}/state\nErrorLog {root}/log/error_log\nAccessLog {root}/log/access_log\n"
        f"PageLog {root}/log/page_log\nServerBin /usr/lib/cups\nDataDir /usr/share/cups\n"
        f"Printcap {root}/printcap\nSystemGroup root\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [
            CUPSD,
            "-f",
            "-c",
            str(root / "cupsd.conf"),
            "-s",
            str(root / "cups-files.conf"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = dict(os.environ, CUPS_SERVER=str(sock))

    def running() -> bool:
        done = subprocess.run(["lpstat", "-r"], capture_output=True, text=True, env=env, check=False)
        return "is running" in done.stdout

    try:
        _wait_for(running, proc)
        ppd = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
        assert ppd.exists(), "printer-driver-cups-pdf is needed for the CUPS test"
        subprocess.run(
            ["lpadmin", "-p", QUEUE, "-E", "-v", "cups-pdf:/", "-P", str(ppd)],
            check=True,
            capture_output=True,
            env=env,
        )
        yield str(sock)
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(root, ignore_errors=True)


def cups_pdf_outbox() -> Path:
    """Where cups-pdf writes (``Out ${HOME}/PDF`` in Debian's cups-pdf.conf)."""
    return Path(pwd.getpwuid(os.getuid()).pw_dir) / "PDF"


def test_an_a6_badge_printed_through_cups_keeps_its_size_and_qr(
    cups: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checkin.importer import import_file

    monkeypatch.setenv("CHECKIN_HOME", str(tmp_path / "home"))
    replica = open_replica(tmp_path / "desk.sqlite")
    import_file(replica, event_mod.load(), SAMPLE)
    with replica.read() as conn:
        person = next(a for a in attendees.all_live(conn) if a.native_name and a.status == "confirmed")

    assert QUEUE in system_printers(cups)
    backend = CupsBackend("badges", QUEUE, server=cups)
    queue = PrintQueue(
        replica,
        {"badges": backend},
        PdfBadgeRenderer(event_mod.load(), "a6"),
        timeout=30,
    )
    finished: list[Job] = []
    queue.add_listener(lambda job: finished.append(job) if job.state in ("done", "failed") else None)
    queue.start()
    try:
        job_id = queue.enqueue_badge(person, desk="Accueil 1")
        env = dict(os.environ, CUPS_SERVER=cups)

        def completed() -> bool:
            job = queue.job(job_id)
            if job is None or job.state != "done":
                return False
            listing = subprocess.run(
                ["lpstat", "-W", "completed", "-o", QUEUE],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            return job.data["handle"] in listing.stdout and any(
                cups_pdf_outbox().glob(f"checkin-{job_id}*.pdf")
            )

        # CUPS has no callback to wait on from here: poll its job list, bounded.
        pause = threading.Event()
        for _attempt in range(300):
            if completed():
                break
            pause.wait(0.2)
        assert completed(), (queue.job(job_id), finished)
    finally:
        queue.stop()
    job = queue.job(job_id)
    assert job is not None and job.state == "done" and re.fullmatch(rf"{QUEUE}-\d+", job.data["handle"])
    [output] = list(cups_pdf_outbox().glob(f"checkin-{job_id}*.pdf"))
    try:
        info = subprocess.run(["pdfinfo", str(output)], capture_output=True, text=True, check=True).stdout
        found = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
        assert found
        width, height = (float(v) * 25.4 / 72 for v in found.groups())
        assert abs(width - A6_MM[0]) < 1.0 and abs(height - A6_MM[1]) < 1.0, (
            width,
            height,
        )
        png = tmp_path / "cups"
        subprocess.run(
            ["pdftoppm", "-r", "150", "-png", "-singlefile", str(output), str(png)],
            check=True,
        )
        with Image.open(f"{png}.png") as image:
            assert [r.text for r in zxingcpp.read_barcodes(image)] == [person.code]
    finally:
        output.unlink()
    replica.close()


def test_without_cups_badges_and_tickets_fail_with_the_same_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checkin.printing.escpos import connect

    monkeypatch.setenv("PATH", str(tmp_path))  # no lp, no lpstat
    with pytest.raises(PrinterUnreachable, match="commande lp absente") as badge:
        CupsBackend("badges", QUEUE).submit(b"%PDF-1.4\n", job_id="z", title="z", media="A6")
    with pytest.raises(PrinterUnreachable, match="commande lp absente") as ticket:
        connect.send("cups:tickets", b"x", check_status=False)
    assert str(badge.value) == str(ticket.value)
    assert system_printers() == []


def test_a_missing_cups_queue_is_a_clear_printer_error(cups: str) -> None:
    backend = CupsBackend("ghost", "no-such-queue", server=cups, timeout=10)
    with pytest.raises(PrinterError, match="ghost"):
        backend.submit(b"%PDF-1.4\n", job_id="x", title="x", media="A6")


def test_a_stopped_cups_printer_fails_with_its_reason(cups: str) -> None:
    env = dict(os.environ, CUPS_SERVER=cups)
    subprocess.run(["cupsdisable", "-r", "Plus de papier", QUEUE], check=True, env=env)
    try:
        with pytest.raises(PrinterError, match="Plus de papier"):
            CupsBackend("badges", QUEUE, server=cups).submit(b"%PDF-1.4\n", job_id="y", title="y", media="A6")
    finally:
        subprocess.run(["cupsenable", QUEUE], check=True, env=env)
