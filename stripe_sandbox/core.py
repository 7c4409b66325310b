"""The emulator: in-memory Stripe state behind one lock, a WSGI entry point, routing and events."""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from wsgiref.util import application_uri

from .delivery import Delivery, Dispatcher
from .fidelity import Fidelity
from .wire import ParamError, Response, StripeErrorResponse, invalid, new_id, parse_form

logger = logging.getLogger(__name__)

FIXTURES = json.loads((Path(__file__).with_name("stripe_fixtures.json")).read_text())["resources"]
DEFAULT_API_VERSION = "2026-10-28.endive"  # stripe-python 16.1's pinned version
PLATFORM = ""  # owner key of the platform's own objects


def template(kind: str) -> dict:
    """A deep copy of Stripe's published example object of `kind` (fixtures3.json)."""
    return copy.deepcopy(FIXTURES[kind])


@dataclass
class EmulatorConfig:
    api_keys: frozenset[str] = frozenset({"sk_test_emulator"})
    public_url: str | None = None  # where the emulator is reachable; None = derived from each request
    webhook_url: str | None = None  # platform events
    connect_webhook_url: str | None = None  # connected accounts' events
    webhook_secret: str = "whsec_emulator"
    connect_webhook_secret: str = "whsec_emulator_connect"
    state_file: str | None = None
    delivery_mode: str = "async"
    api_version: str = DEFAULT_API_VERSION
    platform_name: str = "TextPay"
    dev_tools: bool = False  # the tools page at "/" (finish onboarding, pay out, dispute, move the clock)
    rate_limit: float = 0  # /v1 requests per second before 429 rate_limit (0 = none; see limits.py)
    strict: bool = True  # check every /v1 request against the SDK's definition (fidelity.py)
    sweep_interval: float = 0  # run the clock's sweep at most this often per request (0 = every request)


@dataclass
class Request:
    method: str
    path: str
    query: dict
    form: dict
    headers: dict[str, str]
    base_url: str
    remote_addr: str
    raw_query: str = ""
    raw_body: bytes = b""
    account: str | None = None
    api_key: str | None = None
    request_id: str = field(default_factory=lambda: new_id("req_", 14))

    @property
    def params(self) -> dict:
        return self.form if self.method == "POST" else self.query

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


Handler = Callable[..., Response]


