"""Configuration, the SDK client, Stripe's errors turned into ours, and the small converters every
resource module uses. With `accounts.py`, `checkout.py`, `money.py` and `events.py` this package is the
ONLY code that imports `stripe`; callers import the functions from `payments.gateway` (the face).

Every function is keyword-only, takes and returns our own types (`payments.gateway.types`) and
turns Stripe's errors into ours (`payments.gateway.errors`). `account_id` is a connected account,
sent as the `Stripe-Account` header. Calls that create an account or move money take an
`idempotency_key` derived from our own record, so a retry can never do the work twice.

Configuration (settings): STRIPE_SECRET_KEY, STRIPE_API_BASE (one address for the api, connect and
files hosts; empty = Stripe's own), STRIPE_WEBHOOK_SECRET, STRIPE_CONNECT_WEBHOOK_SECRET.
With no STRIPE_SECRET_KEY the gateway talks to the local sandbox at SITE_URL/sandbox/stripe —
this module is the only place in the product that knows about the sandbox."""

from __future__ import annotations

import contextlib
import functools
import random
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import stripe
from django.conf import settings

from payments.gateway import consts
from payments.gateway.errors import (
    CardError,
    GatewayError,
    GatewayRateLimited,
    GatewayUnavailable,
    IdempotencyConflict,
    InvalidRequest,
    WebhookSignatureInvalid,
)

# --- configuration ---------------------------------------------------------------------------


def _sandbox_mode() -> bool:
    return not settings.STRIPE_SECRET_KEY


def _api_key() -> str:
    return settings.STRIPE_SECRET_KEY or consts.SANDBOX_SECRET_KEY


def _base_addresses() -> dict[str, str]:
    base = (settings.STRIPE_API_BASE or "").rstrip("/")
    if not base and _sandbox_mode():
        base = settings.SITE_URL.rstrip("/") + consts.SANDBOX_PATH
    if base:
        return {"api": base, "connect": base, "files": base}
    return {
        "api": consts.DEFAULT_API_BASE,
        "connect": consts.DEFAULT_CONNECT_BASE,
        "files": consts.DEFAULT_FILES_BASE,
    }


def _webhook_secret(*, connect: bool) -> str:
    secret = settings.STRIPE_CONNECT_WEBHOOK_SECRET if connect else settings.STRIPE_WEBHOOK_SECRET
    if not secret and _sandbox_mode():
        secret = consts.SANDBOX_WEBHOOK_SECRET
    return secret


@functools.lru_cache(maxsize=8)
def _client_for(api_key: str, api: str, connect: str, files: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        stripe_version=consts.API_VERSION,
        base_addresses={"api": api, "connect": connect, "files": files},
        max_network_retries=consts.MAX_NETWORK_RETRIES,
    )


def _client() -> stripe.StripeClient:
    bases = _base_addresses()
    return _client_for(_api_key(), bases["api"], bases["connect"], bases["files"])


def _options(*, account_id: str | None = None, idempotency_key: str | None = None) -> dict:
    options: dict[str, Any] = {}
    if account_id:
        options["stripe_account"] = account_id
    if idempotency_key:
        options["idempotency_key"] = idempotency_key
    return options


T = TypeVar("T")


def _call(
    call: Callable[[dict], T],
    *,
    account_id: str | None = None,
    idempotency_key: str | None = None,
    post: bool,
) -> T:
    """Run one Stripe call with our errors, retrying a 429 (rate_limit, lock_timeout) with back-off.

    The SDK retries connection errors, 409 and 5xx itself but not 429. Every POST carries an
    idempotency key, ours when the call has one, else one made here for this call, so each retry
    sends the SAME key and Stripe can never do the work twice."""
    options = _options(account_id=account_id, idempotency_key=idempotency_key)
    if post and "idempotency_key" not in options:
        options["idempotency_key"] = f"textpay-{uuid.uuid4()}"
    delays = tuple(settings.STRIPE_RETRY_BACKOFF_SECONDS)
    for attempt in range(len(delays) + 1):
        try:
            with _stripe_errors():
                return call(options)
        except GatewayRateLimited:
            if attempt == len(delays):
                raise
            time.sleep(delays[attempt] * (1 + random.random() / 4))  # noqa: S311 - jitter, not crypto
    raise AssertionError("unreachable")


