"""pretix's API client against a loopback stub: 429 waited out, failures as sentences."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from checkin.event.model import EventConfig
from checkin.pretix.api import Client, Link, PretixError
from checkin.pretix.pull import pull
from checkin.replica.db import Replica

ANSWERS: list[tuple[int, dict[str, str], object]] = []


class Stub(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, headers, body = ANSWERS.pop(0) if ANSWERS else (200, {}, {"results": [], "next": None})
        if body == "hang":
            threading.Event().wait(2)
            return
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[Link]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ANSWERS.clear()
    yield Link(f"http://127.0.0.1:{server.server_port}", "o", "e", 1, "t")
    server.shutdown()
    server.server_close()


def test_429_waited_out_as_retry_after_says(stub: Link) -> None:
    waits: list[float] = []
    ANSWERS.extend([(429, {"Retry-After": "7"}, {}), (200, {}, {"ok": 1})])
    client = Client(stub, sleep=waits.append)
    assert client.get("/x").body == {"ok": 1}
    assert waits == [7.0] and client.requests == 2


@pytest.mark.parametrize(
    ("status", "words"), [(401, "révoqué"), (403, "droits"), (404, "vérifiez le lien"), (500, "erreur 500")]
)
def test_http_errors_are_sentences(stub: Link, status: int, words: str) -> None:
    ANSWERS.append((status, {}, {"detail": "x"}))
    with pytest.raises(PretixError, match=words):
        Client(stub).get("/x")


def test_time_out_and_unreachable_are_sentences(stub: Link) -> None:
    ANSWERS.append((200, {}, "hang"))
    with pytest.raises(PretixError, match="ne répond pas"):
        Client(stub, timeout=0.3).get("/x")
    with pytest.raises(PretixError, match="injoignable"):
        Client(Link("http://127.0.0.1:9", "o", "e", 1, "t")).get("/x")


def test_token_revoked_mid_pull_applies_nothing(stub: Link, event: EventConfig, replica: Replica) -> None:
    ANSWERS.extend(
        [
            (200, {}, {"all_products": True}),  # the check-in list
            (200, {}, {"results": [], "next": None}),  # items
            (200, {"X-Page-Generated": "2026-01-01T00:00:00Z"}, {"results": [], "next": stub.url + "/p2"}),
            (401, {}, {"detail": "Invalid token."}),  # the orders' second page
        ]
    )
    with pytest.raises(PretixError, match="révoqué"):
        pull(replica, event, Client(stub))
    assert replica.meta("pretix_pull") == ""
