"""`/v1/customers`, `/v1/payment_methods/{id}/attach|detach`, `/v1/setup_intents`, `POST /v1/payment_intents`
(a saved card charged on or off session), and setup-mode Checkout Sessions.

What Stripe does with the documented test cards (docs.stripe.com/testing):
4242 4242 4242 4242 succeeds; 4000 0025 0000 3155 needs 3-D Secure unless it was set up for future use;
4000 0027 6000 3184 always needs it (off-session: `authentication_required`); 4000 0000 0000 9995 is
declined for insufficient funds; 4000 0000 0000 0341 attaches to a Customer, then every charge is declined."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from .. import operations as ops
from ..cards import DECLINE_MESSAGES
from ..core import template
from ..operations import customers as cops
from ..wire import (
    Response,
    StripeErrorResponse,
    bool_param,
    dict_param,
    int_param,
    invalid,
    metadata_param,
    new_id,
    str_param,
)
from .common import (
    CURRENCIES,
    MAX_AMOUNT,
    MIN_CHARGE,
    SESSION_MAX_LIFETIME,
    SESSION_MIN_LIFETIME,
    list_response,
    respond,
    url_param,
)

if TYPE_CHECKING:
    from ..core import Emulator, Request

SANDBOX_TYPES = ("card", "afterpay_clearpay")


# ------------------------------------------------------------------ customers
def customers_create(emu: Emulator, req: Request) -> Response:
    p = req.form
    locales = p.get("preferred_locales") or []
    fields = {
        "email": str_param(p, "email"),
        "name": str_param(p, "name"),
        "phone": str_param(p, "phone"),
        "description": str_param(p, "description"),
        "metadata": metadata_param(p),
        "preferred_locales": [locales] if isinstance(locales, str) else list(locales),
    }
    return respond(emu, req, cops.customer_build(emu, req.account, fields))


def customers_retrieve(emu: Emulator, req: Request, customer_id: str) -> Response:
    return respond(emu, req, emu.get("customer", customer_id, req.account, "customer"))


def customer_payment_methods(emu: Emulator, req: Request, customer_id: str) -> Response:
    emu.get("customer", customer_id, req.account, "customer")
    kind = str_param(req.query, "type")
    methods = [
        pm
        for pm in emu.objects_of("payment_method", req.account)
        if pm.get("customer") == customer_id and (kind is None or pm["type"] == kind)
    ]
    return list_response(emu, req, methods, f"/v1/customers/{customer_id}/payment_methods")


# ------------------------------------------------------------------ payment methods
def payment_methods_attach(emu: Emulator, req: Request, pm_id: str) -> Response:
    pm = emu.get("payment_method", pm_id, req.account, "payment_method")
    customer_id = str_param(req.form, "customer", required=True)
    emu.get("customer", customer_id, req.account, "customer")
    if pm.get("customer") and pm["customer"] != customer_id:
        raise invalid(
            "The payment method you provided has already been attached to a customer.",
            param="payment_method",
        )
    card = ops.test_card_of(emu, pm_id)
    if card is not None and not card.can_be_saved:
        raise StripeErrorResponse(
            402,
            DECLINE_MESSAGES.get(card.decline_code or "", "Your card was declined."),
            type="card_error",
            code=card.error_code,
            extra={"decline_code": card.decline_code, "advice_code": card.advice_code},
        )
    if pm.get("customer") != customer_id:
        cops.payment_method_attach(emu, pm, customer_id, set_up=False)
    return respond(emu, req, pm)


def payment_methods_detach(emu: Emulator, req: Request, pm_id: str) -> Response:
    pm = emu.get("payment_method", pm_id, req.account, "payment_method")
    if not pm.get("customer"):
        raise invalid(
            "The payment method you provided is not attached to a customer so detachment is impossible.",
            param="payment_method",
        )
    return respond(emu, req, cops.payment_method_detach(emu, pm))


# ------------------------------------------------------------------ setup intents
def setup_intents_retrieve(emu: Emulator, req: Request, object_id: str) -> Response:
    return respond(emu, req, emu.get("setup_intent", object_id, req.account, "intent"))


# ------------------------------------------------------------------ payment intents
def _allowed_types(p: dict) -> list[str]:
    allowed = p.get("allowed_payment_method_types") or ["card"]
    allowed = [allowed] if isinstance(allowed, str) else list(allowed)
    for i, kind in enumerate(allowed):
        if kind not in SANDBOX_TYPES:
            raise invalid(
                f"The payment method type `{kind}` is not supported by this sandbox.",
                param=f"allowed_payment_method_types[{i}]",
            )
    return allowed


def payment_intents_create(emu: Emulator, req: Request) -> Response:
    p = req.form
    amount = int_param(p, "amount", required=True)
    currency = str_param(p, "currency", required=True).lower()
    if currency not in CURRENCIES:
        raise invalid(f"Invalid currency: {currency}. This sandbox supports usd and cad.", param="currency")
    if amount < MIN_CHARGE[currency]:
        raise invalid("Amount must be at least $0.50 usd", param="amount", code="amount_too_small")
    if amount > MAX_AMOUNT:
        raise invalid(f"Amount must be no more than {MAX_AMOUNT}", param="amount", code="amount_too_large")
    types = _allowed_types(p)
    confirm = bool_param(p, "confirm") or False
    off_session = str_param(p, "off_session") in ("true", "one_off", "recurring")
    if off_session and not confirm:
        raise invalid("`off_session` can only be set when `confirm` is true.", param="off_session")
    fee = int_param(p, "application_fee_amount")
    if fee is not None:
        if not req.account:
            raise invalid(
                "Can only apply an application_fee_amount when the PaymentIntent is attempting a direct "
                "payment (using an OAuth key or Stripe-Account header) or destination payment.",
                param="application_fee_amount",
            )
        if not 0 <= fee <= amount:
            raise invalid(
                "The application fee amount cannot be greater than the amount of the payment.",
                param="application_fee_amount",
            )
    customer_id = str_param(p, "customer")
    if customer_id:
        emu.get("customer", customer_id, req.account, "customer")
    pm_id = str_param(p, "payment_method")
    pm = None
    if pm_id:
        pm = emu.get("payment_method", pm_id, req.account, "payment_method")
        if pm["type"] not in types:
            raise invalid(
                f"The PaymentMethod provided ({pm['type']}) is not allowed for this PaymentIntent.",
                param="payment_method",
            )
        if emu.private(pm_id).get("detached"):
            raise invalid(
                "The provided PaymentMethod was previously used with a PaymentIntent without Customer "
                "attachment, shared with a connected account without Customer attachment, or was detached "
                "from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must "
                "attach it to a Customer first.",
                param="payment_method",
            )
        if pm.get("customer") and pm["customer"] != customer_id:
            raise invalid(
                "The provided PaymentMethod belongs to a Customer: pass that `customer` with it.",
                param="payment_method",
            )
    if confirm and pm is None:
        raise invalid("You cannot confirm this PaymentIntent because it's missing a payment method.")
    if req.account and not emu.find(req.account)["charges_enabled"]:
        raise invalid("This account cannot currently make live charges (charges_enabled is false).")
    fields = {
        "amount": amount,
        "currency": currency,
        "customer": customer_id,
        "payment_method": pm_id,
        "application_fee_amount": fee,
        "description": str_param(p, "description"),
        "metadata": metadata_param(p),
        "receipt_email": str_param(p, "receipt_email"),
        "statement_descriptor_suffix": str_param(p, "statement_descriptor_suffix"),
        "payment_method_types": types,
    }
    intent = cops.intent_build(emu, req.account, fields)
    if not confirm:
        return respond(emu, req, intent)
    outcome = cops.intent_confirm(emu, intent, pm, off_session=off_session)
    if outcome is None or outcome == "requires_action":
        return respond(emu, req, intent)
    error = copy.deepcopy(intent["last_payment_error"])
    error["payment_intent"] = copy.deepcopy(intent)
    if intent.get("latest_charge"):
        error["charge"] = intent["latest_charge"]
    raise StripeErrorResponse(
        402,
        error.pop("message"),
        type="card_error",
        code=error.pop("code"),
        extra={k: v for k, v in error.items() if k != "type"},
    )


# ------------------------------------------------------------------ setup-mode Checkout
def _session_base(emu: Emulator, req: Request) -> dict:
    session = template("checkout.session")
    session_id = "cs_test_c1" + new_id("", 56)
    session.update(
        {
            "id": session_id,
            "after_expiration": None,
            "allow_promotion_codes": None,
            "automatic_tax": {"enabled": False, "liability": None, "status": None, "provider": None},
            "collected_information": None,
            "consent": None,
            "consent_collection": None,
            "created": emu.now(),
            "currency_conversion": None,
            "custom_text": {
                "after_submit": None,
                "shipping_address": None,
                "submit": None,
                "terms_of_service_acceptance": None,
            },
            "customer_creation": None,
            "customer_details": None,
            "customer_email": None,
            "invoice_creation": None,
            "payment_intent": None,
            "payment_method_configuration_details": None,
            "payment_method_options": {},
            "shipping_address_collection": None,
            "shipping_cost": None,
            "status": "open",
            "submit_type": None,
            "total_details": None,
            "ui_mode": "hosted",
            "url": f"{emu.public_url(req)}/pay/{session_id}",
            "adaptive_pricing": {"enabled": False},
            "managed_payments": {"enabled": False},
        }
    )
    return session


def setup_sessions_create(emu: Emulator, req: Request) -> Response:
    """POST /v1/checkout/sessions with mode=setup (called by checkout_sessions_create)."""
    p = req.form
    if p.get("line_items"):
        raise invalid("You cannot pass `line_items` in `setup` mode.", param="line_items")
    success_url = url_param(p, "success_url", required=True)
    cancel_url = url_param(p, "cancel_url")
    currency = (str_param(p, "currency") or "").lower() or None
    allowed = p.get("allowed_payment_method_types")
    if currency is None and not allowed:
        raise invalid(
            "You must provide `currency` or `allowed_payment_method_types` in `setup` mode.", param="currency"
        )
    if currency and currency not in CURRENCIES:
        raise invalid(f"Invalid currency: {currency}. This sandbox supports usd and cad.", param="currency")
    types = _allowed_types(p) if allowed else ["card"]
    if types != ["card"]:
        raise invalid("This sandbox saves cards only in setup mode.", param="allowed_payment_method_types")
    customer_id = str_param(p, "customer")
    if customer_id:
        emu.get("customer", customer_id, req.account, "customer")
    if req.account and not emu.find(req.account)["charges_enabled"]:
        raise invalid("This account cannot currently save cards (charges_enabled is false).")
    now = emu.now()
    expires_at = int_param(p, "expires_at") or now + SESSION_MAX_LIFETIME
    if not now + SESSION_MIN_LIFETIME <= expires_at <= now + SESSION_MAX_LIFETIME:
        raise invalid(
            "The `expires_at` timestamp must be 30 minutes to 24 hours from now.", param="expires_at"
        )
    sid = dict_param(p, "setup_intent_data")
    setup_intent = cops.setup_intent_build(
        emu,
        req.account,
        customer=customer_id,
        metadata=metadata_param(sid, "metadata", "setup_intent_data[metadata]"),
        description=str_param(sid, "description"),
    )
    session = _session_base(emu, req)
    session.update(
        {
            "amount_subtotal": None,
            "amount_total": None,
            "cancel_url": cancel_url,
            "client_reference_id": str_param(p, "client_reference_id"),
            "currency": currency,
            "customer": customer_id,
            "expires_at": expires_at,
            "locale": str_param(p, "locale"),
            "metadata": metadata_param(p),
            "mode": "setup",
            "payment_status": "no_payment_required",
            "payment_method_types": types,
            "allowed_payment_method_types": types if allowed else None,
            "setup_intent": setup_intent["id"],
            "success_url": success_url,
        }
    )
    emu.put(session, req.account)
    return respond(emu, req, session)


def checkout_customer_apply(emu: Emulator, req: Request, session: dict) -> None:
    """Payment mode: `customer` (Checkout offers their saved cards) and
    `payment_method_options[card][setup_future_usage]` (the card is saved to that customer once paid)."""
    p = req.form
    customer_id = str_param(p, "customer")
    if customer_id:
        emu.get("customer", customer_id, req.account, "customer")
        if str_param(p, "customer_email"):
            raise invalid(
                "You may only specify one of these parameters: customer, customer_email.",
                param="customer_email",
            )
        session["customer"] = customer_id
    options = dict_param(p, "payment_method_options")
    card = dict_param(options, "card", label="payment_method_options[card]")
    usage = str_param(card, "setup_future_usage", label="payment_method_options[card][setup_future_usage]")
    if usage:
        if not customer_id:
            raise invalid(
                "This sandbox saves a card during payment only for a `customer`.",
                param="payment_method_options[card][setup_future_usage]",
            )
        session["payment_method_options"] = {"card": {"setup_future_usage": usage}}


ROUTES = [
    ("POST", r"/v1/customers", customers_create),
    ("GET", r"/v1/customers/(?P<customer_id>cus_\w+)", customers_retrieve),
    ("GET", r"/v1/customers/(?P<customer_id>cus_\w+)/payment_methods", customer_payment_methods),
    ("POST", r"/v1/payment_methods/(?P<pm_id>pm_\w+)/attach", payment_methods_attach),
    ("POST", r"/v1/payment_methods/(?P<pm_id>pm_\w+)/detach", payment_methods_detach),
    ("GET", r"/v1/setup_intents/(?P<object_id>seti_\w+)", setup_intents_retrieve),
    ("POST", r"/v1/payment_intents", payment_intents_create),
]
