"""Checkout Sessions (direct charges on the connected account) and the PaymentIntent behind one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from payments.gateway.client import _call, _client, _currency, _datetime, _dict, _id_of
from payments.gateway.types import (
    CheckoutSessionInfo,
    PaymentIntentInfo,
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
    customer_id: str = "",
    save_card: bool = False,
    locale: str = "",
) -> CheckoutSessionInfo:
    """POST /v1/checkout/sessions on the connected account (mode=payment, one line item).

    `payment_method_types` is sent as `allowed_payment_method_types` (the endive name).
    `customer_id` (a Stripe Customer on that account) makes Checkout offer the customer's saved cards
    (instead of `customer_email`); `save_card` saves the card paid with to that customer for
    off-session use (payment_method_options[card][setup_future_usage], card only: Afterpay stays offered).
    `locale` is Checkout's language (one of Stripe's: "fr-CA", "pt-BR", "es-419" ...); "" = Stripe's "auto"."""
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
        # Endive removed `payment_method_types` from this call; `allowed_payment_method_types` filters
        # the methods Stripe finds eligible down to ours (card, plus Afterpay/Clearpay where allowed).
        "allowed_payment_method_types": list(payment_method_types),
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
    if customer_id:
        params["customer"] = customer_id
    elif customer_email:
        params["customer_email"] = customer_email
    if save_card and customer_id:
        params["payment_method_options"] = {"card": {"setup_future_usage": "off_session"}}
    if locale:
        params["locale"] = locale
    session = _call(
        lambda options: _client().v1.checkout.sessions.create(params, options),
        account_id=account_id,
        idempotency_key=idempotency_key,
        post=True,
    )
    return _checkout_session_info(session)


def checkout_session_retrieve(*, account_id: str, session_id: str) -> CheckoutSessionInfo:
    """GET /v1/checkout/sessions/{id}"""
    session = _call(
        lambda options: _client().v1.checkout.sessions.retrieve(session_id, None, options),
        account_id=account_id,
        post=False,
    )
    return _checkout_session_info(session)


def checkout_session_expire(*, account_id: str, session_id: str) -> CheckoutSessionInfo:
    """POST /v1/checkout/sessions/{id}/expire"""
    session = _call(
        lambda options: _client().v1.checkout.sessions.expire(session_id, None, options),
        account_id=account_id,
        post=True,
    )
    return _checkout_session_info(session)


def payment_intent_retrieve(*, account_id: str, payment_intent_id: str) -> PaymentIntentInfo:
    """GET /v1/payment_intents/{id}?expand[]=latest_charge"""
    intent = _call(
        lambda options: _client().v1.payment_intents.retrieve(
            payment_intent_id, {"expand": ["latest_charge"]}, options
        ),
        account_id=account_id,
        post=False,
    )
    return _payment_intent_info(intent)
