"""The desk window's settings, declared once (name, type, default, why).

Stored as JSON beside the core's settings (``config_dir()/desk.json``), written by the lead
from the settings actions; a missing or damaged file gives the defaults (and a log line),
never a crash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from checkin import paths

log = logging.getLogger(__name__)


@dataclass
class DeskSettings:
    desk_name: str = "Accueil 1"  # shown on the status bar and recorded with every fact
    language: str = "fr"  # interface language, switchable at run time
    ready_delay_s: int = 8  # the answer goes back to "ready" after this
    idle_lock_s: int = 120  # lead functions lock again after this much idle time
    muted: bool = False  # sounds
    pin_hash: str = ""  # "scrypt$n$r$p$salt$hash", empty = no PIN chosen yet
    scanner_max_gap_ms: int = 40  # keys closer than this belong to a scanner burst
    scanner_min_length: int = 4
    serial_port: str = ""  # a COM/tty port for scanners in serial mode, "" = keyboard
    printer: str = ""  # a configured printer's name, "" = the default (file printer)
    auto_print: bool = True  # print the badge on admission
    hub_url: str = ""  # the hub to exchange with (a shared .sqlite file or a PostgreSQL URL)
    file: str = field(default="", repr=False)  # where these settings live (not saved)

    @staticmethod
    def default_path() -> Path:
        return paths.config_dir() / "desk.json"

    @classmethod
    def load(cls, path: Path | None = None) -> DeskSettings:
        path = path or cls.default_path()
        if not path.exists():
            return cls(file=str(path))
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("desk settings unreadable, using defaults", exc_info=True)
            return cls(file=str(path))
        known = {f.name for f in fields(cls)} - {"file"}
        values = {k: v for k, v in data.items() if k in known}
        return cls(**values, file=str(path))

    def save(self) -> None:
        path = Path(self.file) if self.file else self.default_path()
        tmp = path.with_suffix(".tmp")
        data = asdict(self)
        del data["file"]
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(path)


# scrypt with n=2**14: ~50 ms per try on a laptop, enough to make a stolen settings file
# useless for guessing a short PIN offline at scale, cheap enough for a lead's unlock.
_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)
