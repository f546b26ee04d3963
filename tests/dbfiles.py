"""Reading a replica, a backup or a hub file in a test as the desk does: through
:mod:`checkin.replica.cipher`, so the same test holds with encryption on (the default) or
off. A test that means a plain file from before encryption uses ``sqlite3`` itself."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from checkin.replica import cipher


def connect(path: str | os.PathLike[str], **kw: Any) -> Any:
    """A DB-API connection to ``path``: keyed when the file is (or, new, will be) encrypted."""
    return cipher.connect(Path(path), **kw)
