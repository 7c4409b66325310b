"""What runs before every `/v1` handler: errors on demand, then the check against Stripe's definition.

1. **Errors on demand** (`POST /_sandbox/failures`, see control.py): the next N matching requests are
   answered the way Stripe answers when it is overloaded or an object is locked, or with a card error:
   - `rate_limit`: HTTP 429, `{"error": {"type": "invalid_request_error", "code": "rate_limit", ...}}`
   - `lock_timeout`: HTTP 429, code `lock_timeout` (another request holds the object)
   - `card_declined`: HTTP 402, `type: card_error` with `decline_code`, `advice_code` and the
     `payment_intent` the error belongs to.
   No state changes and nothing is saved under the idempotency key, so a retry with the same key runs.
2. **Strict mode** (`EmulatorConfig.strict`, on by default): the request's parameters are checked against
   the SDK's typed definition for its endpoint (definition/). A request that breaks it is answered 400
   like Stripe does, before any emulator rule runs; the emulator's own rules (state, test cards,
   idempotency) come on top.

Every checked request is counted per API key: `valid`, `invalid` (refused by the definition) or
`undefined` (the SDK has no definition for that endpoint). `counts()` reads them; tests use it to show
how many of the product's own requests were held to the definition.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .definition.endpoints import endpoint_for
from .definition.params import ParamsInvalid, check_object
from .wire import StripeErrorResponse, doc_url, invalid

if TYPE_CHECKING:
    from .core import Request

# Served by Stripe's files host and absent from the SDK's services: a plain download that takes no
# parameters. Checked for exactly that, and counted apart ("parameterless").
PARAMETERLESS = (re.compile(r"^/v1/files/[^/]+/contents$"),)

FAILURES = {
    "rate_limit": (
        429,
        "invalid_request_error",
        "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
    ),
    "lock_timeout": (
        429,
        "invalid_request_error",
        "This object cannot be accessed right now because another API request or Stripe process is "
        "currently accessing it. If you see this error intermittently, retry the request. If you see this "
        "error frequently and are making multiple concurrent requests to a single object, make your requests "
        "serially or at a lower rate.",
    ),
    "card_declined": (402, "card_error", "Your card was declined."),
}


@dataclass
class Failure:
    code: str
    times: int = 1
    method: str | None = None  # None = any
    path: str | None = None  # a prefix of the request path; None = any /v1 path
    decline_code: str | None = None
    advice_code: str | None = None
    payment_intent: dict | None = None

    def matches(self, req: Request) -> bool:
        return (self.method is None or self.method == req.method) and (
            self.path is None or req.path.startswith(self.path)
        )

    def error(self) -> StripeErrorResponse:
        status, kind, message = FAILURES[self.code]
        extra: dict = {}
        if self.code == "card_declined":
            extra = {
                "decline_code": self.decline_code or "generic_decline",
                "advice_code": self.advice_code,
                "payment_intent": self.payment_intent,
            }
        err = StripeErrorResponse(status, message, type=kind, code=self.code, extra=extra)
        err.body["doc_url"] = doc_url(self.code)
        return err


@dataclass
class Fidelity:
    strict: bool = True
    failures: list[Failure] = field(default_factory=list)
    _counts: Counter = field(default_factory=Counter)
    refused: list[dict] = field(default_factory=list)  # the last requests the definition refused
    seen: deque = field(
        default_factory=lambda: deque(maxlen=500)
    )  # recent requests: method, path, key, outcome
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, failure: Failure) -> None:
        if failure.code not in FAILURES:
            raise invalid(f"Invalid code: must be one of {', '.join(FAILURES)}", param="code")
        self.failures.append(failure)

    def before(self, req: Request) -> None:
        """Raise the answer Stripe would give instead of running the handler, if any."""
        for failure in self.failures:
            if failure.matches(req):
                failure.times -= 1
                if failure.times <= 0:
                    self.failures.remove(failure)
                self._count(req, "failed_on_demand")
                raise failure.error()
        if not self.strict:
            return
        endpoint = endpoint_for(req.method, req.path)
        if endpoint is None:
            if req.method == "GET" and any(p.match(req.path) for p in PARAMETERLESS):
                for key in req.params:
                    self._count(req, "invalid")
                    raise ParamsInvalid(
                        f"Received unknown parameter: {key}", param=key, code="parameter_unknown"
                    )
                self._count(req, "parameterless")
                return
            self._count(req, "undefined")
            return
        try:
            check_object(req.params, endpoint.params_type())
        except ParamsInvalid as exc:
            self._count(req, "invalid")
            self.refused = [*self.refused[-49:], {"method": req.method, "path": req.path, **exc.body}]
            raise
        self._count(req, "valid")

    def _count(self, req: Request, outcome: str) -> None:
        with self._lock:
            self._counts[(req.api_key or "", outcome)] += 1
            self.seen.append(
                {
                    "method": req.method,
                    "path": req.path,
                    "idempotency_key": req.header("Idempotency-Key"),
                    "api_key": req.api_key,
                    "outcome": outcome,
                }
            )

    def counts(self, api_key: str | None = None) -> dict[str, int]:
        """Outcome -> number of requests (for one API key, or all)."""
        with self._lock:
            out: Counter = Counter()
            for (key, outcome), number in self._counts.items():
                if api_key is None or key == api_key:
                    out[outcome] += number
            return dict(out)
