"""The Stripe emulator in a process of its own, for bench/pipeline.py (Stripe's side of a
payment: Checkout pages, PaymentIntents the worker retrieves, the events it emitted).

    python bench/stripe_emulator.py --port 8105 --webhook-secret whsec_... --connect-webhook-secret whsec_...

Events are held (never delivered by the emulator): the benchmark signs and posts them itself.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

try:  # its home after the layout work
    from stripe_sandbox import Emulator, EmulatorConfig
except ImportError:
    from payments.gateway.sandbox import Emulator, EmulatorConfig

API_KEY = "sk_test_bench"


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 256


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--webhook-secret", required=True)
    parser.add_argument("--connect-webhook-secret", required=True)
    args = parser.parse_args()
    url = f"http://127.0.0.1:{args.port}"
    emulator = Emulator(
        EmulatorConfig(
            api_keys=frozenset({API_KEY}),
            public_url=url,
            webhook_secret=args.webhook_secret,
            connect_webhook_secret=args.connect_webhook_secret,
            delivery_mode="hold",
        )
    )
    httpd = make_server("127.0.0.1", args.port, emulator, server_class=_Server, handler_class=_Quiet)
    print(f"stripe emulator on {url}", flush=True)
    try:
        httpd.serve_forever()
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()
