"""Reaching receipt printers: a loopback network printer gets exactly the slip's bytes; a
printer that is off, silent, jammed or out of paper fails promptly with a clear reason; the
print queue prints tickets through the ESC/POS back-end and keeps failing jobs."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from checkin.base.errors import KnownError
from checkin.printing.errors import (
    PrinterAddressError,
    PrinterError,
    PrinterNotReady,
    PrinterTimeout,
    PrinterUnreachable,
)
from checkin.printing.escpos import connect, render, status
from checkin.printing.escpos.backend import EscposBackend
from checkin.printing.escpos.parse import parse
from checkin.printing.escpos.tickets import print_test
from checkin.printing.queue import PrintQueue
from checkin.replica import attendees
from checkin.replica.attendees import AttendeeView
from checkin.replica.db import Replica

PROMPT = 2.5  # seconds: "a couple of seconds" for a dead printer to be reported
ASKED = status.ASK_PRINTER + status.ASK_OFFLINE_CAUSE + status.ASK_PAPER


class FakePrinter:
    """A network receipt printer on 127.0.0.1: records what it receives, answers DLE EOT.

    ``replies`` maps a status question's n to the byte answered; ``None`` = a printer that
    never answers status (a cheap clone). The recording is complete once ``done`` is set
    (the client closed the connection).
    """

    def __init__(self, replies: dict[int, int] | None = None) -> None:
        self.replies = replies
        self.received = bytearray()
        self.done = threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        conn, _addr = self.server.accept()
        with conn:
            while chunk := conn.recv(65536):
                self.received += chunk
                question = bytes(chunk[-3:])
                if self.replies is not None and len(chunk) == 3 and question[:2] == status.DLE_EOT:
                    conn.sendall(bytes([self.replies[question[2]]]))
        self.done.set()

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    fake = FakePrinter({1: 0x12, 2: 0x12, 4: 0x12})  # online, nothing wrong, paper
    yield fake
    fake.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def slip_bytes() -> bytes:
    return render.test_page(render.device("TM-T20II", 80, "CP1252")).data


# -- addresses --------------------------------------------------------------------------------


def test_addresses_are_parsed_and_bad_ones_explained() -> None:
    t = connect.parse("tcp://10.0.0.5:9101?timeout=1.5&profile=TM-T88V")
    assert (t.scheme, t.address, t.port, t.timeout(9)) == ("tcp", "10.0.0.5", 9101, 1.5)
    assert connect.parse("tcp://printer.local").port == 9100
    assert connect.parse("file:/dev/usb/lp0").address == "/dev/usb/lp0"
    assert connect.parse("file:///tmp/x.bin").address == "/tmp/x.bin"
    assert connect.parse("usb://04B8:0x0202").address == "04b8:0202"
    s = connect.parse("serial:///dev/ttyUSB0?baudrate=19200")
    assert (s.address, s.options["baudrate"]) == ("/dev/ttyUSB0", "19200")
    assert connect.parse("cups:TM-T20").address == "TM-T20"
    assert connect.parse("win:EPSON TM-T20II Receipt").address == "EPSON TM-T20II Receipt"
    for bad in ("lpt1", "http://x", "usb://epson", "tcp://", "tcp://h:port", "file:"):
        with pytest.raises(PrinterAddressError):
            connect.parse(bad)


# -- a network printer ------------------------------------------------------------------------


def test_loopback_printer_receives_exactly_the_slip_after_the_status_questions(printer: FakePrinter) -> None:
    data = slip_bytes()
    state = connect.send(printer.uri, data)
    assert printer.done.wait(5)
    assert bytes(printer.received) == ASKED + data
    assert state.answered and state.online and not state.paper_out


def test_a_printer_silent_on_status_still_prints_the_exact_bytes() -> None:
    fake = FakePrinter(None)
    try:
        data = slip_bytes()
        state = connect.send(fake.uri, data)
        assert fake.done.wait(5)
        assert bytes(fake.received) == status.ASK_PRINTER + data
        assert not state.answered
    finally:
        fake.close()


def test_status_can_be_switched_off_in_the_address(printer: FakePrinter) -> None:
    data = b"\x1b@hello\n"
    connect.send(printer.uri + "?status=0", data)
    assert printer.done.wait(5)
    assert bytes(printer.received) == data


@pytest.mark.parametrize(
    ("replies", "words"),
    [
        ({1: 0x1A, 2: 0x16, 4: 0x12}, "capot ouvert"),
        ({1: 0x1A, 2: 0x32, 4: 0x72}, "plus de papier"),
        ({1: 0x1A, 2: 0x52, 4: 0x12}, "erreur"),
    ],
)
def test_cover_open_or_paper_out_fails_the_job_with_that_reason_and_prints_nothing(
    replies: dict[int, int], words: str
) -> None:
    fake = FakePrinter(replies)
    try:
        with pytest.raises(PrinterNotReady, match=words):
            connect.send(fake.uri, slip_bytes())
        assert fake.done.wait(5)
        assert bytes(fake.received) == ASKED
    finally:
        fake.close()


def test_a_refused_connection_is_a_prompt_clear_error() -> None:
    uri = f"tcp://127.0.0.1:{free_port()}"
    start = time.monotonic()
    with pytest.raises(PrinterUnreachable, match="refuse la connexion") as info:
        connect.send(uri, b"x")
    assert time.monotonic() - start < PROMPT
    assert "127.0.0.1" in str(info.value)


def test_a_printer_that_never_answers_the_connection_fails_promptly() -> None:
    # A listener whose backlog is full: the connection attempt gets no answer at all,
    # like a printer that is off behind a switch.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        filler = socket.create_connection(server.getsockname())
        try:
            start = time.monotonic()
            with pytest.raises(PrinterUnreachable, match="ne répond pas"):
                connect.send(f"tcp://127.0.0.1:{server.getsockname()[1]}?timeout=1", b"x")
            assert time.monotonic() - start < PROMPT
        finally:
            filler.close()


def test_a_printer_that_accepts_but_never_reads_fails_promptly() -> None:
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        stop = threading.Event()
        held: list[socket.socket] = []

        def accept_and_hold() -> None:
            conn, _ = server.accept()
            held.append(conn)
            stop.wait(10)
            conn.close()

        thread = threading.Thread(target=accept_and_hold, daemon=True)
        thread.start()
        start = time.monotonic()
        try:
            with pytest.raises(PrinterTimeout, match="ne prend plus les données"):
                connect.send(f"tcp://127.0.0.1:{server.getsockname()[1]}?timeout=1", b"\x00" * 4_000_000)
            assert time.monotonic() - start < PROMPT + 1
        finally:
            stop.set()
            thread.join(5)


# -- other connections ------------------------------------------------------------------------


def test_file_printer_gets_the_bytes_and_a_missing_folder_is_explained(tmp_path: Path) -> None:
    data = slip_bytes()
    connect.send(f"file:{tmp_path / 'out.bin'}", data)
    assert (tmp_path / "out.bin").read_bytes() == data
    with pytest.raises(PrinterUnreachable, match="Dossier introuvable"):
        connect.send(f"file:{tmp_path / 'nope' / 'out.bin'}", data)


def test_serial_printer_on_a_pseudo_terminal_gets_the_exact_bytes() -> None:
    master, slave = os.openpty()
    try:
        data = slip_bytes()
        received = bytearray()
        reader = threading.Thread(target=_drain, args=(master, received, len(data)), daemon=True)
        reader.start()
        connect.send(f"serial://{os.ttyname(slave)}?baudrate=115200&status=0", data)
        reader.join(5)
        assert bytes(received) == data
    finally:
        os.close(master)
        os.close(slave)


def _drain(fd: int, into: bytearray, size: int) -> None:
    while len(into) < size:
        into += os.read(fd, 65536)


def test_missing_serial_usb_cups_and_windows_printers_are_known_errors() -> None:
    start = time.monotonic()
    with pytest.raises(PrinterUnreachable):
        connect.send("serial:///dev/ttyNOPE0", b"x")
    with pytest.raises(PrinterUnreachable):
        connect.send("usb://04b8:0202", b"x")
    with pytest.raises(PrinterError, match="checkin-no-such-queue"):
        connect.send("cups:checkin-no-such-queue?timeout=5", b"x")
    with pytest.raises(PrinterAddressError, match="Windows"):
        connect.send("win:EPSON TM-T20II", b"x")
    assert time.monotonic() - start < 10


def test_print_test_reaches_the_printer(printer: FakePrinter) -> None:
    print_test(printer.uri + "?codepage=CP858")
    assert printer.done.wait(5)
    slip = parse(bytes(printer.received), "TM-T20II")
    assert "Page de codes : CP858 (ESC t 19)" in slip.text
    assert slip.qr == ["checkin test QR natif"]


# -- the print queue ---------------------------------------------------------------------------


def someone(replica: Replica) -> AttendeeView:
    with replica.read() as conn:
        return sorted(
            (a for a in attendees.all_live(conn) if a.status == "confirmed" and a.first_name),
            key=lambda a: a.code,
        )[0]


def wait_state(queue: PrintQueue, job_id: str, states: set[str]) -> str:
    changed = threading.Event()
    queue.add_listener(lambda job: changed.set() if job.id == job_id else None)
    for _ in range(100):
        job = queue.job(job_id)
        assert job is not None
        if job.state in states:
            return job.state
        changed.wait(0.2)
        changed.clear()
    raise AssertionError(f"job stayed {job.state}")


def test_the_queue_prints_a_label_badge_on_a_receipt_printer(
    sample_db: Replica, printer: FakePrinter
) -> None:
    backend = EscposBackend(printer.uri, "TM-T20II", 80, "CP1252", name="ticket", replica=sample_db)
    queue = PrintQueue(sample_db, {"ticket": backend}, backend.render)
    person = someone(sample_db)
    queue.start()
    try:
        job_id = queue.enqueue_badge(person, "ticket")
        assert wait_state(queue, job_id, {"done", "failed"}) == "done"
    finally:
        queue.stop()
    assert printer.done.wait(5)
    slip = parse(bytes(printer.received[len(ASKED) :]), "TM-T20II")
    assert person.first_name in slip.text and slip.qr == [person.code]


def test_the_queue_keeps_a_job_for_an_unreachable_receipt_printer_with_the_reason(sample_db: Replica) -> None:
    backend = EscposBackend(f"tcp://127.0.0.1:{free_port()}", name="ticket", replica=sample_db)
    queue = PrintQueue(sample_db, {"ticket": backend}, backend.render, backoff=60)
    queue.start()
    try:
        job_id = queue.enqueue_badge(someone(sample_db), "ticket")
        assert wait_state(queue, job_id, {"failed", "done"}) == "failed"
    finally:
        queue.stop()
    job = queue.job(job_id)
    assert job is not None and "refuse la connexion" in job.error and job.next_try_at


def test_the_backend_refuses_a_pdf_and_prints_a_job_directly(sample_db: Replica, tmp_path: Path) -> None:
    backend = EscposBackend(f"file:{tmp_path / 'out.bin'}", name="ticket")
    with pytest.raises(KnownError, match="PDF"):
        backend.submit(b"%PDF-1.7 ...", job_id="x")

    class Job:
        id = "j1"
        kind = "ticket"
        code = someone(sample_db).code
        layout = ""
        desk = "Accueil 1"

    backend.print_job(Job(), sample_db)
    slip = parse((tmp_path / "out.bin").read_bytes())
    assert "Bienvenue" in slip.text or "Welcome" in slip.text
    assert slip.qr == [Job.code]
