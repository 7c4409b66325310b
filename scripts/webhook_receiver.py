"""A receiver of TextPay webhooks: `python scripts/webhook_receiver.py 8114 whsec_...` (README)."""

import hashlib
import hmac
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer


def verify(header: str, body: bytes, secret: str, tolerance: int = 300) -> bool:
    items = [part.strip().split("=", 1) for part in header.split(",") if "=" in part]
    t = next((value for key, value in items if key == "t"), "")
    if not t.isdigit() or abs(time.time() - int(t)) > tolerance:
        return False  # no timestamp, or older than 5 minutes: a replay
    expected = hmac.new(secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    return any(key == "v1" and hmac.compare_digest(value, expected) for key, value in items)


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        ok = verify(self.headers.get("TextPay-Signature", ""), body, sys.argv[2])
        self.send_response(200 if ok else 400)
        self.end_headers()
        if ok:  # a real receiver drops an id it has seen and keeps the highest sequence per object
            event = json.loads(body)
            print(event["type"], event["id"], event["object_type"], event["object_id"], event["sequence"])


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
