"""A configurable request rate limit answered like Stripe (HTTP 429, code `rate_limit`), and the control
endpoints for saved cards and for counting charges.

Stripe allows 100 read/write requests per second in live mode and 25 in test mode. The emulator has no
limit unless one is set (`EmulatorConfig.rate_limit`, or `POST /_sandbox/rate_limit rate=100 burst=100`);
then a token bucket shared by every connection refuses the requests above it, before anything runs, and
nothing is saved under the idempotency key, so a retry with the same key runs normally.

POST /_sandbox/rate_limit                  rate= (requests/s, 0 = off), burst= (bucket size, default = rate)
GET  /_sandbox/rate_limit                  {"rate", "burst", "allowed", "refused"}
POST /_sandbox/payment_methods/{pm}/automatic_update   exp_month=, exp_year=, last4=  (the card network's
                                           updater: emits payment_method.automatically_updated)
POST /_sandbox/payment_methods/{pm}/detach the customer removed the card elsewhere: payment_method.detached
GET  /_sandbox/charges/summary?metadata_key=K   {"charges", "succeeded", "failed", "succeeded_by": {value of
                                           metadata[K]: number of succeeded charges}} (to count double charges)
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import TYPE_CHECKING

from .operations import customers as cops
from .wire import Response, StripeErrorResponse, invalid, not_found

if TYPE_CHECKING:
    from .core import Emulator, Request

RATE_LIMIT_MESSAGE = (
    "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits."
)


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up; thread-safe."""

    def __init__(self, rate: float = 0, burst: float | None = None):
        self._lock = threading.Lock()
        self.configure(rate, burst)

    def configure(self, rate: float, burst: float | None = None) -> None:
        with self._lock:
            self.rate = float(rate)
            self.burst = float(burst if burst else rate)
            self.tokens = self.burst
            self.stamp = time.monotonic()
            self.allowed = 0
            self.refused = 0

    def take(self) -> bool:
        with self._lock:
            if self.rate <= 0:
                self.allowed += 1
                return True
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1:
                self.tokens -= 1
                self.allowed += 1
                return True
            self.refused += 1
            return False


def rate_limited() -> StripeErrorResponse:
    err = StripeErrorResponse(429, RATE_LIMIT_MESSAGE, code="rate_limit")
    return err


def _auth(emu: Emulator, req: Request) -> None:
    emu._authenticate(req)


def rate_limit(emu: Emulator, req: Request) -> Response:
    _auth(emu, req)
    bucket = emu.rate_limiter
    if req.method == "POST":
        try:
            rate = float(req.form.get("rate") or 0)
            burst = float(req.form.get("burst") or 0) or None
        except ValueError:
            raise invalid("rate and burst must be numbers", param="rate")
        bucket.configure(rate, burst)
    return Response.json(
        {"rate": bucket.rate, "burst": bucket.burst, "allowed": bucket.allowed, "refused": bucket.refused}
    )


def _payment_method(emu: Emulator, pm_id: str) -> dict:
    pm = emu.find(pm_id)
    if pm is None or pm.get("object") != "payment_method":
        raise not_found("payment_method", pm_id, "payment_method")
    return pm


def automatic_update(emu: Emulator, req: Request, pm_id: str) -> Response:
    _auth(emu, req)
    pm = _payment_method(emu, pm_id)
    try:
        exp_month = int(req.form.get("exp_month") or pm["card"]["exp_month"])
        exp_year = int(req.form.get("exp_year") or pm["card"]["exp_year"] + 3)
    except ValueError:
        raise invalid("exp_month and exp_year must be integers", param="exp_month")
    last4 = req.form.get("last4") or None
    return Response.json(
        cops.payment_method_automatic_update(emu, pm, exp_month=exp_month, exp_year=exp_year, last4=last4)
    )


def detach(emu: Emulator, req: Request, pm_id: str) -> Response:
    _auth(emu, req)
    pm = _payment_method(emu, pm_id)
    if not pm.get("customer"):
        raise invalid("This payment method is not attached to a customer.", param="payment_method")
    return Response.json(cops.payment_method_detach(emu, pm))


def charges_summary(emu: Emulator, req: Request) -> Response:
    _auth(emu, req)
    key = req.query.get("metadata_key") or ""
    counts: Counter = Counter()
    total = succeeded = failed = 0
    for obj in emu.state["objects"].values():
        if obj.get("object") != "charge":
            continue
        total += 1
        if obj["status"] == "succeeded":
            succeeded += 1
            if key:
                counts[(obj.get("metadata") or {}).get(key, "")] += 1
        else:
            failed += 1
    return Response.json({"charges": total, "succeeded": succeeded, "failed": failed, "succeeded_by": counts})


ROUTES = [
    ("GET", r"/_sandbox/rate_limit", rate_limit),
    ("POST", r"/_sandbox/rate_limit", rate_limit),
    ("POST", r"/_sandbox/payment_methods/(?P<pm_id>pm_\w+)/automatic_update", automatic_update),
    ("POST", r"/_sandbox/payment_methods/(?P<pm_id>pm_\w+)/detach", detach),
    ("GET", r"/_sandbox/charges/summary", charges_summary),
]
