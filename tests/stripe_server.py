"""The Stripe emulator (the top-level stripe_sandbox package) served over real HTTP for the tests.

Use the `stripe_server` fixture (tests/conftest.py). It points Django's settings at the emulator
(`STRIPE_SECRET_KEY="sk_test_emulator"`, `STRIPE_API_BASE=<url>`, webhook secrets), starts from an
empty state in every test and HOLDS the webhook events the emulator produces until the test delivers
them. Typical use::

    def test_paid(stripe_server, client):
        ...  # code under test creates an account + a Checkout Session through the gateway
        stripe_server.complete_onboarding(account_id)        # or stripe_server.onboard(link_url)
        stripe_server.pay_checkout(session.url)               # a browser paying with 4242...
        stripe_server.deliver_held(client)                    # POST the signed events to /webhooks/stripe/...
        stripe_server.deliver_held(client, types=["checkout.session.completed"], order="reverse", repeat=2)

Helpers (all over HTTP, the way the SDK or a browser talks to Stripe):
  url, api_key, webhook_secret, connect_webhook_secret   settings values
  client()                        an official `stripe.StripeClient` aimed at the emulator
  api(method, path, params, account=, idempotency_key=)   raw form-encoded call -> (status, headers, json)
  onboard(link_url, steps=3)      walk the hosted onboarding (1 business, 2 bank, 3 review); returns last redirect
  complete_onboarding(acct)       all steps at once; set_requirements(acct, currently_due=[...], ...)
  pay_checkout(url_or_id, card="4242 4242 4242 4242", exp="12 / 34", cvc="123", email=, name=)
                                  -> CheckoutResult(status, location, html, paid); pay_afterpay(url_or_id, succeed=True)
  expire_checkout(id)             via the API is `POST /v1/checkout/sessions/{id}/expire`; or advance_clock(seconds)
  create_payout(acct, amount=None, outcome="paid"|"failed"|"pending"), settle_payout(po, outcome)
  dispute(charge_id), fail_refund(refund_id), deauthorize(acct), emit_event(type, account=, object=/object_id=)
  held() / held_types() / take_held()    the events waiting for delivery (Delivery objects: .event, .payload,
                                  .connect, .signature(timestamp=None))
  deliver_held(client, types=None, order="created"|"reverse", repeat=1, webhook_path=, connect_path=)
  deliver(delivery, client)       one event, freshly signed, to the Django test client
  deliver_to(base_url, mode="sync")  send events by HTTP to a live server's /webhooks/stripe/(connect/) instead
  on_event(callback)              callback(delivery) for every event instead of holding it
  sign(payload, secret, timestamp=None) -> Stripe-Signature header value
  events(account=None)            GET /v1/events (all pages) as dicts; state() the raw stored state
  fail_next(code, times=1, path=, method=, decline_code=, advice_code=, payment_intent=)
                                  the next matching /v1 requests get 429 rate_limit / lock_timeout or a 402 card error
  product_requests()              how the product's requests fared against Stripe's definition: {"valid": n, ...}

Keys: the product (the gateway) uses `api_key` (settings.STRIPE_SECRET_KEY); the helpers above use
`harness_key`, so the emulator can count the product's own requests apart from the tests'. The emulator
runs in strict mode: every request is checked against the SDK's definition for the pinned version.
With STRIPE_SANDBOX_COUNTS_FILE=<path> the process writes those counts there when it exits.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import urlencode, urlparse
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from stripe_sandbox import Delivery, Emulator, EmulatorConfig, sign

API_KEY = "sk_test_emulator"  # the product's key (settings.STRIPE_SECRET_KEY): only the gateway uses it
HARNESS_KEY = "sk_test_harness"  # the tests' own requests (client(), api(), control) use this one
WEBHOOK_SECRET = "whsec_test_platform"
CONNECT_WEBHOOK_SECRET = "whsec_test_connect"

__all__ = ["StripeServer", "running_stripe_server", "sign", "CheckoutResult"]


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def http(method: str, url: str, data: dict | None = None, headers: dict | None = None):
    """One HTTP request, redirects NOT followed. Returns (status, headers, body bytes)."""
    body = urlencode(data, doseq=True).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with _opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def flatten(params: dict, prefix: str = "") -> list[tuple[str, str]]:
    """{"a": {"b": [1]}} -> [("a[b][0]", "1")] (Stripe's bracket notation)."""
    out: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, dict):
            out += flatten(value, name)
        elif isinstance(value, list | tuple):
            out += flatten({str(i): v for i, v in enumerate(value)}, name)
        elif isinstance(value, bool):
            out.append((name, "true" if value else "false"))
        elif value is not None:
            out.append((name, str(value)))
    return out