# --- errors ----------------------------------------------------------------------------------

_CARD_MESSAGES = {
    "insufficient_funds": "Your card has insufficient funds. Try another card.",
    "expired_card": "Your card has expired. Try another card.",
    "incorrect_cvc": "Your card's security code is incorrect.",
    "processing_error": "An error occurred while processing your card. Try again in a little bit.",
}


def _error_body(exc: stripe.StripeError) -> dict:
    return (exc.json_body.get("error") or {}) if isinstance(exc.json_body, dict) else {}


@contextlib.contextmanager
def _stripe_errors() -> Iterator[None]:
    """Translate stripe.*Error into our errors."""
    try:
        yield
    except stripe.CardError as exc:
        error = _error_body(exc)
        decline_code = error.get("decline_code") or ""
        intent = error.get("payment_intent")
        message = (
            _CARD_MESSAGES.get(decline_code or "")
            or _CARD_MESSAGES.get(exc.code or "")
            or exc.user_message
            or "Your card was declined."
        )
        raise CardError(
            message,
            decline_code=decline_code,
            advice_code=error.get("advice_code") or "",
            payment_intent_id=_id_of(intent),
            code=exc.code or "card_declined",
            http_status=exc.http_status,
            request_id=exc.request_id or "",
        )
    except stripe.RateLimitError as exc:
        raise GatewayRateLimited(
            "Stripe is busy right now. Please try again in a moment.",
            code=_error_body(exc).get("code") or "rate_limit",
            http_status=exc.http_status,
            request_id=exc.request_id or "",
        )
    except stripe.IdempotencyError as exc:
        raise IdempotencyConflict(
            exc.user_message or "This request was already made with other parameters.",
            code="idempotency_key_in_use",
            http_status=exc.http_status,
            request_id=exc.request_id or "",
        )
    except stripe.InvalidRequestError as exc:
        if exc.http_status and exc.http_status >= 500:
            raise GatewayUnavailable(
                exc.user_message or "Stripe is not available right now.", http_status=exc.http_status
            )
        param = getattr(exc, "param", "") or ""
        raise InvalidRequest(
            exc.user_message or "Stripe rejected the request.",
            param=param,
            code=exc.code or "",
            http_status=exc.http_status,
            request_id=exc.request_id or "",
            extra={param: [exc.user_message or "Invalid value."]} if param else None,
        )
    except (stripe.APIConnectionError, stripe.APIError) as exc:
        raise GatewayUnavailable(
            "Stripe can't be reached right now. Please try again in a moment.",
            code=exc.code or "",
            http_status=exc.http_status,
            request_id=exc.request_id or "",
        )
    except stripe.SignatureVerificationError as exc:
        raise WebhookSignatureInvalid(str(exc.user_message or "Invalid signature."))
    except stripe.StripeError as exc:
        status = exc.http_status or 0
        error_class = GatewayUnavailable if status >= 500 or status == 429 else GatewayError
        raise error_class(
            exc.user_message or "Stripe returned an error.",
            code=exc.code or "",
            http_status=exc.http_status,
            request_id=exc.request_id or "",
        )


# --- conversions -----------------------------------------------------------------------------


def _dict(obj: Any) -> dict:
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return obj
    return obj.to_dict()


def _id_of(value: Any) -> str:
    """An expandable field: either the id string or the expanded object."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    return _dict(value).get("id") or ""


def _currency(value: str | None) -> str:
    return (value or "").upper()


def _datetime(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def _date(value: int | None) -> date | None:
    return datetime.fromtimestamp(int(value), tz=UTC).date() if value else None


def _without_blanks(values: dict) -> dict:
    return {key: value for key, value in values.items() if value not in (None, "", {}, [])}
