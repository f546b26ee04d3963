"""From a printer's address (URI) to an open python-escpos printer, with short timeouts.

A desk configures a receipt printer by one string:

* ``file:PATH`` (or ``file:///PATH``): a device file (``/dev/usb/lp0``) or a plain file;
* ``tcp://HOST:9100``: a network printer (``?timeout=SECONDS`` for connect and stalls);
* ``usb://VID:PID`` (hexadecimal, ``?in_ep=0x82&out_ep=0x01``): needs pyusb and libusb;
* ``serial:///dev/ttyUSB0?baudrate=19200&flow=none|rtscts|dsrdtr|xonxoff``: needs pyserial;
* ``cups:QUEUE``: a raw CUPS queue, fed through ``lp -o raw`` (:mod:`checkin.printing.cups`);
* ``win:PRINTER``: a raw Windows printer (win32print, Windows only).

Every failure to reach a printer is a :class:`PrinterError` naming the printer and the
reason, raised within seconds: a printer that is off must never hold a desk (or a test).
Why timeouts are stall timeouts: a printer drains its buffer at print speed, so a long
slip legitimately takes seconds; what matters is that bytes keep moving.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError
from escpos.printer import File, Network

from checkin.base.i18n import _
from checkin.printing import cups
from checkin.printing.errors import (
    PrinterAddressError,
    PrinterError,
    PrinterTimeout,
    PrinterUnreachable,
)
from checkin.printing.escpos.status import Status, check_ready, query

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 2.0  # seconds to reach a network printer
STALL_TIMEOUT = 5.0  # seconds without progress while sending
CHUNK = 4096  # bytes per write, so a stall is seen per chunk, not per job
SEND_BUFFER = 64 * 1024  # keep the kernel from swallowing a whole job a printer never reads
SCHEMES = ("file", "tcp", "usb", "serial", "cups", "win")


@dataclass(frozen=True)
class Target:
    """A parsed printer address."""

    uri: str
    scheme: str
    address: str  # path, host, queue or printer name; "VID:PID" for usb
    port: int = 9100
    options: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """How messages name the printer (the address without its options)."""
        return self.uri.split("?", 1)[0]

    @property
    def answers(self) -> bool:
        """Whether the connection can carry the printer's status replies back."""
        return self.scheme in ("tcp", "serial", "usb") and self.options.get("status", "1") != "0"

    def timeout(self, default: float) -> float:
        try:
            value = float(self.options.get("timeout", default))
        except ValueError as exc:
            raise PrinterAddressError(
                _("Délai invalide dans l'adresse d'imprimante {uri}", uri=self.name)
            ) from exc
        return value if value > 0 else default


def parse(uri: str) -> Target:
    """Read a printer address; an unknown form is a known error showing the accepted ones."""
    text = uri.strip()
    scheme, sep, rest = text.partition(":")
    scheme = scheme.lower()
    if not sep or scheme not in SCHEMES or not rest:
        raise PrinterAddressError(
            _(
                "Adresse d'imprimante non reconnue : {uri} (attendu file:CHEMIN, "
                "tcp://HÔTE:9100, usb://VID:PID, serial:///dev/ttyUSB0, cups:FILE, win:NOM)",
                uri=text,
            )
        )
    body, _q, query = rest.partition("?")
    options = {k.lower(): v for k, v in parse_qsl(query, keep_blank_values=True)}
    if scheme in ("file", "serial"):
        path = unquote(body.removeprefix("//"))
        if not path:
            raise PrinterAddressError(_("Adresse d'imprimante sans chemin : {uri}", uri=text))
        return Target(text, scheme, path, options=options)
    if scheme == "tcp":
        parts = urlsplit("tcp:" + (body if body.startswith("//") else "//" + body))
        try:
            port = parts.port or 9100
        except ValueError as exc:
            raise PrinterAddressError(_("Port invalide dans {uri}", uri=text)) from exc
        if not parts.hostname:
            raise PrinterAddressError(_("Adresse d'imprimante sans hôte : {uri}", uri=text))
        return Target(text, scheme, parts.hostname, port=port, options=options)
    if scheme == "usb":
        ids = body.lstrip("/").lower().removeprefix("0x")
        vid, colon, pid = ids.partition(":")
        try:
            int(vid, 16), int(pid.removeprefix("0x"), 16)
        except ValueError as exc:
            raise PrinterAddressError(
                _("Adresse USB invalide : {uri} (attendu usb://04b8:0202)", uri=text)
            ) from exc
        if not colon:
            raise PrinterAddressError(_("Adresse USB invalide : {uri} (attendu usb://04b8:0202)", uri=text))
        return Target(text, scheme, f"{vid}:{pid.removeprefix('0x')}", options=options)
    return Target(text, scheme, unquote(body.lstrip("/") if scheme == "cups" else body), options=options)


