"""Printers by name, from the settings file, with a built-in ``files`` printer.

``settings.toml``::

    [printers.accueil]
    backend = "cups"        # file | cups | qt | escpos
    target = "Brother_QL"   # folder, CUPS queue, system printer name or ESC/POS URI
    layout = "ql62"         # badge layout for this printer
    server = ""             # CUPS only: another cupsd (host:port)

The Qt back-end lives in ``checkin/ui``; the window passes its factory in ``factories`` so
this module never imports Qt.
"""

from __future__ import annotations

import importlib
import logging
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checkin.base import paths
from checkin.base.errors import KnownError
from checkin.base.i18n import _
from checkin.printing.backends import Backend, CupsBackend, FileBackend

log = logging.getLogger(__name__)

BACKENDS = ("file", "cups", "qt", "escpos")
DEFAULT = "files"


@dataclass(frozen=True)
class PrinterConfig:
    name: str
    backend: str
    target: str = ""
    layout: str = "a6"
    server: str = ""


def load(path: Path | None = None) -> dict[str, PrinterConfig]:
    """Configured printers; ``files`` (PDFs in the print folder) is always there."""
    found: dict[str, PrinterConfig] = {DEFAULT: PrinterConfig(DEFAULT, "file", str(paths.print_dir()), "a6")}
    settings = path or paths.settings_path()
    if not settings.exists():
        return found
    try:
        data = tomllib.loads(settings.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KnownError(
            _(
                "Fichier de réglages illisible ({path}) : {error}",
                path=settings,
                error=exc,
            )
        ) from None
    printers = data.get("printers", {})
    if not isinstance(printers, dict):
        raise KnownError(_("La section [printers] des réglages est invalide."))
    for name, raw in printers.items():
        if not isinstance(raw, dict):
            continue
        backend = str(raw.get("backend", "file"))
        if backend not in BACKENDS:
            raise KnownError(
                _(
                    "Imprimante {name} : type « {backend} » inconnu",
                    name=name,
                    backend=backend,
                )
            )
        found[name] = PrinterConfig(
            name,
            backend,
            str(raw.get("target", "")),
            str(raw.get("layout", "a6")),
            str(raw.get("server", "")),
        )
    return found


Factory = Callable[[PrinterConfig], Backend]


def _escpos(cfg: PrinterConfig) -> Backend:
    module: Any = importlib.import_module("checkin.printing.escpos")
    factory = getattr(module, "backend", None)
    if factory is None:
        raise KnownError(_("Les imprimantes de tickets ne sont pas disponibles dans cette version."))
    backend: Backend = factory(cfg.name, cfg.target)
    return backend


def build(cfg: PrinterConfig, factories: dict[str, Factory] | None = None) -> Backend:
    """A back-end for one configured printer."""
    if factories and cfg.backend in factories:
        return factories[cfg.backend](cfg)
    if cfg.backend == "file":
        return FileBackend(cfg.name, Path(cfg.target) if cfg.target else None)
    if cfg.backend == "cups":
        return CupsBackend(cfg.name, cfg.target or cfg.name, server=cfg.server)
    if cfg.backend == "escpos":
        return _escpos(cfg)
    raise KnownError(
        _(
            "L'imprimante {name} n'est utilisable que depuis la fenêtre de l'application.",
            name=cfg.name,
        )
    )


def build_all(factories: dict[str, Factory] | None = None) -> dict[str, Backend]:
    """Every configured printer that can be built here; the others are logged and skipped."""
    out: dict[str, Backend] = {}
    for name, cfg in load().items():
        try:
            out[name] = build(cfg, factories)
        except KnownError as exc:
            log.warning("Printer %s unavailable: %s", name, exc)
    return out


def file_folders() -> list[Path]:
    """The folders where file printers write badge PDFs (a purge empties them of badges)."""
    try:
        configured = load().values()
    except KnownError:
        configured = load(Path(os.devnull)).values()
    return [Path(c.target) for c in configured if c.backend == "file" and c.target]
