"""What every command shares: JSON on standard output, the desk's replica from ``--db``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from checkin.base import paths
from checkin.replica.db import Replica, open_replica


def dump(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def open_db(args: argparse.Namespace) -> Replica:
    return open_replica(paths.db_path(getattr(args, "db", None)))