class TcpPrinter(Network):  # type: ignore[misc]
    """python-escpos's network printer with a connect timeout and stall detection."""

    def __init__(
        self, host: str, port: int, connect_timeout: float, stall_timeout: float, **kwargs: Any
    ) -> None:
        super().__init__(host=host, port=port, timeout=connect_timeout, **kwargs)
        self.connect_timeout = connect_timeout
        self.stall_timeout = stall_timeout

    def open(self, raise_not_found: bool = True) -> None:
        infos = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
        last: OSError | None = None
        for family, kind, proto, _name, address in infos:
            sock = socket.socket(family, kind, proto)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
            sock.settimeout(self.connect_timeout)
            try:
                sock.connect(address)
            except OSError as exc:
                sock.close()
                last = exc
                continue
            sock.settimeout(self.stall_timeout)
            self.device = sock
            return
        raise last or OSError("no address")

    def _raw(self, msg: bytes) -> None:
        assert self.device
        view = memoryview(msg)
        for start in range(0, len(view), CHUNK):
            self.device.sendall(view[start : start + CHUNK])

    def read_reply(self, timeout: float) -> bytes:
        assert self.device
        self.device.settimeout(timeout)
        try:
            return bytes(self.device.recv(16))
        except TimeoutError:
            return b""
        finally:
            self.device.settimeout(self.stall_timeout)


