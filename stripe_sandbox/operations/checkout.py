"""Checkout: a payment attempt on the hosted page (PaymentIntent, Charge, fees), and expiry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..cards import TestCard
from ..core import template
from ..wire import new_id
from .charges import card_details, intent_charge, payment_method_create, test_card_of
from .customers import payment_method_attach
from .refunds import dispute_create

if TYPE_CHECKING:
    from ..core import Emulator


# ------------------------------------------------------------------ checkout
def session_total(session: dict) -> int:
    return session["amount_total"] or 0


def checkout_expire(emu: Emulator, session: dict) -> dict:
    account = emu.owner(session["id"])
    session["status"] = "expired"
    session["url"] = None
    emu.emit("checkout.session.expired", session, account)
    pi_id = session.get("payment_intent")
    if pi_id:
        intent = emu.find(pi_id)
        if intent and intent["status"] not in ("succeeded", "canceled"):
            intent["status"] = "canceled"
            intent["canceled_at"] = emu.now()
            intent["cancellation_reason"] = "abandoned"
            emu.emit("payment_intent.canceled", intent, account)
    return session


def _payment_intent_for(emu: Emulator, session: dict) -> dict:
    account = emu.owner(session["id"])
    if session.get("payment_intent"):
        return emu.find(session["payment_intent"])
    private = emu.private(session["id"])
    pid = private["payment_intent_data"]
    intent = template("payment_intent")
    intent_id = new_id("pi_3", 23)
    intent.update(
        {
            "id": intent_id,
            "amount": session_total(session),
            "amount_capturable": 0,
            "amount_details": {"tip": {}},
            "amount_received": 0,
            "application": None,
            "application_fee_amount": pid.get("application_fee_amount"),
            "automatic_payment_methods": None,
            "canceled_at": None,
            "cancellation_reason": None,
            "client_secret": f"{intent_id}_secret_{new_id('', 25)}",
            "created": emu.now(),
            "currency": session["currency"],
            "description": pid.get("description"),
            "last_payment_error": None,
            "latest_charge": None,
            "metadata": pid.get("metadata") or {},
            "next_action": None,
            "payment_method": None,
            "payment_method_configuration_details": None,
            "payment_method_options": {},
            "payment_method_types": list(session["payment_method_types"]),
            "processing": None,
            "receipt_email": None,
            "statement_descriptor": pid.get("statement_descriptor"),
            "statement_descriptor_suffix": pid.get("statement_descriptor_suffix"),
            "status": "requires_payment_method",
            "transfer_data": None,
            "managed_payments": None,
        }
    )
    emu.put(intent, account)
    session["payment_intent"] = intent_id
    emu.emit("payment_intent.created", intent, account)
    return intent


def checkout_attempt(
    emu: Emulator,
    session: dict,
    *,
    method: str,
    card: TestCard | None = None,
    last4: str = "",
    exp_month: int | None = None,
    exp_year: int | None = None,
    afterpay_succeeds: bool = True,
    email: str | None = None,
    name: str | None = None,
    saved: dict | None = None,
) -> str | None:
    """One payment attempt on the hosted page. Returns None on success, else the decline message.

    `saved` = one of the session customer's saved cards (the customer completes any 3-D Secure on the page)."""
    account = emu.owner(session["id"])
    intent = _payment_intent_for(emu, session)
    intent["customer"] = session.get("customer")
    billing = {"email": email, "name": name, "phone": None}
    if saved is not None:
        card = test_card_of(emu, saved["id"])
        message, charge = intent_charge(
            emu, intent, saved, method="card", card=card, declined=card.decline_code if card else None
        )
        return message or _completed(emu, session, charge, card, email, name)
    if method == "card":
        details = card_details(account, card, last4, exp_month, exp_year)
        declined = card.decline_code
    else:
        details = {}
        declined = None if afterpay_succeeds else "payment_intent_payment_attempt_failed"
    pm = payment_method_create(emu, account, method, details, billing, card if method == "card" else None)
    message, charge = intent_charge(
        emu, intent, pm, method=method, card=card, declined=declined, email=email, name=name
    )
    if message:
        return message
    usage = ((session.get("payment_method_options") or {}).get("card") or {}).get("setup_future_usage")
    if usage and session.get("customer") and method == "card":
        intent["setup_future_usage"] = usage
        payment_method_attach(emu, pm, session["customer"])
    return _completed(emu, session, charge, card, email, name)


def _completed(
    emu: Emulator, session: dict, charge: dict, card: TestCard | None, email: str | None, name: str | None
) -> None:
    account = emu.owner(session["id"])
    session_before = {"status": session["status"], "payment_status": session["payment_status"]}
    session.update({"status": "complete", "payment_status": "paid", "url": None})
    session["customer_details"] = {**(session.get("customer_details") or {}), "email": email, "name": name}
    emu.emit("checkout.session.completed", session, account, session_before)
    if card and card.dispute:
        dispute_create(emu, charge)
    return None