class Emulator:
    """A framework-free WSGI app speaking Stripe's API wire format.

    State lives in `self.state` (plain JSON-able dicts) guarded by `self.lock`; every handler runs
    under the lock, and the events it emits are dispatched after the lock is released.
    """

    def __init__(self, config: EmulatorConfig | None = None):
        self.config = config or EmulatorConfig()
        self.lock = threading.RLock()
        self.dispatcher = Dispatcher(self.config.delivery_mode)
        self._outbox: list[Delivery] = []
        self._current_request: Request | None = None
        self.fidelity = Fidelity(strict=self.config.strict)
        self.state: dict[str, Any] = {}
        from .limits import TokenBucket  # noqa: PLC0415 - limits.py imports the operations

        self.rate_limiter = TokenBucket(self.config.rate_limit)
        self.reset()
        if self.config.state_file and os.path.exists(self.config.state_file):
            try:
                with open(self.config.state_file) as fh:
                    loaded = json.load(fh)
                self.state.update(loaded)
            except (OSError, ValueError) as exc:
                logger.warning("stripe sandbox: could not load %s: %s", self.config.state_file, exc)
        from . import api, control, limits, pages  # noqa: PLC0415 - the route tables import this module

        self.routes: list[tuple[str, re.Pattern, Handler, str]] = []
        for kind, table in (
            ("api", api.ROUTES),
            ("page", pages.ROUTES),
            ("control", control.ROUTES + limits.ROUTES),
        ):
            for method, pattern, handler in table:
                self.routes.append((method, re.compile(f"^{pattern}$"), handler, kind))

    # ----------------------------------------------------------------- state
    def reset(self) -> None:
        with self.lock:
            self.state = {
                "objects": {},  # id -> Stripe object
                "owners": {},  # id -> connected account id, or "" for the platform
                "private": {},  # id -> emulator-only data (never sent over the wire)
                "events": [],  # event ids, oldest first
                "idempotency": {},  # "<account>|<key>" -> saved request + response
                "account_links": {},  # token -> link data
                "onboarding": {},  # onboarding session token -> {account, return_url, refresh_url}
                "login_links": {},  # token -> account id
                "files": {},  # file id -> contents (text)
                "clock_offset": 0,
            }
            self.dispatcher.take_held()
            self.fidelity.failures.clear()
            self.fidelity.seen.clear()

    def save(self) -> None:
        if not self.config.state_file:
            return
        path = self.config.state_file
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        tmp = f"{path}.tmp"
        with open(tmp, "w") as fh:
            json.dump(self.state, fh)
        os.replace(tmp, path)

    def now(self) -> int:
        return int(time.time()) + int(self.state["clock_offset"])

    def advance_clock(self, seconds: int) -> None:
        with self.lock:
            self.state["clock_offset"] += int(seconds)
            self.sweep()

    def put(self, obj: dict, account: str | None) -> dict:
        self.state["objects"][obj["id"]] = obj
        self.state["owners"][obj["id"]] = account or PLATFORM
        return obj

    def private(self, object_id: str) -> dict:
        return self.state["private"].setdefault(object_id, {})

    def find(self, object_id: str) -> dict | None:
        return self.state["objects"].get(object_id)

    def owner(self, object_id: str) -> str | None:
        owner = self.state["owners"].get(object_id)
        return None if owner in (None, PLATFORM) else owner

    def get(self, kind: str, object_id: str, account: str | None, param: str = "id") -> dict:
        """The object `object_id` of type `kind` as seen by `account` (None = the platform), else 404."""
        from .wire import not_found  # noqa: PLC0415

        obj = self.state["objects"].get(object_id)
        if obj is None or obj.get("object") != kind:
            raise not_found(kind, object_id, param)
        if kind == "account":
            if account not in (None, object_id):
                raise not_found(kind, object_id, param)
            return obj
        if self.state["owners"].get(object_id) != (account or PLATFORM):
            raise not_found(kind, object_id, param)
        return obj

    def objects_of(self, kind: str, account: str | None) -> list[dict]:
        owner = account or PLATFORM
        return [
            obj
            for oid, obj in self.state["objects"].items()
            if obj.get("object") == kind and self.state["owners"].get(oid) == owner
        ]

    # ---------------------------------------------------------------- events
    def emit(self, event_type: str, obj: dict, account: str | None, previous: dict | None = None) -> dict:
        req = self._current_request
        data: dict[str, Any] = {"object": copy.deepcopy(obj)}
        if previous:
            data["previous_attributes"] = copy.deepcopy(previous)
        event = template("event")
        event.update(
            {
                "id": new_id("evt_"),
                "api_version": self.state.get("api_version") or self.config.api_version,
                "created": self.now(),
                "data": data,
                "livemode": False,
                "pending_webhooks": 1,
                "request": {
                    "id": req.request_id if req and req.path.startswith("/v1/") else None,
                    "idempotency_key": req.header("Idempotency-Key") if req else None,
                },
                "type": event_type,
            }
        )
        if account:
            event["account"] = account
        self.put(event, account)
        self.state["events"].append(event["id"])
        connect = bool(account)
        self._outbox.append(
            Delivery(
                event=copy.deepcopy(event),
                connect=connect,
                url=self.config.connect_webhook_url if connect else self.config.webhook_url,
                secret=self.config.connect_webhook_secret if connect else self.config.webhook_secret,
            )
        )
        return event

    def flush_events(self) -> None:
        """Hand the events emitted so far to the dispatcher (call outside the lock)."""
        with self.lock:
            outbox, self._outbox = self._outbox, []
        for delivery in outbox:
            self.dispatcher.submit(delivery)

    def sweep(self, *, throttled: bool = False) -> None:
        """Apply what time makes happen: expired Checkout Sessions, refunds that fail later...
        `throttled` (a request's own sweep): at most every `config.sweep_interval` seconds, since the
        sweep reads every object (a benchmark with 100,000 objects sets 0.5 s)."""
        from . import operations  # noqa: PLC0415

        if throttled and self.config.sweep_interval:
            now = time.monotonic()
            if now - getattr(self, "_swept_at", 0.0) < self.config.sweep_interval:
                return
            self._swept_at = now
        operations.sweep(self)

    # ------------------------------------------------------------------ URLs
    def public_url(self, req: Request | None = None) -> str:
        if self.config.public_url:
            return self.config.public_url.rstrip("/")
        req = req or self._current_request
        return req.base_url if req else "http://127.0.0.1"

    # ------------------------------------------------------------------ WSGI
    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        response = self.handle(environ)
        reason = {
            200: "OK",
            302: "Found",
            303: "See Other",
            400: "Bad Request",
            401: "Unauthorized",
            402: "Payment Required",
            403: "Forbidden",
            404: "Not Found",
            405: "Method Not Allowed",
            409: "Conflict",
            429: "Too Many Requests",
            500: "Internal Server Error",
        }.get(response.status, "Status")
        headers = list(response.headers) + [("Content-Length", str(len(response.body)))]
        start_response(f"{response.status} {reason}", headers)
        return [response.body]

    def handle(self, environ: dict) -> Response:
        try:
            req = self._build_request(environ)
        except ParamError as exc:
            return Response.json(invalid(str(exc)).payload(), 400)
        route = self._route(req)
        if route is None:
            if req.path.startswith("/v1/"):
                err = StripeErrorResponse(
                    404,
                    f"Unrecognized request URL ({req.method}: {req.path}). Please see https://stripe.com/docs "
                    "or we can help at https://support.stripe.com/.",
                )
                return Response.json(err.payload(), 404)
            return Response.html("<h1>Not found</h1>", 404)
        handler, kind, match = route
        if kind == "api" and not self.rate_limiter.take():
            from .limits import rate_limited  # noqa: PLC0415

            response = Response.json(rate_limited().payload(), 429)
            response.headers.append(("Request-Id", req.request_id))
            return response
        try:
            if kind == "api":
                response = self._handle_api(req, handler, match.groupdict())
            else:
                with self.lock:
                    self._current_request = req
                    try:
                        self.sweep(throttled=True)
                        response = handler(self, req, **match.groupdict())
                        self.save()
                    finally:
                        self._current_request = None
        except StripeErrorResponse as exc:
            response = Response.json(exc.payload(), exc.status)
        except Exception:  # pragma: no cover - shows up as Stripe's api_error
            logger.exception("stripe sandbox: unhandled error on %s %s", req.method, req.path)
            response = Response.json(
                {"error": {"type": "api_error", "message": "An unknown error occurred in the sandbox."}}, 500
            )
        self.flush_events()
        response.headers.append(("Request-Id", req.request_id))
        if req.path.startswith("/v1/"):
            response.headers.append(
                ("Stripe-Version", self.state.get("api_version") or self.config.api_version)
            )
        return response

    def _route(self, req: Request) -> tuple[Handler, str, re.Match] | None:
        for method, pattern, handler, kind in self.routes:
            match = pattern.match(req.path)
            if match and method == req.method:
                return handler, kind, match
        return None

    def _build_request(self, environ: dict) -> Request:
        headers = {}
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                headers[key[5:].replace("_", "-").lower()] = value
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        method = environ.get("REQUEST_METHOD", "GET").upper()
        raw_query = environ.get("QUERY_STRING", "")
        body = b""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length:
            body = environ["wsgi.input"].read(length)
        form: dict = {}
        if body and "json" not in headers.get("content-type", ""):
            form = parse_form(body.decode("utf-8", "replace"))
        base = application_uri(environ).rstrip("/")
        return Request(
            method=method,
            path=environ.get("PATH_INFO", "/") or "/",
            query=parse_form(raw_query),
            form=form,
            headers=headers,
            base_url=base,
            remote_addr=environ.get("REMOTE_ADDR", "127.0.0.1"),
            raw_query=raw_query,
            raw_body=body,
        )

    def _authenticate(self, req: Request) -> None:
        auth = req.header("Authorization") or ""
        key = None
        if auth.lower().startswith("bearer "):
            key = auth[7:].strip()
        elif auth.lower().startswith("basic "):
            import base64  # noqa: PLC0415

            try:
                key = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
            except ValueError:
                key = None
        if not key:
            raise StripeErrorResponse(
                401,
                "You did not provide an API key. You need to provide your API key in the Authorization "
                "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
            )
        if key not in self.config.api_keys:
            masked = key[:8] + "*" * max(0, len(key) - 12) + key[-4:] if len(key) > 12 else key[:3] + "***"
            raise StripeErrorResponse(401, f"Invalid API Key provided: {masked}", code="api_key_invalid")
        req.api_key = key
        account = req.header("Stripe-Account")
        if account:
            obj = self.state["objects"].get(account)
            if obj is None or obj.get("object") != "account" or self.private(account).get("deleted"):
                raise StripeErrorResponse(
                    403,
                    f"The provided key '{key[:8]}********' does not have access to account '{account}' "
                    "(or that account does not exist). Application access may have been revoked.",
                    code="account_invalid",
                )
            req.account = account

    def _handle_api(self, req: Request, handler: Handler, groups: dict) -> Response:
        with self.lock:
            self._current_request = req
            try:
                self._authenticate(req)
                self.fidelity.before(req)  # errors on demand, then Stripe's definition of the endpoint
                if req.header("Stripe-Version"):
                    self.state["api_version"] = req.header("Stripe-Version")
                self.sweep(throttled=True)
                idem_key = req.header("Idempotency-Key") if req.method == "POST" else None
                if not idem_key:
                    response = self._run(handler, req, groups)
                    if req.method in ("POST", "DELETE"):
                        self.save()
                    return response
                if len(idem_key) > 255:
                    raise invalid("Idempotency-Key must be at most 255 characters.", param="Idempotency-Key")
                slot = f"{req.account or ''}|{idem_key}"
                fingerprint = json.dumps([req.method, req.path, req.form], sort_keys=True)
                saved = self.state["idempotency"].get(slot)
                if saved is not None:
                    if saved["fingerprint"] != fingerprint:
                        raise StripeErrorResponse(
                            400,
                            "Keys for idempotent requests can only be used with the same parameters they "
                            f"were first used with. Try using a key other than '{idem_key}' if you meant "
                            "to execute a different request.",
                            type="idempotency_error",
                        )
                    response = Response(
                        saved["status"], saved["body"].encode(), [tuple(h) for h in saved["headers"]]
                    )
                    response.headers.append(("Idempotent-Replayed", "true"))
                    response.headers.append(("Original-Request", saved["request_id"]))
                    return response
                response = self._run(handler, req, groups)
                if response.status not in (400, 401, 403, 404):  # validation failures are not saved
                    self.state["idempotency"][slot] = {
                        "fingerprint": fingerprint,
                        "status": response.status,
                        "body": response.body.decode(),
                        "headers": [list(h) for h in response.headers],
                        "request_id": req.request_id,
                        "created": self.now(),
                    }
                    response.headers.append(("Idempotency-Key", idem_key))
                self.save()
                return response
            finally:
                self._current_request = None

    def _run(self, handler: Handler, req: Request, groups: dict) -> Response:
        try:
            return handler(self, req, **groups)
        except StripeErrorResponse as exc:
            return Response.json(exc.payload(), exc.status)
