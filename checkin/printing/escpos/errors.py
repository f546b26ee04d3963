"""What can go wrong between a slip and a receipt printer, as errors a volunteer can act on.

Every one is a :class:`~checkin.base.errors.KnownError`: the print queue marks the job failed with
the message and retries later; the command line prints the sentence and exits non-zero.
"""

from __future__ import annotations

from checkin.base.errors import KnownError


class PrinterError(KnownError):
    """A receipt printer could not print a job (base of the others)."""


class PrinterAddressError(PrinterError):
    """The printer's address (URI) cannot be understood, or names an unusable port."""


class PrinterUnreachable(PrinterError):
    """Nothing answers at the address: printer off, cable out, wrong address."""


class PrinterTimeout(PrinterError):
    """The printer took the connection but stopped taking data."""


class PrinterNotReady(PrinterError):
    """The printer answered that it cannot print now: paper out, cover open, offline."""


class ProfileError(PrinterError):
    """An unknown printer profile, paper width or code page was asked for."""
