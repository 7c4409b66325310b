"""Signed webhook delivery of emulator events (Stripe's `Stripe-Signature` scheme)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

MODES = ("async", "sync", "hold", "off")


def sign(payload: bytes | str, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header value Stripe sends for `payload`."""
    if isinstance(payload, bytes):
        payload = payload.decode()
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


@dataclass
class Delivery:
    """One event on its way to one endpoint."""

    event: dict
    connect: bool  # True: a connected account's event (Connect endpoint + secret)
    url: str | None
    secret: str

    @property
    def payload(self) -> bytes:
        return json.dumps(self.event, indent=2).encode()

    def signature(self, timestamp: int | None = None) -> str:
        return sign(self.payload, self.secret, timestamp)

    def post(self, url: str | None = None, timeout: float = 10.0) -> int:
        """POST the event, freshly signed, to `url` (default: its endpoint). Returns the HTTP status."""
        target = url or self.url
        if not target:
            raise ValueError("no webhook URL configured for this event")
        payload = self.payload
        request = urllib.request.Request(
            target,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": sign(payload, self.secret),
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code


class Dispatcher:
    """Sends events in one of these modes:

    - "async": a background thread POSTs each event with a few retries (never blocks a request);
    - "sync": POSTed in the request that produced them (after the state lock is released);
    - "hold": kept in `held` until the test releases them (in any order, or twice);
    - "off": not sent (still listed by `GET /v1/events`).
    A `callback(delivery)` replaces the HTTP POST in the async/sync modes.
    """

    def __init__(self, mode: str = "async", retries: int = 3, backoff: float = 0.5):
        self.mode = mode
        self.retries = retries
        self.backoff = backoff
        self.callback: Callable[[Delivery], object] | None = None
        self.held: list[Delivery] = []
        self.sent: list[tuple[str, int | str]] = []  # (event id, status or error) for inspection
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, delivery: Delivery) -> None:
        if self.mode == "off":
            return
        if self.mode == "hold":
            with self._lock:
                self.held.append(delivery)
            return
        if self.mode == "sync":
            self._send(delivery)
            return
        self._ensure_thread()
        self._queue.put(delivery)

    def take_held(self) -> list[Delivery]:
        with self._lock:
            held, self.held = self.held, []
        return held

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until the async queue is drained (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.02)

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="stripe-sandbox-webhooks", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            delivery = self._queue.get()
            try:
                if delivery is not None:
                    self._send(delivery)
            finally:
                self._queue.task_done()

    def _send(self, delivery: Delivery) -> None:
        if self.callback is not None:
            self.callback(delivery)
            return
        if not delivery.url:
            return
        result: int | str = "not sent"
        for attempt in range(self.retries + 1):
            try:
                result = delivery.post()
                if 200 <= result < 300:
                    break
            except OSError as exc:  # connection refused, timeout...
                result = f"{type(exc).__name__}: {exc}"
            if attempt < self.retries and self.mode == "async":
                time.sleep(self.backoff * (2**attempt))
            elif self.mode != "async":
                break
        if not (isinstance(result, int) and 200 <= result < 300):
            logger.warning("sandbox webhook %s to %s failed: %s", delivery.event["id"], delivery.url, result)
        self.sent.append((delivery.event["id"], result))
