"""The one door to Stripe. The ONLY module that imports `stripe`.

Every function is keyword-only, takes and returns our own types (`payments.gateway.types`) and
turns Stripe's errors into ours (`payments.gateway.errors`). `account_id` is a connected account,
sent as the `Stripe-Account` header. Calls that create an account or move money take an
`idempotency_key` derived from our own record, so a retry can never do the work twice.

Configuration (settings): STRIPE_SECRET_KEY, STRIPE_API_BASE (one address for the api, connect and
files hosts; empty = Stripe's own), STRIPE_WEBHOOK_SECRET, STRIPE_CONNECT_WEBHOOK_SECRET.
With no STRIPE_SECRET_KEY the gateway talks to the local sandbox at SITE_URL/sandbox/stripe —
this module is the only place in the product that knows about the sandbox.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import stripe
from django.conf import settings

from payments.gateway import consts
from payments.gateway.errors import (
    CardError,
    GatewayError,
    GatewayUnavailable,
    IdempotencyConflict,
    InvalidRequest,
    WebhookSignatureInvalid,
)
from payments.gateway.types import (
    AccountInfo,
    BalanceTransactionInfo,
    CheckoutSessionInfo,
    PaymentIntentInfo,
    PayoutInfo,
    PayoutSchedule,
    RefundInfo,
    ReportRunInfo,
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


# --- errors ----------------------------------------------------------------------------------

_CARD_MESSAGES = {
    "insufficient_funds": "Your card has insufficient funds. Try another card.",
    "expired_card": "Your card has expired. Try another card.",
    "incorrect_cvc": "Your card's security code is incorrect.",
    "processing_error": "An error occurred while processing your card. Try again in a little bit.",
}


def _stripe_error_details(exc: stripe.StripeError) -> tuple[str, str]:
    error = exc.json_body.get("error", {}) if isinstance(exc.json_body, dict) else {}
    return (error.get("type") or ""), (error.get("decline_code") or "")


@contextlib.contextmanager
def _stripe_errors() -> Iterator[None]:
    """Translate stripe.*Error into our errors."""
    try:
        yield
    except stripe.CardError as exc:
        _, decline_code = _stripe_error_details(exc)
        message = (
            _CARD_MESSAGES.get(decline_code or "")
            or _CARD_MESSAGES.get(exc.code or "")
            or exc.user_message
            or "Your card was declined."
        )
        raise CardError(
            message,
            decline_code=decline_code,
            code=exc.code or "card_declined",
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
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
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


def _payout_schedule(data: dict) -> PayoutSchedule | None:
    schedule = ((data.get("settings") or {}).get("payouts") or {}).get("schedule")
    if not schedule:
        return None
    return PayoutSchedule(
        interval=schedule.get("interval") or "",
        weekly_anchor=schedule.get("weekly_anchor") or "",
        monthly_anchor=schedule.get("monthly_anchor"),
        delay_days=schedule.get("delay_days"),
    )


def _account_info(obj: Any) -> AccountInfo:
    data = _dict(obj)
    requirements = data.get("requirements") or {}
    payments_settings = (data.get("settings") or {}).get("payments") or {}
    business_profile = data.get("business_profile") or {}
    return AccountInfo(
        id=data["id"],
        country=data.get("country") or "",
        default_currency=_currency(data.get("default_currency")),
        charges_enabled=bool(data.get("charges_enabled")),
        payouts_enabled=bool(data.get("payouts_enabled")),
        details_submitted=bool(data.get("details_submitted")),
        requirements_currently_due=tuple(requirements.get("currently_due") or ()),
        disabled_reason=requirements.get("disabled_reason") or "",
        payout_schedule=_payout_schedule(data),
        statement_descriptor=payments_settings.get("statement_descriptor") or "",
        business_name=business_profile.get("name") or "",
    )


def _checkout_session_info(obj: Any) -> CheckoutSessionInfo:
    data = _dict(obj)
    return CheckoutSessionInfo(
        id=data["id"],
        url=data.get("url") or "",
        status=data.get("status") or "",
        payment_status=data.get("payment_status") or "",
        payment_intent_id=_id_of(data.get("payment_intent")),
        amount_total=int(data.get("amount_total") or 0),
        currency=_currency(data.get("currency")),
        expires_at=_datetime(data.get("expires_at")),
        metadata=dict(data.get("metadata") or {}),
    )


def _payment_intent_info(obj: Any) -> PaymentIntentInfo:
    data = _dict(obj)
    charge = data.get("latest_charge")
    charge = charge if isinstance(charge, dict) else {}
    details = charge.get("payment_method_details") or {}
    card = details.get("card") or {}
    last_error = data.get("last_payment_error") or {}
    method_types = data.get("payment_method_types") or []
    return PaymentIntentInfo(
        id=data["id"],
        status=data.get("status") or "",
        amount=int(data.get("amount") or 0),
        amount_received=int(data.get("amount_received") or 0),
        currency=_currency(data.get("currency")),
        application_fee_amount=int(data.get("application_fee_amount") or 0),
        latest_charge_id=_id_of(data.get("latest_charge")),
        payment_method_type=details.get("type") or (method_types[0] if method_types else ""),
        card_brand=card.get("brand") or "",
        card_last4=card.get("last4") or "",
        card_funding=card.get("funding") or "",
        failure_code=charge.get("failure_code")
        or last_error.get("decline_code")
        or last_error.get("code")
        or "",
        failure_message=charge.get("failure_message") or last_error.get("message") or "",
        metadata=dict(data.get("metadata") or {}),
        created=int(data.get("created") or 0),
        charge_created=int(charge.get("created") or 0),
    )


def _refund_info(obj: Any) -> RefundInfo:
    data = _dict(obj)
    return RefundInfo(
        id=data["id"],
        status=data.get("status") or "",
        amount=int(data.get("amount") or 0),
        currency=_currency(data.get("currency")),
        payment_intent_id=_id_of(data.get("payment_intent")),
        charge_id=_id_of(data.get("charge")),
        failure_reason=data.get("failure_reason") or "",
        metadata=dict(data.get("metadata") or {}),
    )


def _payout_info(obj: Any) -> PayoutInfo:
    data = _dict(obj)
    return PayoutInfo(
        id=data["id"],
        status=data.get("status") or "",
        amount=int(data.get("amount") or 0),
        currency=_currency(data.get("currency")),
        arrival_date=_date(data.get("arrival_date")),
        failure_message=data.get("failure_message") or "",
    )


def _balance_transaction_info(obj: Any) -> BalanceTransactionInfo:
    data = _dict(obj)
    return BalanceTransactionInfo(
        id=data["id"],
        type=data.get("type") or "",
        amount=int(data.get("amount") or 0),
        fee=int(data.get("fee") or 0),
        net=int(data.get("net") or 0),
        currency=_currency(data.get("currency")),
        source_id=_id_of(data.get("source")),
    )


def _report_run_info(obj: Any) -> ReportRunInfo:
    data = _dict(obj)
    result = data.get("result") or {}
    return ReportRunInfo(
        id=data["id"],
        status=data.get("status") or "",
        report_type=data.get("report_type") or "",
        result_file_url=(result.get("url") if isinstance(result, dict) else "") or "",
        error=data.get("error") or "",
    )


def _without_blanks(values: dict) -> dict:
    return {key: value for key, value in values.items() if value not in (None, "", {}, [])}


# --- accounts (Connect Express) --------------------------------------------------------------


def account_create(
    *,
    country: str,
    email: str,
    business_name: str,
    business_url: str,
    support_phone: str,
    support_email: str,
    address: dict,
    idempotency_key: str,
) -> AccountInfo:
    """POST /v1/accounts: an Express account with card payments and transfers requested and the
    organization's business details prefilled (blank values are left out)."""
    address = _without_blanks(address or {})
    params = {
        "type": "express",
        "country": country,
        "email": email,
        "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
        "business_profile": _without_blanks(
            {
                "name": business_name,
                "url": business_url,
                "support_phone": support_phone,
                "support_email": support_email,
                "support_address": address,
            }
        ),
        "company": _without_blanks({"name": business_name, "address": address, "phone": support_phone}),
    }
    with _stripe_errors():
        account = _client().v1.accounts.create(
            _without_blanks(params), _options(idempotency_key=idempotency_key)
        )
    return _account_info(account)


