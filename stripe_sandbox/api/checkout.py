"""`/v1/checkout/sessions`: create, retrieve, list, line items, expire."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import operations as ops
from ..core import template
from ..wire import (
    Response,
    dict_param,
    int_param,
    invalid,
    metadata_param,
    missing,
    new_id,
    str_param,
)
from .common import (
    CURRENCIES,
    EMAIL_RE,
    MAX_AMOUNT,
    MIN_CHARGE,
    SESSION_MAX_LIFETIME,
    SESSION_MIN_LIFETIME,
    created_filter,
    list_response,
    respond,
    url_param,
)
from .customers import checkout_customer_apply, setup_sessions_create

SANDBOX_PAYMENT_METHOD_TYPES = ("card", "afterpay_clearpay")

if TYPE_CHECKING:
    from ..core import Emulator, Request

# ------------------------------------------------------------------ checkout


def _line_items(p: dict) -> tuple[list[dict], str, int]:
    items = p.get("line_items")
    if items in (None, ""):
        raise missing("line_items")
    if not isinstance(items, list) or not items:
        raise invalid("Invalid array", param="line_items")
    if len(items) > 100:
        raise invalid("You can have at most 100 line items.", param="line_items")
    parsed, currency, total = [], None, 0
    for i, item in enumerate(items):
        label = f"line_items[{i}]"
        if not isinstance(item, dict):
            raise invalid("Invalid object", param=label)
        if item.get("price"):
            raise invalid(
                f"No such price: '{item['price']}'", param=f"{label}[price]", code="resource_missing"
            )
        price_data = item.get("price_data")
        if not isinstance(price_data, dict):
            raise invalid(
                f"You must specify either `price` or `price_data` in {label}.", param=f"{label}[price_data]"
            )
        cur = str_param(price_data, "currency", label=f"{label}[price_data][currency]", required=True).lower()
        if cur not in CURRENCIES:
            raise invalid(
                f"Invalid currency: {cur}. This sandbox supports usd and cad.",
                param=f"{label}[price_data][currency]",
            )
        if currency and cur != currency:
            raise invalid(
                "All line items must use the same currency.", param=f"{label}[price_data][currency]"
            )
        currency = cur
        unit = int_param(price_data, "unit_amount", label=f"{label}[price_data][unit_amount]", required=True)
        if unit < 0:
            raise invalid(
                "This value must be greater than or equal to 0.", param=f"{label}[price_data][unit_amount]"
            )
        if unit > MAX_AMOUNT:
            raise invalid(
                f"This value must be less than or equal to {MAX_AMOUNT} (it currently is '{unit}').",
                param=f"{label}[price_data][unit_amount]",
            )
        product_data = price_data.get("product_data")
        if not isinstance(product_data, dict):
            raise missing(f"{label}[price_data][product_data]")
        name = str_param(
            product_data, "name", label=f"{label}[price_data][product_data][name]", required=True
        )
        quantity = int_param(item, "quantity", label=f"{label}[quantity]", required=True)
        if quantity < 1:
            raise invalid("This value must be greater than or equal to 1.", param=f"{label}[quantity]")
        total += unit * quantity
        parsed.append(
            {
                "name": name,
                "description": product_data.get("description") or None,
                "unit_amount": unit,
                "quantity": quantity,
                "currency": cur,
            }
        )
    if total > MAX_AMOUNT:
        raise invalid(f"The total amount must be no more than {MAX_AMOUNT}.", param="line_items")
    return parsed, currency, total


def checkout_sessions_create(emu: Emulator, req: Request) -> Response:
    p = req.form
    mode = str_param(p, "mode", required=True)
    if mode not in ("payment", "setup", "subscription"):
        raise invalid("Invalid mode: must be one of payment, setup, or subscription", param="mode")
    if mode == "setup":
        return setup_sessions_create(emu, req)
    if mode != "payment":
        raise invalid("This sandbox supports mode=payment and mode=setup only.", param="mode")
    ui_mode = str_param(p, "ui_mode") or "hosted"
    if ui_mode != "hosted":
        raise invalid("This sandbox supports ui_mode=hosted only.", param="ui_mode")
    success_url = url_param(p, "success_url", required=True)
    cancel_url = url_param(p, "cancel_url")
    items, currency, total = _line_items(p)
    if total < MIN_CHARGE[currency]:
        raise invalid(
            f"The Checkout Session's total amount due must add up to at least $0.50 {currency}",
            param="line_items",
        )
    # Endive versions removed `payment_method_types` here (the definition refuses it); the allowed types
    # filter what the session offers. The sandbox offers cards and Afterpay/Clearpay only.
    allowed = p.get("allowed_payment_method_types") or None
    if isinstance(allowed, str):
        allowed = [allowed]
    types = list(allowed or ["card"])
    for i, kind in enumerate(types):
        if kind not in SANDBOX_PAYMENT_METHOD_TYPES:
            raise invalid(
                f"The payment method type `{kind}` is not supported by this sandbox.",
                param=f"allowed_payment_method_types[{i}]",
            )
    pid = dict_param(p, "payment_intent_data")
    fee = int_param(pid, "application_fee_amount", label="payment_intent_data[application_fee_amount]")
    if fee is not None:
        if not req.account:
            raise invalid(
                "Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment "
                "(using an OAuth key or Stripe-Account header) or destination payment (using "
                "`transfer_data[destination]`).",
                param="payment_intent_data[application_fee_amount]",
            )
        if fee < 0:
            raise invalid(
                "This value must be greater than or equal to 0.",
                param="payment_intent_data[application_fee_amount]",
            )
        if fee > total:
            raise invalid(
                "The application fee amount cannot be greater than the amount of the payment.",
                param="payment_intent_data[application_fee_amount]",
            )
    for key in ("statement_descriptor", "statement_descriptor_suffix"):
        value = str_param(pid, key, label=f"payment_intent_data[{key}]")
        if value:
            if key == "statement_descriptor":
                raise invalid(
                    "The `statement_descriptor` parameter is not supported for card payments; use "
                    "`statement_descriptor_suffix` instead.",
                    param="payment_intent_data[statement_descriptor]",
                )
            if len(value) > 22 or any(ch in "<>\\'\"*" for ch in value):
                raise invalid("Invalid statement descriptor suffix.", param=f"payment_intent_data[{key}]")
    now = emu.now()
    expires_at = int_param(p, "expires_at")
    if expires_at is None:
        expires_at = now + SESSION_MAX_LIFETIME
    elif expires_at < now + SESSION_MIN_LIFETIME:
        raise invalid(
            "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.",
            param="expires_at",
        )
    elif expires_at > now + SESSION_MAX_LIFETIME:
        raise invalid(
            "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
            param="expires_at",
        )
    customer_email = str_param(p, "customer_email")
    if customer_email and not EMAIL_RE.match(customer_email):
        raise invalid(
            f"Invalid email address: {customer_email}", param="customer_email", code="email_invalid"
        )
    metadata = metadata_param(p)
    pid_metadata = metadata_param(pid, "metadata", "payment_intent_data[metadata]")
    if req.account:
        account = emu.find(req.account)
        if not account["charges_enabled"]:
            raise invalid(
                "Your destination account needs to have at least one of the following capabilities enabled: "
                "transfers, card_payments (charges_enabled is false: onboarding is not complete).",
            )
    session = template("checkout.session")
    session_id = "cs_test_a1" + new_id("", 56)
    session.update(
        {
            "id": session_id,
            "after_expiration": None,
            "allow_promotion_codes": None,
            "amount_subtotal": total,
            "amount_total": total,
            "automatic_tax": {"enabled": False, "liability": None, "status": None, "provider": None},
            "cancel_url": cancel_url,
            "client_reference_id": str_param(p, "client_reference_id"),
            "collected_information": None,
            "consent": None,
            "consent_collection": None,
            "created": now,
            "currency": currency,
            "currency_conversion": None,
            "custom_text": {
                "after_submit": None,
                "shipping_address": None,
                "submit": None,
                "terms_of_service_acceptance": None,
            },
            "customer_creation": "if_required",
            "customer_details": None,
            "customer_email": customer_email,
            "expires_at": expires_at,
            "invoice_creation": {
                "enabled": False,
                "invoice_data": template("checkout.session")["invoice_creation"]["invoice_data"],
            },
            "locale": str_param(p, "locale"),
            "metadata": metadata,
            "mode": "payment",
            "payment_intent": None,
            "payment_method_configuration_details": None,
            "payment_method_options": {},
            "allowed_payment_method_types": list(allowed) if allowed else None,
            "payment_method_types": types,
            "payment_status": "unpaid",
            "shipping_address_collection": None,
            "shipping_cost": None,
            "status": "open",
            "submit_type": str_param(p, "submit_type"),
            "success_url": success_url,
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": "hosted",
            "url": f"{emu.public_url(req)}/pay/{session_id}",
            "adaptive_pricing": {"enabled": False},
            "managed_payments": {"enabled": False},
        }
    )
    checkout_customer_apply(emu, req, session)
    emu.put(session, req.account)
    emu.private(session_id).update(
        {
            "line_items": items,
            "payment_intent_data": {
                "application_fee_amount": fee,
                "description": str_param(pid, "description", label="payment_intent_data[description]"),
                "metadata": pid_metadata,
                "statement_descriptor_suffix": str_param(pid, "statement_descriptor_suffix"),
            },
        }
    )
    return respond(emu, req, session)


def checkout_sessions_retrieve(emu: Emulator, req: Request, session_id: str) -> Response:
    return respond(emu, req, emu.get("checkout.session", session_id, req.account, "session"))


def checkout_sessions_list(emu: Emulator, req: Request) -> Response:
    sessions = emu.objects_of("checkout.session", req.account)
    pi = str_param(req.query, "payment_intent")
    if pi:
        sessions = [s for s in sessions if s.get("payment_intent") == pi]
    status = str_param(req.query, "status")
    if status:
        sessions = [s for s in sessions if s["status"] == status]
    return list_response(emu, req, created_filter(req.query, sessions), "/v1/checkout/sessions")


def checkout_session_line_items(emu: Emulator, req: Request, session_id: str) -> Response:
    session = emu.get("checkout.session", session_id, req.account, "session")
    data = []
    for i, item in enumerate(emu.private(session_id).get("line_items", [])):
        amount = item["unit_amount"] * item["quantity"]
        data.append(
            {
                "id": f"li_{session_id[-20:]}{i}",
                "object": "item",
                "amount_discount": 0,
                "amount_subtotal": amount,
                "amount_tax": 0,
                "amount_total": amount,
                "currency": session["currency"],
                "description": item["name"],
                "price": None,
                "quantity": item["quantity"],
            }
        )
    return Response.json(
        {
            "object": "list",
            "data": data,
            "has_more": False,
            "url": f"/v1/checkout/sessions/{session_id}/line_items",
        }
    )


def checkout_sessions_expire(emu: Emulator, req: Request, session_id: str) -> Response:
    session = emu.get("checkout.session", session_id, req.account, "session")
    if session["status"] != "open":
        raise invalid(
            f'Only Checkout Sessions with a status in ["open"] can be expired (this one is {session["status"]}).',
            param="session",
        )
    ops.checkout_expire(emu, session)
    return respond(emu, req, session)
