"""Saved cards on the connected account: Customers, setup-mode Checkout, SetupIntents, the customer's
PaymentMethods (list, detach) and off-session PaymentIntents charging a saved card.

Everything lives on the dealership's Express account (`Stripe-Account`), one Stripe Customer per
(our customer x that account). Only brand, last 4, expiry and fingerprint ever leave this module."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from payments.gateway.checkout import _payment_intent_info
from payments.gateway.client import _call, _client, _datetime, _dict, _id_of
from payments.gateway.types import (
    CustomerInfo,
    PaymentIntentInfo,
    SavedCardInfo,
    SetupIntentInfo,
    SetupSessionInfo,
)


def _saved_card_info(obj: Any) -> SavedCardInfo:
    data = _dict(obj)
    card = data.get("card") or {}
    return SavedCardInfo(
        id=data["id"],
        customer_id=_id_of(data.get("customer")),
        brand=card.get("brand") or "",
        last4=card.get("last4") or "",
        exp_month=int(card.get("exp_month") or 0),
        exp_year=int(card.get("exp_year") or 0),
        fingerprint=card.get("fingerprint") or "",
    )


def customer_create(
    *, account_id: str, email: str, name: str, phone: str, metadata: dict, idempotency_key: str
) -> CustomerInfo:
    """POST /v1/customers on the connected account."""
    params: dict[str, Any] = {"metadata": dict(metadata)}
    for key, value in (("email", email), ("name", name), ("phone", phone)):
        if value:
            params[key] = value
    customer = _call(
        lambda options: _client().v1.customers.create(params, options),
        account_id=account_id,
        idempotency_key=idempotency_key,
        post=True,
    )
    data = _dict(customer)
    return CustomerInfo(id=data["id"], email=data.get("email") or "")


def setup_session_create(
    *,
    account_id: str,
    customer_id: str,
    currency: str,
    locale: str,
    success_url: str,
    cancel_url: str,
    expires_at: datetime,
    metadata: dict,
    idempotency_key: str,
) -> SetupSessionInfo:
    """POST /v1/checkout/sessions mode=setup: the hosted page where the customer saves a card."""
    params: dict[str, Any] = {
        "mode": "setup",
        "customer": customer_id,
        "currency": currency.lower(),
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": int(expires_at.timestamp()),
        "metadata": dict(metadata),
        "setup_intent_data": {"metadata": dict(metadata)},
    }
    if locale:
        params["locale"] = locale
    session = _call(
        lambda options: _client().v1.checkout.sessions.create(params, options),
        account_id=account_id,
        idempotency_key=idempotency_key,
        post=True,
    )
    data = _dict(session)
    return SetupSessionInfo(
        id=data["id"],
        url=data.get("url") or "",
        status=data.get("status") or "",
        setup_intent_id=_id_of(data.get("setup_intent")),
        expires_at=_datetime(data.get("expires_at")),
    )


def setup_intent_retrieve(*, account_id: str, setup_intent_id: str) -> SetupIntentInfo:
    """GET /v1/setup_intents/{id}?expand[]=payment_method"""
    intent = _call(
        lambda options: _client().v1.setup_intents.retrieve(
            setup_intent_id, {"expand": ["payment_method"]}, options
        ),
        account_id=account_id,
        post=False,
    )
    data = _dict(intent)
    pm = data.get("payment_method")
    return SetupIntentInfo(
        id=data["id"],
        status=data.get("status") or "",
        customer_id=_id_of(data.get("customer")),
        card=_saved_card_info(pm) if isinstance(pm, dict) else None,
        metadata=dict(data.get("metadata") or {}),
    )


def customer_cards_list(*, account_id: str, customer_id: str) -> list[SavedCardInfo]:
    """GET /v1/customers/{id}/payment_methods?type=card (all pages)."""

    def all_pages(options: dict) -> list[SavedCardInfo]:
        cards: list[SavedCardInfo] = []
        params: dict[str, Any] = {"type": "card", "limit": 100}
        while True:
            page = _dict(_client().v1.customers.payment_methods.list(customer_id, params, options))
            cards += [_saved_card_info(pm) for pm in page.get("data") or []]
            if not page.get("has_more") or not page.get("data"):
                return cards
            params["starting_after"] = page["data"][-1]["id"]

    return _call(all_pages, account_id=account_id, post=False)


def saved_card_from_event(obj: dict) -> SavedCardInfo:
    """The card of a payment_method.* event's object."""
    return _saved_card_info(obj)


def payment_method_detach(*, account_id: str, payment_method_id: str) -> SavedCardInfo:
    """POST /v1/payment_methods/{id}/detach"""
    pm = _call(
        lambda options: _client().v1.payment_methods.detach(payment_method_id, None, options),
        account_id=account_id,
        post=True,
    )
    return _saved_card_info(pm)


def off_session_charge_create(
    *,
    account_id: str,
    customer_id: str,
    payment_method_id: str,
    amount_minor: int,
    currency: str,
    application_fee_minor: int,
    description: str,
    metadata: dict,
    idempotency_key: str,
) -> PaymentIntentInfo:
    """POST /v1/payment_intents confirm=true off_session=true: charge a saved card without the customer.

    A decline raises CardError with `decline_code`, `advice_code` and `payment_intent_id`; a card whose
    bank wants the customer raises it with code `authentication_required` (the intent is left in
    requires_payment_method: send the customer a pay link)."""
    params: dict[str, Any] = {
        "amount": int(amount_minor),
        "currency": currency.lower(),
        "customer": customer_id,
        "payment_method": payment_method_id,
        "confirm": True,
        "off_session": True,
        "application_fee_amount": int(application_fee_minor),
        "allowed_payment_method_types": ["card"],
        "metadata": dict(metadata),
        "expand": ["latest_charge"],
    }
    if description:
        params["description"] = description
    intent = _call(  # a decline: CardError with decline_code, advice_code, payment_intent_id (client.py)
        lambda options: _client().v1.payment_intents.create(params, options),
        account_id=account_id,
        idempotency_key=idempotency_key,
        post=True,
    )
    return _payment_intent_info(intent)