class _FormParser(HTMLParser):
    """Collects the forms of a page: action, method and the named inputs' values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": a.get("action"), "method": (a.get("method") or "get").lower(), "fields": {}}
            )
        elif tag in ("input", "select", "button") and self.forms and a.get("name"):
            if tag == "input" and a.get("type") == "checkbox":
                return
            if tag == "button":
                return
            self.forms[-1]["fields"].setdefault(a["name"], a.get("value") or "")


def parse_forms(html: str) -> list[dict]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


@dataclass
class CheckoutResult:
    status: int
    location: str | None
    html: str

    @property
    def paid(self) -> bool:
        return self.status in (302, 303) and self.location is not None

    @property
    def message(self) -> str:
        """The error shown on the page, if any."""
        start = self.html.find("role='alert'>")
        if start < 0:
            return ""
        return unescape(self.html[start + len("role='alert'>") : self.html.find("</div>", start)])


class StripeServer:
    def __init__(self) -> None:
        self.api_key = API_KEY
        self.harness_key = HARNESS_KEY
        self.webhook_secret = WEBHOOK_SECRET
        self.connect_webhook_secret = CONNECT_WEBHOOK_SECRET
        self.emulator = Emulator(
            EmulatorConfig(
                api_keys=frozenset({API_KEY, HARNESS_KEY}),
                webhook_secret=WEBHOOK_SECRET,
                connect_webhook_secret=CONNECT_WEBHOOK_SECRET,
                delivery_mode="hold",
            )
        )
        self._httpd = make_server(
            "127.0.0.1", 0, self.emulator, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._httpd.server_port}"
        self.emulator.config.public_url = self.url
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="stripe-emulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def reset(self) -> None:
        """Empty state, events held, no webhook URL, no callback."""
        self.emulator.dispatcher.wait_idle()
        self.emulator.reset()
        self.emulator.dispatcher.mode = "hold"
        self.emulator.dispatcher.callback = None
        self.emulator.dispatcher.sent.clear()
        self.emulator.config.webhook_url = None
        self.emulator.config.connect_webhook_url = None
        self.emulator.config.dev_tools = False
        self.emulator.rate_limiter.configure(0)

    # ----------------------------------------------------------- raw API
    def client(self, **kwargs: Any):
        import stripe  # noqa: PLC0415 - tests may use the SDK directly

        kwargs.setdefault("max_network_retries", 0)
        return stripe.StripeClient(
            self.harness_key,
            base_addresses={"api": self.url, "connect": self.url, "files": self.url},
            **kwargs,
        )

    def api(
        self,
        method: str,
        path: str,
        params: dict | None = None,
        *,
        account: str | None = None,
        idempotency_key: str | None = None,
        api_key: str | None = None,
    ) -> tuple[int, dict, Any]:
        headers = {"Authorization": f"Bearer {api_key or self.harness_key}"}
        if account:
            headers["Stripe-Account"] = account
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        pairs = flatten(params or {})
        url = self.url + path
        data = None
        if method == "GET":
            if pairs:
                url += "?" + urlencode(pairs)
        else:
            data = pairs
        request = urllib.request.Request(
            url, data=urlencode(data).encode() if data is not None else None, method=method, headers=headers
        )
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with _opener.open(request, timeout=30) as response:
                status, hdrs, body = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            status, hdrs, body = exc.code, dict(exc.headers), exc.read()
        try:
            return status, hdrs, json.loads(body)
        except ValueError:
            return status, hdrs, body

    def _control(self, path: str, params: dict | None = None, method: str = "POST") -> Any:
        status, _, body = self.api(method, "/_sandbox" + path, params)
        if status != 200:
            raise AssertionError(f"sandbox control {path} failed: {status} {body}")
        return body

    # ----------------------------------------------------------- fidelity
    def fail_next(
        self, code: str, *, times: int = 1, path: str | None = None, method: str | None = None, **extra
    ):
        """The next `times` /v1 requests (matching `method` and the `path` prefix) get Stripe's `code`
        error: rate_limit or lock_timeout (429), card_declined (402; decline_code=, advice_code=,
        payment_intent=<id>). See stripe_sandbox/fidelity.py."""
        params = {"code": code, "times": times, "path": path, "method": method, **extra}
        return self._control("/failures", {k: v for k, v in params.items() if v is not None})

    def product_requests(self) -> dict[str, int]:
        """How the product's own requests (the gateway, with settings.STRIPE_SECRET_KEY) fared against
        Stripe's definition so far in this test process: {"valid": n, "invalid": n, ...}."""
        return self.emulator.fidelity.counts(API_KEY)

    def refused_requests(self) -> list[dict]:
        return list(self.emulator.fidelity.refused)

    # ----------------------------------------------------------- control
    def state(self) -> dict:
        return self._control("/state", method="GET")

    def advance_clock(self, seconds: int) -> int:
        return self._control("/clock/advance", {"seconds": seconds})["now"]

    def complete_onboarding(self, account_id: str) -> dict:
        return self._control(f"/accounts/{account_id}/complete_onboarding")

    def set_requirements(self, account_id: str, **fields: Any) -> dict:
        """e.g. currently_due=["individual.verification.document"], disabled_reason="requirements.past_due",
        charges_enabled=False, payouts_enabled=False."""
        if "currently_due" in fields and not fields["currently_due"]:
            fields["currently_due"] = ""
        return self._control(f"/accounts/{account_id}/requirements", fields)

    def deauthorize(self, account_id: str) -> dict:
        return self._control(f"/accounts/{account_id}/deauthorize")

    def create_payout(self, account_id: str, amount: int | None = None, outcome: str = "paid") -> dict:
        return self._control(f"/accounts/{account_id}/payouts", {"amount": amount, "outcome": outcome})

    def settle_payout(self, payout_id: str, outcome: str = "paid") -> dict:
        return self._control(f"/payouts/{payout_id}/{outcome}")

    def dispute(self, charge_id: str, reason: str = "fraudulent", amount: int | None = None) -> dict:
        return self._control(f"/charges/{charge_id}/dispute", {"reason": reason, "amount": amount})

    def fail_refund(self, refund_id: str) -> dict:
        return self._control(f"/refunds/{refund_id}/fail")

    def emit_event(
        self,
        event_type: str,
        *,
        account: str | None = None,
        object_id: str | None = None,
        object: dict | None = None,
    ) -> dict:  # noqa: A002 - Stripe's field name
        params: dict = {"type": event_type, "account": account, "object_id": object_id}
        if object is not None:
            params["object"] = json.dumps(object)
        return self._control("/events", params)

    def events(self, account: str | None = None, **filters: Any) -> list[dict]:
        out, after = [], None
        while True:
            params = {"limit": 100, **filters, **({"starting_after": after} if after else {})}
            status, _, body = self.api("GET", "/v1/events", params, account=account)
            assert status == 200, body
            out += body["data"]
            if not body["has_more"]:
                return out
            after = body["data"][-1]["id"]

    # ----------------------------------------------------------- hosted pages
    def onboard(self, link_url: str, steps: int = 3, **overrides: str) -> str:
        """Open an account link like a browser and submit `steps` onboarding steps (1 business details,
        2 bank account, 3 review); returns where the browser ends up (the onboarding page or return_url)."""
        status, headers, _ = http("GET", link_url)
        location = headers.get("Location")
        assert status in (302, 303) and location, f"account link did not redirect: {status}"
        if not location.startswith(self.url + "/onboarding/"):
            return location  # expired / used link -> refresh_url
        page_url = location
        values = {
            "business": {
                "business_name": "Smith Tractors",
                "business_type": "company",
                "mcc": "5511",
                "url": "https://smith.example",
                "product_description": "Tractor sales and service",
                "support_phone": "+13125550100",
                "first_name": "Jenny",
                "last_name": "Rosen",
                "dob": "1980-01-01",
                "id_number": "0000",
            },
            "bank": {"routing_number": "110000000", "account_number": "000123456789"},
            "review": {"tos": "accepted"},
        }
        for _ in range(steps):
            status, headers, body = http("GET", page_url)
            if status in (302, 303):
                return headers["Location"]
            forms = [f for f in parse_forms(body.decode()) if "step" in f["fields"]]
            assert forms, "no onboarding form on the page"
            fields = dict(forms[0]["fields"])
            step = fields["step"]
            fields.update(values[step])
            if "SIN (test" in body.decode():  # a Canadian account
                fields["id_number"] = "000000000"
            if "11000-000" in body.decode():
                fields["routing_number"] = "11000-000"
            fields.update({k: v for k, v in overrides.items() if k in fields or k in values[step]})
            status, headers, body = http("POST", page_url, fields)
            assert status in (302, 303), f"onboarding step {step} refused: {body[:2000]!r}"
            location = headers["Location"]
            if location != page_url:
                return location
        return page_url

    def _session_url(self, url_or_id: str) -> str:
        return url_or_id if url_or_id.startswith("http") else f"{self.url}/pay/{url_or_id}"

    def pay_checkout(
        self,
        url_or_id: str,
        card: str = "4242 4242 4242 4242",
        exp: str = "12 / 34",
        cvc: str = "123",
        email: str = "customer@example.net",
        name: str = "Carla Customer",
    ) -> CheckoutResult:
        url = self._session_url(url_or_id)
        status, _, body = http("GET", url)
        if status != 200:
            return CheckoutResult(status, None, body.decode())
        form = next((f for f in parse_forms(body.decode()) if f["fields"].get("method") == "card"), None)
        if form is None:  # already paid, or card not offered: the page as it is
            return CheckoutResult(status, None, body.decode())
        fields = {**form["fields"], "card_number": card, "card_exp": exp, "card_cvc": cvc, "name": name}
        if not fields.get("email"):
            fields["email"] = email
        status, headers, body = http("POST", form["action"] or url, fields)
        return CheckoutResult(status, headers.get("Location"), body.decode())

    def pay_afterpay(
        self,
        url_or_id: str,
        succeed: bool = True,
        email: str = "customer@example.net",
        name: str = "Carla Customer",
    ) -> CheckoutResult:
        url = self._session_url(url_or_id)
        status, _, body = http("GET", url)
        form = next(
            (f for f in parse_forms(body.decode()) if f["fields"].get("method") == "afterpay_clearpay"), None
        )
        assert form is not None, "the checkout page offers no Afterpay / Clearpay"
        fields = {**form["fields"], "name": name, "outcome": "authorize" if succeed else "fail"}
        if not fields.get("email"):
            fields["email"] = email
        status, headers, body = http("POST", form["action"] or url, fields)
        return CheckoutResult(status, headers.get("Location"), body.decode())

    def save_card(self, url_or_id: str, card: str = "4242 4242 4242 4242", **kwargs: str) -> CheckoutResult:
        """Fill a setup-mode Checkout page (save a card for later) like a browser."""
        return self.pay_checkout(url_or_id, card=card, **kwargs)

    def pay_with_saved_card(self, url_or_id: str, payment_method: str | None = None) -> CheckoutResult:
        """Pay a payment-mode session created with `customer` using one of their saved cards."""
        url = self._session_url(url_or_id)
        status, _, body = http("GET", url)
        forms = [f for f in parse_forms(body.decode()) if f["fields"].get("method") == "saved_card"]
        assert forms, "the checkout page offers no saved card"
        form = next((f for f in forms if f["fields"]["payment_method"] == payment_method), forms[0])
        status, headers, body = http("POST", form["action"] or url, form["fields"])
        return CheckoutResult(status, headers.get("Location"), body.decode())

    def set_rate_limit(self, rate: float, burst: float | None = None) -> dict:
        """Answer 429 rate_limit above `rate` /v1 requests per second (0 = no limit)."""
        return self._control("/rate_limit", {"rate": rate, "burst": burst or ""})

    def rate_limit_counts(self) -> dict:
        return self._control("/rate_limit", method="GET")

    def update_card(self, payment_method: str, **fields: str | int) -> dict:
        """The card network's updater: payment_method.automatically_updated (exp_month=, exp_year=, last4=)."""
        return self._control(f"/payment_methods/{payment_method}/automatic_update", fields)

    def detach_card(self, payment_method: str) -> dict:
        """The card is removed outside our product: payment_method.detached (customer=null)."""
        return self._control(f"/payment_methods/{payment_method}/detach")

    def charges_summary(self, metadata_key: str = "") -> dict:
        """{"charges", "succeeded", "failed", "succeeded_by": {metadata[metadata_key]: count}}."""
        status, _, body = self.api("GET", "/_sandbox/charges/summary", {"metadata_key": metadata_key})
        assert status == 200, body
        return body

    # ----------------------------------------------------------- webhooks
    def held(self) -> list[Delivery]:
        return list(self.emulator.dispatcher.held)

    def held_types(self) -> list[str]:
        return [d.event["type"] for d in self.emulator.dispatcher.held]

    def take_held(self) -> list[Delivery]:
        return self.emulator.dispatcher.take_held()

    def deliver(
        self,
        delivery: Delivery,
        client,
        *,
        webhook_path: str = "/webhooks/stripe/",
        connect_path: str = "/webhooks/stripe/connect/",
        timestamp: int | None = None,
    ):
        """POST one event, freshly signed with the right secret, through a Django test client."""
        return client.post(
            connect_path if delivery.connect else webhook_path,
            data=delivery.payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=delivery.signature(timestamp),
        )

    def deliver_held(
        self, client, *, types: list[str] | None = None, order: str = "created", repeat: int = 1, **paths: str
    ) -> list:
        """Deliver the held events (optionally only `types`, in `order` created|reverse, each `repeat` times)
        and forget them. Returns the Django responses."""
        taken = self.take_held()
        chosen = [d for d in taken if types is None or d.event["type"] in types]
        keep = [d for d in taken if d not in chosen]
        self.emulator.dispatcher.held[:0] = keep
        if order == "reverse":
            chosen.reverse()
        responses = []
        for delivery in chosen:
            for _ in range(repeat):
                responses.append(self.deliver(delivery, client, **paths))
        return responses

    def deliver_to(self, base_url: str, mode: str = "sync") -> None:
        """Send events over HTTP to `base_url`/webhooks/stripe/ and /webhooks/stripe/connect/ (a live server)."""
        base = base_url.rstrip("/")
        self.emulator.config.webhook_url = f"{base}/webhooks/stripe/"
        self.emulator.config.connect_webhook_url = f"{base}/webhooks/stripe/connect/"
        self.emulator.dispatcher.mode = mode
        for delivery in self.take_held():
            delivery.url = (
                self.emulator.config.connect_webhook_url
                if delivery.connect
                else self.emulator.config.webhook_url
            )
            self.emulator.dispatcher.submit(delivery)

    def on_event(self, callback, mode: str = "sync") -> None:
        self.emulator.dispatcher.callback = callback
        self.emulator.dispatcher.mode = mode

    @staticmethod
    def sign(payload: bytes | str, secret: str, timestamp: int | None = None) -> str:
        return sign(payload, secret, timestamp)

    def host(self) -> str:
        return urlparse(self.url).netloc


_server: StripeServer | None = None
_server_lock = threading.Lock()


def running_stripe_server() -> StripeServer:
    """One emulator server per test process (started on first use)."""
    global _server
    with _server_lock:
        if _server is None:
            _server = StripeServer()
            atexit.register(_write_counts, _server)
        return _server


def _write_counts(server: StripeServer) -> None:
    """With STRIPE_SANDBOX_COUNTS_FILE set, write how every request of the run fared against Stripe's
    definition: the product's (the gateway's key) and the tests' own (the harness key)."""
    path = os.environ.get("STRIPE_SANDBOX_COUNTS_FILE")
    if not path:
        return
    fidelity = server.emulator.fidelity
    report = {
        "product": fidelity.counts(API_KEY),
        "harness": fidelity.counts(HARNESS_KEY),
        "refused": fidelity.refused,
    }
    with open(path, "w") as fh:
        json.dump(report, fh, indent=2)
