"""Customers and their saved cards: SetupIntents (setup-mode Checkout), attaching and detaching
PaymentMethods, and off-session PaymentIntents charging a saved card."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from ..cards import DECLINE_MESSAGES, TestCard
from ..core import template
from ..wire import new_id
from .charges import card_details, intent_charge, payment_method_create, test_card_of

if TYPE_CHECKING:
    from ..core import Emulator


def customer_build(emu: Emulator, account: str | None, fields: dict) -> dict:
    customer_id = new_id("cus_", 14)
    customer = {
        "id": customer_id,
        "object": "customer",
        "address": None,
        "balance": 0,
        "business_name": None,
        "created": emu.now(),
        "currency": None,
        "customer_account": None,
        "default_source": None,
        "delinquent": False,
        "description": fields.get("description"),
        "discount": None,
        "email": fields.get("email"),
        "individual_name": None,
        "invoice_prefix": new_id("", 8).upper(),
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": fields.get("metadata") or {},
        "name": fields.get("name"),
        "next_invoice_sequence": 1,
        "phone": fields.get("phone"),
        "preferred_locales": fields.get("preferred_locales") or [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }
    emu.put(customer, account)
    emu.emit("customer.created", customer, account)
    return customer


def setup_intent_build(
    emu: Emulator, account: str | None, *, customer: str | None, metadata: dict, description: str | None
) -> dict:
    si_id = new_id("seti_1", 23)
    intent = {
        "id": si_id,
        "object": "setup_intent",
        "application": None,
        "automatic_payment_methods": None,
        "cancellation_reason": None,
        "client_secret": f"{si_id}_secret_{new_id('', 25)}",
        "created": emu.now(),
        "customer": customer,
        "customer_account": None,
        "description": description,
        "excluded_payment_method_types": None,
        "flow_directions": None,
        "last_setup_error": None,
        "latest_attempt": None,
        "livemode": False,
        "mandate": None,
        "metadata": metadata,
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": None,
        "payment_method_options": {
            "card": {"mandate_options": None, "network": None, "request_three_d_secure": "automatic"}
        },
        "payment_method_types": ["card"],
        "single_use_mandate": None,
        "status": "requires_payment_method",
        "usage": "off_session",
    }
    emu.put(intent, account)
    emu.emit("setup_intent.created", intent, account)
    return intent


def payment_method_attach(emu: Emulator, pm: dict, customer_id: str, *, set_up: bool = True) -> dict:
    """Attach `pm` to the customer. `set_up` = authenticated for future use (SetupIntent or
    setup_future_usage), so off-session charges need no 3-D Secure; a plain API attach is not."""
    account = emu.owner(pm["id"])
    pm["customer"] = customer_id
    pm["allow_redisplay"] = "always"
    if set_up:
        emu.private(pm["id"])["setup"] = True
    emu.emit("payment_method.attached", pm, account)
    return pm


def payment_method_detach(emu: Emulator, pm: dict) -> dict:
    account = emu.owner(pm["id"])
    before = {"customer": pm["customer"]}
    pm["customer"] = None
    emu.private(pm["id"]).pop("setup", None)
    emu.private(pm["id"])["detached"] = True  # Stripe refuses to use a detached PaymentMethod again
    emu.emit("payment_method.detached", pm, account, before)
    return pm


def payment_method_automatic_update(
    emu: Emulator, pm: dict, *, exp_month: int, exp_year: int, last4: str | None = None
) -> dict:
    """The card network updated the card (a new expiry, maybe a new number): what Stripe's card
    account updater does, then `payment_method.automatically_updated`."""
    account = emu.owner(pm["id"])
    card = pm["card"]
    before = {"card": {"exp_month": card["exp_month"], "exp_year": card["exp_year"], "last4": card["last4"]}}
    card.update({"exp_month": exp_month, "exp_year": exp_year})
    if last4:
        card["last4"] = last4
    emu.emit("payment_method.automatically_updated", pm, account, before)
    return pm


def setup_session_complete(
    emu: Emulator,
    session: dict,
    *,
    card: TestCard,
    last4: str,
    exp_month: int,
    exp_year: int,
    email: str | None,
    name: str | None,
) -> str | None:
    """The customer entered a card on a setup-mode Checkout page. None = saved, else the decline message."""
    account = emu.owner(session["id"])
    setup_intent = emu.find(session["setup_intent"])
    details = card_details(account, card, last4, exp_month, exp_year)
    billing = {"email": email, "name": name, "phone": None}
    pm = payment_method_create(emu, account, "card", details, billing, card)
    if not card.can_be_saved:
        message = DECLINE_MESSAGES.get(card.decline_code or "", "Your card was declined.")
        setup_intent["last_setup_error"] = {
            "code": card.error_code,
            "decline_code": card.decline_code,
            "advice_code": card.advice_code,
            "message": message,
            "payment_method": copy.deepcopy(pm),
            "type": "card_error",
        }
        emu.emit("setup_intent.setup_failed", setup_intent, account)
        return message
    customer = session.get("customer")
    if customer:
        payment_method_attach(emu, pm, customer)
    before = {"status": setup_intent["status"]}
    setup_intent.update({"status": "succeeded", "payment_method": pm["id"], "last_setup_error": None})
    emu.emit("setup_intent.succeeded", setup_intent, account, before)
    session_before = {"status": session["status"]}
    session.update({"status": "complete", "url": None})
    session["customer_details"] = {**(session.get("customer_details") or {}), "email": email, "name": name}
    emu.emit("checkout.session.completed", session, account, session_before)
    return None


def intent_build(emu: Emulator, account: str | None, fields: dict) -> dict:
    intent = template("payment_intent")
    intent_id = new_id("pi_3", 23)
    intent.update(
        {
            "id": intent_id,
            "amount": fields["amount"],
            "amount_capturable": 0,
            "amount_details": {"tip": {}},
            "amount_received": 0,
            "application": None,
            "application_fee_amount": fields.get("application_fee_amount"),
            "automatic_payment_methods": None,
            "canceled_at": None,
            "cancellation_reason": None,
            "client_secret": f"{intent_id}_secret_{new_id('', 25)}",
            "created": emu.now(),
            "currency": fields["currency"],
            "customer": fields.get("customer"),
            "description": fields.get("description"),
            "last_payment_error": None,
            "latest_charge": None,
            "metadata": fields.get("metadata") or {},
            "next_action": None,
            "payment_method": fields.get("payment_method"),
            "payment_method_configuration_details": None,
            "payment_method_options": {},
            "payment_method_types": list(fields.get("payment_method_types") or ["card"]),
            "processing": None,
            "receipt_email": fields.get("receipt_email"),
            "setup_future_usage": None,
            "statement_descriptor": None,
            "statement_descriptor_suffix": fields.get("statement_descriptor_suffix"),
            "status": "requires_confirmation" if fields.get("payment_method") else "requires_payment_method",
            "transfer_data": None,
            "managed_payments": None,
        }
    )
    emu.put(intent, account)
    emu.emit("payment_intent.created", intent, account)
    return intent


def needs_authentication(emu: Emulator, pm: dict) -> bool:
    card = test_card_of(emu, pm["id"])
    if card is None or card.authentication is None:
        return False
    return card.authentication == "always" or not emu.private(pm["id"]).get("setup")


def intent_confirm(emu: Emulator, intent: dict, pm: dict, *, off_session: bool) -> str | None:
    """Confirm `intent` with a saved card. None = succeeded, else an error code: `authentication_required`
    (off-session, the bank wants the customer: the intent goes back to requires_payment_method), or the
    card's decline code (`last_payment_error` says more)."""
    account = emu.owner(intent["id"])
    card = test_card_of(emu, pm["id"])
    intent["payment_method"] = pm["id"]
    if needs_authentication(emu, pm):
        if not off_session:
            intent.update(
                {"status": "requires_action", "next_action": {"type": "use_stripe_sdk", "use_stripe_sdk": {}}}
            )
            emu.emit("payment_intent.requires_action", intent, account)
            return "requires_action"
        before = {"status": intent["status"]}
        intent["status"] = "requires_payment_method"
        intent["last_payment_error"] = {
            "code": "authentication_required",
            "decline_code": "authentication_required",
            "advice_code": None,
            "doc_url": "https://stripe.com/docs/error-codes/authentication-required",
            "message": DECLINE_MESSAGES["authentication_required"],
            "payment_method": copy.deepcopy(pm),
            "type": "card_error",
        }
        emu.emit("payment_intent.payment_failed", intent, account, before)
        return "authentication_required"
    email = (pm.get("billing_details") or {}).get("email")
    name = (pm.get("billing_details") or {}).get("name")
    message, _ = intent_charge(
        emu,
        intent,
        pm,
        method="card",
        card=card,
        declined=card.decline_code if card else None,
        email=email,
        name=name,
    )
    if message:
        return card.decline_code if card else "card_declined"
    return None