def account_from_event(*, data_object: dict) -> AccountInfo:
    """The account snapshot inside an `account.updated` event, as our type (no call)."""
    return _account_info(data_object)


def account_retrieve(*, account_id: str) -> AccountInfo:
    """GET /v1/accounts/{id}"""
    with _stripe_errors():
        account = _client().v1.accounts.retrieve(account_id)
    return _account_info(account)


def account_update(
    *,
    account_id: str,
    payout_schedule: PayoutSchedule | None = None,
    statement_descriptor: str | None = None,
) -> AccountInfo:
    """POST /v1/accounts/{id}: settings[payouts][schedule][...] and/or
    settings[payments][statement_descriptor]."""
    account_settings: dict[str, Any] = {}
    if payout_schedule is not None:
        schedule: dict[str, Any] = {"interval": payout_schedule.interval}
        if payout_schedule.interval == "weekly":
            schedule["weekly_anchor"] = payout_schedule.weekly_anchor
        if payout_schedule.interval == "monthly":
            schedule["monthly_anchor"] = payout_schedule.monthly_anchor
        if payout_schedule.delay_days is not None and payout_schedule.interval != "manual":
            schedule["delay_days"] = payout_schedule.delay_days
        account_settings["payouts"] = {"schedule": schedule}
    if statement_descriptor is not None:
        account_settings["payments"] = {"statement_descriptor": statement_descriptor}
    with _stripe_errors():
        account = _client().v1.accounts.update(account_id, {"settings": account_settings})
    return _account_info(account)


