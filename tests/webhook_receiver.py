"""A dealer's webhook receiver over real HTTP, for the outbound-webhook tests.

It verifies `TextPay-Signature` with the README's receiver (scripts/webhook_receiver.verify, not
product code), answers 400 to a bad signature, and behaves as a careful receiver does: drops an
event id it has seen and keeps the highest sequence per object. `fail_next(n, status)` answers
errors, `hang_next(n, seconds)` answers too late (a timeout), `hold_next()` parks the next request
until released (a worker killed mid-delivery).
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scripts.webhook_receiver import verify


@dataclass
class Received:
    event: dict
    signature: str
    headers: dict


@dataclass
class WebhookReceiver:
    secrets: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)  # every verified request, duplicates included
    accepted: dict[str, dict] = field(default_factory=dict)  # event id -> event, first time only
    duplicates: int = 0
    rejected: int = 0
    last_signature: str = ""  # of the last request, verified or not
    highest_sequence: dict[tuple[str, int], int] = field(default_factory=dict)
    _plan: list[tuple[str, float]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, *, tls: ssl.SSLContext | None = None) -> WebhookReceiver:
        """Serve on 127.0.0.1 (an ephemeral port); over TLS with `tls` (a server-side context)."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver.handle(body, self.headers.get("TextPay-Signature", ""), dict(self.headers))
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the sender gave up (timeout) or died
                    pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a client that gave up, or refused our certificate

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self.scheme = "http"
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
            self.scheme = "https"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return self.url_for("127.0.0.1")

    def url_for(self, host: str) -> str:
        """This receiver's URL under another host name (one that resolves to 127.0.0.1)."""
        return f"{self.scheme}://{host}:{self.port}/textpay/webhooks"

    def fail_next(self, count: int = 1, *, status: int = 500) -> None:
        self._plan += [("fail", status)] * count

    def hang_next(self, count: int = 1, *, seconds: float = 2.0) -> None:
        self._plan += [("hang", seconds)] * count

    def hold_next(self) -> threading.Event:
        self.arrived, self.release = threading.Event(), threading.Event()
        self._plan.append(("hold", 0))
        return self.release

    def handle(self, body: bytes, signature: str, headers: dict) -> int:
        with self._lock:
            action, value = self._plan.pop(0) if self._plan else ("ok", 0)
        if action == "fail":
            return int(value)
        if action == "hang":
            time.sleep(value)
        if action == "hold":
            self.arrived.set()
            self.release.wait(60)
        self.last_signature = signature
        if not any(verify(signature, body, secret) for secret in self.secrets):
            with self._lock:
                self.rejected += 1
            return 400
        event = json.loads(body)
        with self._lock:
            self.received.append(Received(event=event, signature=signature, headers=headers))
            if event["id"] in self.accepted:
                self.duplicates += 1
                return 200
            self.accepted[event["id"]] = event
            key = (event["object_type"], event["object_id"])
            self.highest_sequence[key] = max(self.highest_sequence.get(key, 0), event["sequence"])
        return 200


@pytest.fixture
def webhook_receiver(settings):
    settings.OUTBOUND_WEBHOOKS_ALLOW_INSECURE = True  # http://127.0.0.1 in tests
    settings.OUTBOUND_WEBHOOK_TIMEOUT_SECONDS = 1.0
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()
