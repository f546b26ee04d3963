"""pretix's API client against a loopback stub: 429 waited out, failures as sentences."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from checkin.event.model import EventConfig
from checkin.pretix.api import Client, Link, PretixError
from checkin.pretix.pull import pull
from checkin.replica.db import Replica

ANSWERS: list[tuple[int, dict[str, str], object]] = []
POSTED: list[dict[str, object]] = []  # the bodies the stub received by POST


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

    def do_POST(self) -> None:
        POSTED.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[Link]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ANSWERS.clear()
    POSTED.clear()
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


def test_preflight_line_for_the_pretix_link(
    stub: Link, replica: Replica, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not linked: not applicable. Linked: pretix must answer with the token kept, and have
    been read once; a revoked token or pretix away is red, in words, with the fix."""
    from checkin.base import keys
    from checkin.preflight.checks import check_pretix
    from checkin.pretix.link import make

    monkeypatch.setattr(keys, "system_keyring", lambda: None)
    monkeypatch.delenv("CHECKIN_PRETIX_TOKEN", raising=False)
    assert check_pretix(replica).ok is None
    ANSWERS.extend(
        [
            (200, {}, {"slug": "e"}),  # the event
            (200, {}, {"results": [{"id": 1, "name": "Entrée"}], "next": None}),  # its check-in lists
            (200, {}, {"results": [], "next": None}),  # the right to read orders
        ]
    )
    make(replica, stub.url, "o", "e", "Entrée", "t0k3n")
    ANSWERS.append((401, {}, {"detail": "Invalid token."}))
    revoked = check_pretix(replica)
    assert revoked.ok is False and "révoqué" in revoked.found and "checkin pretix link" in revoked.fix
    never = check_pretix(replica)  # the stub answers 200 again
    assert never.ok is False and "jamais" in never.found and "checkin pretix pull" in never.fix
    with replica.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO meta(key, value) VALUES ('pretix_pull', ?)",
            (json.dumps({"since": "x", "pulled_at": "2026-07-08T06:30:00+00:00"}),),
        )
    fine = check_pretix(replica)
    assert fine.ok is True and "joignable" in fine.found and "08/07" in fine.found
    assert "0 entrée(s) à envoyer" in fine.found
    ANSWERS.append((200, {}, "hang"))
    slow = check_pretix(replica, timeout=0.3)
    assert slow.ok is False and "ne répond pas" in slow.found


def _linked(stub: Link, replica: Replica, monkeypatch: pytest.MonkeyPatch) -> None:
    from checkin.base import keys
    from checkin.pretix.link import make

    monkeypatch.setattr(keys, "system_keyring", lambda: None)
    monkeypatch.delenv("CHECKIN_PRETIX_TOKEN", raising=False)
    ANSWERS.extend(
        [
            (200, {}, {"slug": "e"}),
            (200, {}, {"results": [{"id": 1, "name": "Entrée"}], "next": None}),
            (200, {}, {"results": [], "next": None}),
        ]
    )
    make(replica, stub.url, "o", "e", "Entrée", "t0k3n")


def test_live_push_at_the_exchange_keeps_failures_and_retries(
    stub: Link,
    replica: Replica,
    event: EventConfig,
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A linked desk's admission goes to pretix after its periodic exchange with the hub, on
    the exchange's thread; pretix failing keeps it pending (in words), the next tick sends it,
    and the hub exchange went on regardless."""
    from checkin.arrivals import scan
    from checkin.importer import import_file
    from checkin.pretix.live import LivePush
    from checkin.sync.hub import open_hub
    from checkin.sync.live import LiveSync

    _linked(stub, replica, monkeypatch)
    export = tmp_path / "list.csv"
    export.write_text("Nom,Prénom,Code billet,Email\nOkafor,Lina,k7vq2mz9xw4tb8rn,lina@example.org\n")
    assert import_file(replica, event, export).created == 1
    assert scan.decide(replica, event, "k7vq2mz9xw4tb8rn", day="2026-07-08", desk="A").outcome == "admitted"
    hub_url = str(tmp_path / "hub.sqlite")
    open_hub(hub_url, create=True).close()
    now = [0.0]
    pusher = LivePush(replica, every=15.0, timeout=2.0, clock=lambda: now[0])
    live = LiveSync(replica, hub_url, desk="A", after_exchange=pusher.tick)
    try:
        ANSWERS.append((500, {}, {"detail": "boom"}))
        assert live.run_once().online  # the hub exchange is not held back by pretix
        failed = pusher.state
        assert failed.linked and "500" in failed.last_error and failed.pending == 1
        live.run_once()  # not due yet: nothing sent
        assert len(POSTED) == 1
        now[0] = 20.0
        ANSWERS.append((200, {}, {"status": "ok"}))
        live.run_once()
        sent = pusher.state
        assert (sent.last_error, sent.pending, sent.pushed) == ("", 0, 1) and sent.last_ok is not None
        body = POSTED[-1]
        assert body["secret"] == "k7vq2mz9xw4tb8rn" and body["force"] is False  # exact case
        with replica.read() as conn:
            (fact_id,) = conn.exec_driver_sql("SELECT id FROM fact WHERE kind = 'checkin'").one()
        assert body["nonce"] == fact_id
        now[0] = 40.0
        live.run_once()
        assert len(POSTED) == 2  # answered once: never sent again
    finally:
        live.close()


def test_a_certificate_this_machine_does_not_trust_is_a_sentence(
    tmp_path: Path, event: EventConfig, replica: Replica
) -> None:
    """pretix behind HTTPS whose certificate no CA of this machine signed (a self-made one, or
    a venue network intercepting the connection): one sentence, nothing read or applied."""
    import ssl

    from tests.certs import make_certificates

    files = make_certificates(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(files["cert"], files["key"])
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ANSWERS.clear()
    try:
        link = Link(f"https://127.0.0.1:{server.server_port}", "o", "e", 1, "t")
        with pytest.raises(PretixError, match=r"certificat de pretix .* n'est pas reconnu") as refused:
            Client(link).get("/x")
        assert "Traceback" not in str(refused.value) and "rien n'a été lu" in str(refused.value)
        with pytest.raises(PretixError, match="n'est pas reconnu"):
            pull(replica, event, Client(link))
        with replica.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM attendee").scalar_one() == 0
    finally:
        server.shutdown()
        server.server_close()
