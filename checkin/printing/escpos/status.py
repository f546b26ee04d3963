"""Asking a receipt printer whether it can print, with ESC/POS real-time status (DLE EOT).

Epson printers and most clones answer ``DLE EOT n`` at once, even mid-job: one byte per
question. We ask before sending a job so that "paper out" or "cover open" fails the job
with that reason instead of a silent stall. Printers that never answer (some clones, and
every one-way connection: files, CUPS, Windows) are not an error: status is "unknown",
and the job goes ahead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from escpos.escpos import Escpos

from checkin.base.i18n import _
from checkin.printing.errors import PrinterNotReady

log = logging.getLogger(__name__)

DLE_EOT = b"\x10\x04"
ASK_PRINTER = DLE_EOT + b"\x01"  # online/offline, drawer
ASK_OFFLINE_CAUSE = DLE_EOT + b"\x02"  # cover open, paper end stop, error
ASK_PAPER = DLE_EOT + b"\x04"  # roll paper sensors
REPLY_TIMEOUT = 0.4  # seconds: an answering printer replies in a few milliseconds


def _valid(byte: int) -> bool:
    """Every DLE EOT reply has bits 1 and 4 set, bits 0 and 7 clear."""
    return byte & 0x93 == 0x12


@dataclass(frozen=True)
class Status:
    """What the printer said; ``answered`` False means it said nothing (unknown)."""

    answered: bool
    online: bool = True
    cover_open: bool = False
    paper_out: bool = False
    paper_low: bool = False
    error: bool = False

    @property
    def ready(self) -> bool:
        return not self.answered or (
            self.online and not self.cover_open and not self.paper_out and not self.error
        )

    def to_json(self) -> dict[str, bool | None]:
        if not self.answered:
            return {"answered": False, "online": None, "cover_open": None, "paper_out": None}
        return {
            "answered": True,
            "online": self.online,
            "cover_open": self.cover_open,
            "paper_out": self.paper_out,
            "paper_low": self.paper_low,
            "error": self.error,
        }


def decode(printer_byte: int, offline_byte: int | None, paper_byte: int | None) -> Status:
    """A status from the three replies (the last two may be missing)."""
    offline = offline_byte if offline_byte is not None and _valid(offline_byte) else 0
    paper = paper_byte if paper_byte is not None and _valid(paper_byte) else 0
    return Status(
        answered=True,
        online=not printer_byte & 0x08,
        cover_open=bool(offline & 0x04),
        paper_out=bool(offline & 0x20) or paper & 0x60 == 0x60,
        paper_low=paper & 0x0C == 0x0C,
        error=bool(offline & 0x40),
    )


def _ask(printer: Escpos, question: bytes, timeout: float) -> int | None:
    reader = getattr(printer, "read_reply", None)
    if reader is None:
        return None
    printer._raw(question)
    reply = reader(timeout)
    return reply[-1] if reply else None


def query(printer: Escpos, timeout: float = REPLY_TIMEOUT) -> Status:
    """Ask an open printer for its status; a printer that is silent is "unknown"."""
    first = _ask(printer, ASK_PRINTER, timeout)
    if first is None or not _valid(first):
        log.debug("the printer does not answer DLE EOT")
        return Status(answered=False)
    offline = _ask(printer, ASK_OFFLINE_CAUSE, timeout)
    paper = _ask(printer, ASK_PAPER, timeout)
    return decode(first, offline, paper)


def check_ready(status: Status, name: str) -> None:
    """Raise the reason a printer that answered cannot print now."""
    if status.ready:
        if status.paper_low:
            log.warning("receipt printer %s: paper roll nearly empty", name)
        return
    if status.cover_open:
        raise PrinterNotReady(_("L'imprimante {name} a le capot ouvert.", name=name))
    if status.paper_out:
        raise PrinterNotReady(_("L'imprimante {name} n'a plus de papier.", name=name))
    if status.error:
        raise PrinterNotReady(_("L'imprimante {name} signale une erreur (bourrage, massicot ?).", name=name))
    raise PrinterNotReady(_("L'imprimante {name} est hors ligne.", name=name))
