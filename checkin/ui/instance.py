"""One desk window per replica.

Two windows on the same replica would each admit people and each run a print queue; the
second start finds the first through a local socket (a named pipe on Windows, a socket in
the user's runtime folder elsewhere) whose name comes from the replica's path, asks it to
come to the front, says so in one sentence and leaves. A desk that crashed leaves no lock
behind: its socket no longer answers, and the next start takes the name over.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

from checkin.ui.qt import QObject, Signal, local_socket_classes

log = logging.getLogger(__name__)
RAISE = b"raise\n"


def server_name(replica: Path) -> str:
    """A name per replica file and per user (short enough for a Unix socket path)."""
    key = os.path.normcase(str(Path(replica).expanduser().resolve()))
    user = os.environ.get("USER") or os.environ.get("USERNAME") or ""
    return "checkin-" + hashlib.sha256(f"{user}|{key}".encode()).hexdigest()[:24]


def ask_first_to_raise(replica: Path, timeout_ms: int = 1500) -> bool:
    """True when a desk already runs on ``replica`` (it was asked to come to the front)."""
    _server, socket_class = local_socket_classes()
    sock = socket_class()
    sock.connectToServer(server_name(replica))
    if not sock.waitForConnected(timeout_ms):
        return False
    sock.write(RAISE)
    sock.waitForBytesWritten(timeout_ms)
    sock.disconnectFromServer()
    return True


class Guard(QObject):
    """Holds the replica's name while the window runs; ``raise_requested`` when another
    start asked for it."""

    raise_requested = Signal()

    def __init__(self, replica: Path) -> None:
        super().__init__()
        server_class, _socket = local_socket_classes()
        self.name = server_name(replica)
        self.server: Any = server_class(self)
        if not self.server.listen(self.name):
            # A stale socket from a desk that died (Unix): nobody answered it, take it over.
            server_class.removeServer(self.name)
            if not self.server.listen(self.name):
                log.warning("single-instance socket %s unavailable: %s", self.name, self.server.errorString())
        log.info("desk window for %s, listening as %s", replica, self.name)
        self.server.newConnection.connect(self._incoming)

    def _incoming(self) -> None:
        while self.server.hasPendingConnections():
            conn = self.server.nextPendingConnection()
            conn.readyRead.connect(lambda c=conn: self._read(c))

    def _read(self, conn: Any) -> None:
        if bytes(conn.readAll()).startswith(RAISE.strip()):
            log.info("a second start on this replica: window brought to the front")
            self.raise_requested.emit()
        conn.disconnectFromServer()

    def close(self) -> None:
        self.server.close()


def bring_to_front(window: Any) -> None:
    window.showNormal() if window.isMinimized() else window.show()
    window.raise_()
    window.activateWindow()