def account_link_create(*, account_id: str, refresh_url: str, return_url: str) -> str:
    """POST /v1/account_links (type=account_onboarding). Links are single-use and short-lived,
    so a fresh one is made every time."""
    with _stripe_errors():
        link = _client().v1.account_links.create(
            {
                "account": account_id,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            }
        )
    return _dict(link)["url"]


def login_link_create(*, account_id: str) -> str:
    """POST /v1/accounts/{id}/login_links: a one-time link into the Express dashboard."""
    with _stripe_errors():
        link = _client().v1.accounts.login_links.create(account_id)
    return _dict(link)["url"]


# --- Checkout (direct charges on the connected account) --------------------------------------


def checkout_session_create(
    *,
    account_id: str,
    amount_minor: int,
    currency: str,
    product_name: str,
    description: str,
    application_fee_minor: int,
    payment_method_types: list[str],
    expires_at: datetime,
    success_url: str,
    cancel_url: str,
    metadata: dict,
    customer_email: str | None,
    idempotency_key: str,
) -> CheckoutSessionInfo:
    """POST /v1/checkout/sessions on the connected account (mode=payment, one line item)."""
    product_data: dict[str, Any] = {"name": product_name}
    if description:
        product_data["description"] = description
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency.lower(),
                    "unit_amount": int(amount_minor),
                    "product_data": product_data,
                },
            }
        ],
        "payment_method_types": list(payment_method_types),
        "payment_intent_data": {
            "application_fee_amount": int(application_fee_minor),
            "metadata": dict(metadata),
        },
        "expires_at": int(expires_at.timestamp()),
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": dict(metadata),
    }
    if description:
        params["payment_intent_data"]["description"] = description
    if customer_email:
        params["customer_email"] = customer_email
    with _stripe_errors():
        session = _client().v1.checkout.sessions.create(
            params, _options(account_id=account_id, idempotency_key=idempotency_key)
        )
    return _checkout_session_info(session)


def checkout_session_retrieve(*, account_id: str, session_id: str) -> CheckoutSessionInfo:
    """GET /v1/checkout/sessions/{id}"""
    with _stripe_errors():
        session = _client().v1.checkout.sessions.retrieve(session_id, None, _options(account_id=account_id))
    return _checkout_session_info(session)


def checkout_session_expire(*, account_id: str, session_id: str) -> CheckoutSessionInfo:
    """POST /v1/checkout/sessions/{id}/expire"""
    with _stripe_errors():
        session = _client().v1.checkout.sessions.expire(session_id, None, _options(account_id=account_id))
    return _checkout_session_info(session)


def payment_intent_retrieve(*, account_id: str, payment_intent_id: str) -> PaymentIntentInfo:
    """GET /v1/payment_intents/{id}?expand[]=latest_charge"""
    with _stripe_errors():
        intent = _client().v1.payment_intents.retrieve(
            payment_intent_id, {"expand": ["latest_charge"]}, _options(account_id=account_id)
        )
    return _payment_intent_info(intent)


# --- refunds, payouts, balance ---------------------------------------------------------------


def refund_create(
    *,
    account_id: str,
    payment_intent_id: str,
    amount_minor: int,
    reason: str | None,
    metadata: dict,
    idempotency_key: str,
) -> RefundInfo:
    """POST /v1/refunds on the connected account."""
    params: dict[str, Any] = {
        "payment_intent": payment_intent_id,
        "amount": int(amount_minor),
        "metadata": dict(metadata),
    }
    if reason:
        params["reason"] = reason
    with _stripe_errors():
        refund = _client().v1.refunds.create(
            params, _options(account_id=account_id, idempotency_key=idempotency_key)
        )
    return _refund_info(refund)


