"""What can go wrong on the way to a printer, as errors a volunteer can act on.

One hierarchy for every printer the desk drives — a folder of PDFs, a CUPS queue, a Qt
printer, an ESC/POS receipt printer — as python-escpos keeps one exceptions module. Every
one is a :class:`~checkin.base.errors.KnownError`: the print queue marks the job failed with
the message and retries later; the command line prints the sentence and exits non-zero.
Catch :class:`PrinterError` for "the job did not print"; the subclasses say why, for the
tests and for the few callers that act on the reason.
"""

from __future__ import annotations

from checkin.base.errors import KnownError


class PrinterError(KnownError):
    """A printer could not print a job (base of the others): retry later."""


class PrinterAddressError(PrinterError):
    """The printer's address (URI) cannot be understood, or names an unusable port."""


class PrinterUnreachable(PrinterError):
    """Nothing takes the job: printer off, cable out, wrong address, missing queue or driver."""


class PrinterTimeout(PrinterError):
    """The printer (or CUPS) took the connection but stopped answering or taking data."""


class PrinterNotReady(PrinterError):
    """The printer answered that it cannot print now: paper out, cover open, offline, stopped."""


class ProfileError(PrinterError):
    """An unknown printer profile, paper width or code page was asked for."""


class LayoutError(PrinterError):
    """A slip layout file is missing or wrong; the message names the file and the element."""
