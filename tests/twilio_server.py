"""A small local HTTP server answering like Twilio's Messages API, for tests over real HTTP.

    POST /2010-04-01/Accounts/{AccountSid}/Messages.json   (form-encoded, HTTP basic auth)

Answers 201 with Twilio's JSON message resource (sid "SM" + 32 hex), or Twilio's error shape
{"code", "message", "more_info", "status"}: 20003 bad credentials (401), 21211 invalid 'To'
number (Twilio's magic test number +15005550001 and anything not E.164), 21602 missing body,
21603 missing 'From', 21614 'To' is not a mobile (+15005550009). `fail_next(...)` makes the
next answers fail (e.g. 503) to exercise retries. The fixture `twilio_server` points the
settings at it.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

E164 = re.compile(r"^\+[1-9]\d{7,14}$")
MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC[0-9a-fA-F]{32})/Messages\.json$")
INVALID_NUMBER = "+15005550001"
NOT_MOBILE_NUMBER = "+15005550009"


@dataclass
class ReceivedMessage:
    sid: str
    account_sid: str
    params: dict[str, str]
    auth: tuple[str, str]


@dataclass
class TwilioServer:
    account_sid: str = "AC" + "a1" * 16
    auth_token: str = "twilio-test-token"
    messages: list[ReceivedMessage] = field(default_factory=list)
    requests_seen: int = 0
    _failures: list[tuple[int, int, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> TwilioServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                status, payload = server.handle_post(self.path, self.headers.get("Authorization", ""), raw)
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(
        self, *, status: int = 503, code: int = 20500, message: str = "Service unavailable", times=1
    ):
        with self._lock:
            self._failures.extend([(status, code, message)] * times)

    # --- Twilio's behaviour -----------------------------------------------------------------
    @staticmethod
    def error(status: int, code: int, message: str) -> tuple[int, dict]:
        return status, {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }

    def handle_post(self, path: str, authorization: str, raw: str) -> tuple[int, dict]:
        with self._lock:
            self.requests_seen += 1
            failure = self._failures.pop(0) if self._failures else None
        match = MESSAGES_PATH.match(path)
        if not match:
            return self.error(404, 20404, f"The requested resource {path} was not found")
        auth = _basic_auth(authorization)
        if auth != (self.account_sid, self.auth_token) or match["sid"] != self.account_sid:
            return self.error(401, 20003, "Authenticate")
        if failure:
            return self.error(*failure)
        params = {key: values[-1] for key, values in parse_qs(raw, keep_blank_values=True).items()}
        to, from_, body = params.get("To", ""), params.get("From", ""), params.get("Body", "")
        if not to or not E164.match(to) or to == INVALID_NUMBER:
            return self.error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if to == NOT_MOBILE_NUMBER:
            return self.error(400, 21614, f"'To' number {to} is not a valid mobile number")
        if not from_:
            return self.error(400, 21603, "The 'From' phone number is required.")
        if not body:
            return self.error(400, 21602, "Message body is required.")
        sid = "SM" + secrets.token_hex(16)
        with self._lock:
            self.messages.append(
                ReceivedMessage(sid=sid, account_sid=self.account_sid, params=params, auth=auth)
            )
        now = formatdate(usegmt=True).replace("GMT", "+0000")
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"
        return 201, {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": from_,
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": str(max(1, -(-len(body) // 153))),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
            "to": to,
            "uri": uri,
        }


def _basic_auth(header: str) -> tuple[str, str] | None:
    if not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return None
    return user, password


@pytest.fixture
def twilio_server(settings):
    """A running fake Twilio; settings point the Twilio backend at it (SMS no longer go to the outbox)."""
    server = TwilioServer().start()
    settings.TWILIO_ACCOUNT_SID = server.account_sid
    settings.TWILIO_AUTH_TOKEN = server.auth_token
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    settings.TWILIO_API_BASE = server.url
    yield server
    server.stop()
