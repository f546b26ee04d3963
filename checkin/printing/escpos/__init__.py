"""Thermal tickets over ESC/POS: the welcome slip, the fallback label badge, the closing slip.

A printer is one address string (see :mod:`.connect`), which may also carry the printer's
settings so that one setting is all a desk configures::

    tcp://192.168.1.50:9100?profile=TM-T88V&width=80&codepage=CP858

:mod:`.tickets` builds and prints a slip now; :mod:`.backend` is the print queue's door to
the same functions. This package's own module only prepares python-escpos and names the
back-end factory: it imports none of its submodules at load time, so they can import each
other freely without a circle through it.
"""

from __future__ import annotations

import os

import platformdirs

# python-escpos caches its printer database in a new temporary folder on every start
# unless told where; a private cache folder keeps /tmp clean and the start fast. Every
# submodule is imported after this package's module, so the variable is set in time.
if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:  # pragma: no branch
    _cache = platformdirs.user_cache_path("checkin", appauthor=False) / "escpos"
    _cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(_cache)


def backend(name: str, target: str) -> object:
    """Factory used by ``checkin.printing.config`` for ``backend = "escpos"`` printers."""
    from checkin.printing.escpos.backend import EscposBackend

    return EscposBackend(target, name=name)
