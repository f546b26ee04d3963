"""Scanners in serial (COM) mode: each line read from the port is a scan.

The port is named in the desk settings (``serial_port``: ``COM3``, ``/dev/ttyACM0``). Bytes
arrive in chunks; a scan ends at CR or LF. The text is decoded as UTF-8, falling back to
Latin-1 (some scanners send their own code page), and handed to the same ``on_scan`` as a
keyboard burst. A port that cannot be opened is a known error (banner), not a crash.
"""

from __future__ import annotations

import logging

from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.ui.qt import QObject, Signal, serial_port_class

log = logging.getLogger(__name__)

MAX_LINE = 4096


def split_lines(buffer: bytes) -> tuple[list[str], bytes]:
    """Complete lines (decoded, stripped, non-empty) and the unfinished rest."""
    lines: list[str] = []
    rest = buffer
    while True:
        cut = min((i for i in (rest.find(b"\r"), rest.find(b"\n")) if i >= 0), default=-1)
        if cut < 0:
            break
        raw, rest = rest[:cut], rest[cut + 1 :]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        if text.strip():
            lines.append(text.strip())
    if len(rest) > MAX_LINE:  # a port sending noise without line ends
        rest = b""
    return lines, rest


class SerialScanner(QObject):
    scanned = Signal(str)

    def __init__(self, port_name: str, baud: int = 9600, parent: QObject | None = None) -> None:
        super().__init__(parent)
        port_class = serial_port_class()
        self.port = port_class(self)
        self.port.setPortName(port_name)
        self.port.setBaudRate(baud)
        self.port.readyRead.connect(self._read)
        self._buffer = b""
        self.port_name = port_name

    def open(self) -> None:
        if not self.port.open(serial_port_class().OpenModeFlag.ReadOnly):
            raise KnownError(
                _(
                    "Scanner série {port} inaccessible : {error}",
                    port=self.port_name,
                    error=self.port.errorString(),
                )
            )
        log.info("serial scanner on %s", self.port_name)

    def close(self) -> None:
        if self.port.isOpen():
            self.port.close()

    def _read(self) -> None:
        lines, self._buffer = split_lines(self._buffer + bytes(self.port.readAll().data()))
        for line in lines:
            self.scanned.emit(line)