class LpPrinter(Escpos):  # type: ignore[misc]
    """A raw CUPS queue: the job is collected, then handed to ``lp -o raw`` in one go."""

    def __init__(self, queue: str, name: str, timeout: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.queue = queue
        self.name = name
        self.timeout = timeout
        self.buffer: list[bytes] = []

    def open(self) -> None:
        self.device = self.buffer

    def _raw(self, msg: bytes) -> None:
        self.buffer.append(msg)

    def flush(self) -> None:
        data = b"".join(self.buffer)
        self.buffer.clear()
        if not data:
            return
        cups.submit(self.queue, data, name=self.name, title="checkin", options=("raw",), timeout=self.timeout)

    def close(self) -> None:
        self.buffer.clear()


def open_printer(target: Target, profile: str | None = None) -> Escpos:
    """An opened python-escpos printer for ``target``; a known error when it is unreachable."""
    try:
        printer = _build(target, profile)
        printer.open()
    except PrinterError:
        raise
    except TimeoutError as exc:
        raise PrinterUnreachable(
            _("L'imprimante {name} ne répond pas (éteinte ou mauvaise adresse ?).", name=target.name)
        ) from exc
    except ConnectionRefusedError as exc:
        raise PrinterUnreachable(
            _("L'imprimante {name} refuse la connexion (éteinte ou mauvais port ?).", name=target.name)
        ) from exc
    except (OSError, ValueError, RuntimeError, EscposError) as exc:  # serial, USB, socket, missing driver
        log.debug("opening %s failed", target.name, exc_info=True)
        raise PrinterUnreachable(
            _("Imprimante injoignable : {name} ({reason})", name=target.name, reason=_reason(exc))
        ) from exc
    return printer


def _build(target: Target, profile: str | None) -> Escpos:
    kwargs: dict[str, Any] = {"profile": profile}
    if target.scheme == "file":
        folder = os.path.dirname(target.address) or "."
        if not os.path.isdir(folder):
            raise PrinterUnreachable(_("Dossier introuvable pour l'imprimante {name}.", name=target.name))
        return File(devfile=target.address, auto_flush=False, **kwargs)
    if target.scheme == "tcp":
        return TcpPrinter(
            target.address,
            target.port,
            connect_timeout=target.timeout(CONNECT_TIMEOUT),
            stall_timeout=target.timeout(STALL_TIMEOUT),
            **kwargs,
        )
    if target.scheme == "serial":
        return _serial(target, kwargs)
    if target.scheme == "usb":
        return _usb(target, kwargs)
    if target.scheme == "cups":
        return LpPrinter(target.address, target.name, target.timeout(cups.RAW_TIMEOUT), **kwargs)
    return _windows(target, kwargs)


def _serial(target: Target, kwargs: dict[str, Any]) -> Escpos:
    try:
        import serial
        from escpos.printer import Serial
    except ImportError as exc:  # pragma: no cover - pyserial is a dependency
        raise PrinterUnreachable(
            _("Le module pyserial manque : impossible d'utiliser {name}.", name=target.name)
        ) from exc
    options = target.options
    flow = options.get("flow", "none").lower()
    try:
        baudrate = int(options.get("baudrate", "9600"))
    except ValueError as exc:
        raise PrinterAddressError(_("Débit série invalide dans {uri}", uri=target.name)) from exc
    timeout = target.timeout(STALL_TIMEOUT)

    class _Serial(Serial):  # type: ignore[misc]
        def open(self, raise_not_found: bool = True) -> None:
            self.device = serial.Serial(
                port=target.address,
                baudrate=baudrate,
                timeout=timeout,
                write_timeout=timeout,
                xonxoff=flow == "xonxoff",
                rtscts=flow == "rtscts",
                dsrdtr=flow == "dsrdtr",
            )

        def read_reply(self, wait: float) -> bytes:
            assert self.device
            self.device.timeout = wait
            try:
                return bytes(self.device.read(1))
            finally:
                self.device.timeout = timeout

    return _Serial(devfile=target.address, baudrate=baudrate, **kwargs)


def _usb(target: Target, kwargs: dict[str, Any]) -> Escpos:
    try:
        from escpos.printer import Usb
    except ImportError as exc:  # pragma: no cover
        raise PrinterUnreachable(_("La prise en charge USB manque (pyusb).")) from exc
    vid, _sep, pid = target.address.partition(":")
    try:
        in_ep = int(target.options.get("in_ep", "0x82"), 0)
        out_ep = int(target.options.get("out_ep", "0x01"), 0)
    except ValueError as exc:
        raise PrinterAddressError(
            _("Adresse USB invalide : {uri} (attendu usb://04b8:0202)", uri=target.name)
        ) from exc
    timeout_ms = int(target.timeout(STALL_TIMEOUT) * 1000)

    class _Usb(Usb):  # type: ignore[misc]
        def read_reply(self, wait: float) -> bytes:
            assert self.device
            try:
                return bytes(self.device.read(self.in_ep, 16, int(wait * 1000)))
            except OSError:
                return b""

    return _Usb(int(vid, 16), int(pid, 16), timeout=timeout_ms, in_ep=in_ep, out_ep=out_ep, **kwargs)


def _windows(target: Target, kwargs: dict[str, Any]) -> Escpos:
    if not sys.platform.startswith("win"):
        raise PrinterAddressError(
            _(
                "Les imprimantes Windows (win:NOM) ne sont utilisables que sous Windows : {name}",
                name=target.name,
            )
        )
    try:  # pragma: no cover - Windows only
        import win32print  # noqa: F401
        from escpos.printer import Win32Raw
    except ImportError as exc:  # pragma: no cover
        raise PrinterUnreachable(
            _("Le module pywin32 manque : impossible d'utiliser {name}.", name=target.name)
        ) from exc
    return Win32Raw(printer_name=target.address, **kwargs)  # pragma: no cover


def write(printer: Escpos, target: Target, data: bytes) -> None:
    """Send ``data`` and flush; stalls and dropped connections become known errors."""
    try:
        printer._raw(data)
        flush = getattr(printer, "flush", None)
        if callable(flush):
            flush()
    except PrinterError:
        raise
    except TimeoutError as exc:
        raise PrinterTimeout(
            _(
                "L'imprimante {name} ne prend plus les données (bourrage, capot ouvert ou plus de papier ?).",
                name=target.name,
            )
        ) from exc
    except (OSError, ValueError, EscposError) as exc:
        log.debug("writing to %s failed", target.name, exc_info=True)
        raise PrinterUnreachable(
            _(
                "La connexion à l'imprimante {name} a été coupée ({reason}).",
                name=target.name,
                reason=_reason(exc),
            )
        ) from exc


def close(printer: Escpos) -> None:
    try:
        printer.close()
    except Exception:  # closing a dead connection must not hide the real error
        log.debug("closing the printer failed", exc_info=True)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return str(exc.strerror)
    lines = str(exc).strip().splitlines()
    return lines[-1] if lines else type(exc).__name__


def send(uri: str | Target, data: bytes, *, check_status: bool = True) -> Status:
    """Print ``data`` on the printer at ``uri`` now; returns what the printer said first.

    The status question goes first on the same connection (a printer takes one at a
    time), so a printer with its cover open fails the job with that reason.
    """
    target = uri if isinstance(uri, Target) else parse(uri)
    printer = open_printer(target)
    try:
        state = Status(answered=False)
        if check_status and target.answers:
            try:
                state = query(printer)
            except OSError as exc:
                raise PrinterUnreachable(
                    _(
                        "La connexion à l'imprimante {name} a été coupée ({reason}).",
                        name=target.name,
                        reason=_reason(exc),
                    )
                ) from exc
            check_ready(state, target.name)
        write(printer, target, data)
        log.info("sent %d bytes to receipt printer %s", len(data), target.name)
        return state
    finally:
        close(printer)


def ask_status(uri: str | Target) -> Status:
    """Only ask the printer how it is (the set-up screen's "test the printer")."""
    target = uri if isinstance(uri, Target) else parse(uri)
    printer = open_printer(target)
    try:
        return query(printer) if target.answers else Status(answered=False)
    except OSError as exc:
        raise PrinterUnreachable(
            _(
                "La connexion à l'imprimante {name} a été coupée ({reason}).",
                name=target.name,
                reason=_reason(exc),
            )
        ) from exc
    finally:
        close(printer)