def refund_retrieve(*, account_id: str, refund_id: str) -> RefundInfo:
    """GET /v1/refunds/{id}"""
    with _stripe_errors():
        refund = _client().v1.refunds.retrieve(refund_id, None, _options(account_id=account_id))
    return _refund_info(refund)


def payout_retrieve(*, account_id: str, payout_id: str) -> PayoutInfo:
    """GET /v1/payouts/{id}"""
    with _stripe_errors():
        payout = _client().v1.payouts.retrieve(payout_id, None, _options(account_id=account_id))
    return _payout_info(payout)


def balance_transactions_list(*, account_id: str, payout_id: str) -> list[BalanceTransactionInfo]:
    """GET /v1/balance_transactions?payout=...&limit=100, all pages."""
    with _stripe_errors():
        page = _client().v1.balance_transactions.list(
            {"payout": payout_id, "limit": 100}, _options(account_id=account_id)
        )
        return [_balance_transaction_info(item) for item in page.auto_paging_iter()]


# --- reports ---------------------------------------------------------------------------------


def report_run_create(
    *, account_id: str, report_type: str, interval_start: int, interval_end: int, idempotency_key: str
) -> ReportRunInfo:
    """POST /v1/reporting/report_runs on the connected account."""
    params = {
        "report_type": report_type,
        "parameters": {"interval_start": int(interval_start), "interval_end": int(interval_end)},
    }
    with _stripe_errors():
        run = _client().v1.reporting.report_runs.create(
            params, _options(account_id=account_id, idempotency_key=idempotency_key)
        )
    return _report_run_info(run)


def report_run_retrieve(*, account_id: str, report_run_id: str) -> ReportRunInfo:
    """GET /v1/reporting/report_runs/{id}"""
    with _stripe_errors():
        run = _client().v1.reporting.report_runs.retrieve(
            report_run_id, None, _options(account_id=account_id)
        )
    return _report_run_info(run)


def file_download(*, file_url: str) -> bytes:
    """GET a file's contents (a report's `result.url`, on the files host) with our API key.
    Only the path of `file_url` is used, so the download always goes to the configured files host."""
    parts = urlsplit(file_url)
    path = parts.path
    prefix = urlsplit(_base_addresses()["files"]).path.rstrip("/")
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) :]
    if parts.query:
        path = f"{path}?{parts.query}"
    client = _client()
    with _stripe_errors():
        body, status, headers = client._requestor.request_raw(
            "get", path, None, {}, base_address="files", api_mode="V1", usage=["file_download"]
        )
        if status >= 400:
            # Let the SDK turn the error body into its exception (translated above).
            client._requestor._interpret_response(body, status, headers, "V1")
    return body if isinstance(body, bytes) else str(body).encode()


# --- events and webhooks ---------------------------------------------------------------------


def events_list(*, account_id: str | None, created_gte: int) -> list[dict]:
    """GET /v1/events?created[gte]=...&limit=100 for the platform (account_id None) or a
    connected account, all pages, as plain dicts (the shape webhooks deliver)."""
    with _stripe_errors():
        page = _client().v1.events.list(
            {"created": {"gte": int(created_gte)}, "limit": 100}, _options(account_id=account_id)
        )
        return [_dict(event) for event in page.auto_paging_iter()]


def webhook_event_verify(*, payload: bytes, signature_header: str, connect: bool) -> dict:
    """Check `Stripe-Signature` (HMAC-SHA256 of "<t>.<payload>" with the endpoint's secret,
    STRIPE_WEBHOOK_TOLERANCE_SECONDS tolerance) and return the event as a dict.
    Raises WebhookSignatureInvalid for a missing, forged or stale signature."""
    secret = _webhook_secret(connect=connect)
    if not secret:
        raise WebhookSignatureInvalid("No webhook secret is configured for this endpoint.")
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature_header, secret, settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
        )
    except stripe.SignatureVerificationError as exc:
        raise WebhookSignatureInvalid(exc.user_message or "Invalid signature.")
    try:
        event = json.loads(payload)
    except ValueError:
        raise WebhookSignatureInvalid("The payload is not JSON.")
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise WebhookSignatureInvalid("The payload is not a Stripe event.")
    return event
