"""Logging to a rotating file in the log folder; no personal data at INFO level.

Modules log with ``logging.getLogger(__name__)``. Names, e-mails and codes go at DEBUG
only, which is off unless ``CHECKIN_DEBUG=1``.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from checkin.base import paths

_configured = False


def log_file() -> Path:
    return paths.log_dir() / "checkin.log"


class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    """Each new log file (after a rotation too) readable by its user alone."""

    def _open(self):  # type: ignore[no-untyped-def]
        stream = super()._open()
        if os.name != "nt":
            os.chmod(self.baseFilename, 0o600)
        return stream


def setup(level: int | None = None) -> None:
    global _configured
    if _configured:
        return
    _configured = True
    root = logging.getLogger("checkin")
    root.setLevel(level or (logging.DEBUG if os.environ.get("CHECKIN_DEBUG") else logging.INFO))
    try:
        handler: logging.Handler = _PrivateRotatingHandler(
            log_file(), maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
        os.chmod(log_file(), 0o600) if os.name != "nt" else None
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    # python-escpos calls logging.basicConfig() on import; our records stay in our file.
    root.propagate = False
