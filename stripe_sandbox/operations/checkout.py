"""Checkout: a payment attempt on the hosted page (PaymentIntent, Charge, fees), and expiry."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from ..cards import DECLINE_MESSAGES, TestCard
from ..core import template
from ..wire import new_id
from .balance import balance_transaction_create
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


def _payment_method(emu: Emulator, account: str | None, kind: str, details: dict, billing: dict) -> dict:
    pm = template("payment_method")
    pm_id = new_id("pm_1", 23)
    for key in list(pm):
        if key not in (
            "allow_redisplay",
            "billing_details",
            "created",
            "customer",
            "id",
            "livemode",
            "metadata",
            "object",
            "type",
        ):
            del pm[key]
    pm.update(
        {
            "id": pm_id,
            "created": emu.now(),
            "customer": None,
            "livemode": False,
            "metadata": {},
            "type": kind,
            kind: details,
        }
    )
    pm["billing_details"].update(billing)
    pm["billing_details"]["address"] = {k: None for k in pm["billing_details"]["address"]}
    return emu.put(pm, account)


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
) -> str | None:
    """One payment attempt on the hosted page. Returns None on success, else the decline message."""
    account = emu.owner(session["id"])
    intent = _payment_intent_for(emu, session)
    fee = intent.get("application_fee_amount")
    billing = {"email": email, "name": name, "phone": None}
    if method == "card":
        details = {
            "brand": card.brand,
            "checks": {"address_line1_check": None, "address_postal_code_check": None, "cvc_check": "pass"},
            "country": card.country,
            "display_brand": card.brand,
            "exp_month": exp_month,
            "exp_year": exp_year,
            "fingerprint": new_id("", 16),
            "funding": card.funding,
            "last4": last4,
            "networks": {"available": [card.brand], "preferred": None},
            "wallet": None,
        }
        declined = card.decline_code
    else:
        details = {}
        declined = None if afterpay_succeeds else "payment_intent_payment_attempt_failed"
    pm = _payment_method(emu, account, method, details, billing)
    charge = template("charge")
    charge_id = new_id("ch_3", 23)
    now = emu.now()
    if method == "card":
        pmd = template("charge")["payment_method_details"]
        pmd["card"].update(
            {
                "amount_authorized": None if declined else intent["amount"],
                "brand": card.brand,
                "country": card.country,
                "exp_month": exp_month,
                "exp_year": exp_year,
                "fingerprint": details["fingerprint"],
                "funding": card.funding,
                "last4": last4,
                "network": card.brand,
                "wallet": None,
                "installments": None,
            }
        )
        pmd["card"]["overcapture"]["maximum_amount_capturable"] = intent["amount"]
    else:
        pmd = {
            "type": "afterpay_clearpay",
            "afterpay_clearpay": {"order_id": None, "reference": new_id("", 10)},
        }
    charge.update(
        {
            "id": charge_id,
            "amount": intent["amount"],
            "amount_captured": 0 if declined else intent["amount"],
            "amount_refunded": 0,
            "application": None,
            "application_fee": None,
            "application_fee_amount": fee,
            "balance_transaction": None,
            "billing_details": {**charge["billing_details"], **billing},
            "calculated_statement_descriptor": (
                emu.find(account)["settings"]["payments"]["statement_descriptor"] if account else None
            ),
            "captured": not declined,
            "created": now,
            "currency": intent["currency"],
            "description": intent["description"],
            "failure_code": None,
            "failure_message": None,
            "metadata": dict(intent["metadata"]),
            "outcome": {
                "advice_code": None,
                "network_advice_code": None,
                "network_decline_code": None,
                "network_status": "approved_by_network",
                "reason": None,
                "risk_level": "normal",
                "risk_score": 20,
                "seller_message": "Payment complete.",
                "type": "authorized",
            },
            "paid": not declined,
            "payment_intent": intent["id"],
            "payment_method": pm["id"],
            "payment_method_details": pmd,
            "receipt_email": email,
            "receipt_url": f"{emu.public_url()}/receipts/{charge_id}",
            "refunded": False,
            "refunds": {
                "data": [],
                "has_more": False,
                "object": "list",
                "total_count": 0,
                "url": f"/v1/charges/{charge_id}/refunds",
            },
            "shipping": None,
            "source": None,
            "status": "failed" if declined else "succeeded",
            "transfer_data": None,
        }
    )
    del charge["refunds"]  # not included by default in current API versions
    before_intent = copy.deepcopy(intent)
    intent["latest_charge"] = charge_id
    intent["payment_method"] = pm["id"]
    if declined:
        message = DECLINE_MESSAGES.get(declined, "The payment was declined.")
        error_code = card.error_code if card else "payment_intent_payment_attempt_failed"
        charge.update({"failure_code": error_code, "failure_message": message})
        charge["outcome"].update(
            {
                "network_status": "declined_by_network",
                "reason": declined,
                "risk_level": "normal",
                "seller_message": "The bank did not return any further details with this decline.",
                "type": "issuer_declined",
            }
        )
        emu.put(charge, account)
        intent["status"] = "requires_payment_method"
        error = {
            "charge": charge_id,
            "code": error_code,
            "doc_url": f"https://stripe.com/docs/error-codes/{error_code.replace('_', '-')}",
            "message": message,
            "payment_method": copy.deepcopy(pm),
            "type": "card_error" if method == "card" else "invalid_request_error",
        }
        if method == "card":
            error["decline_code"] = declined
        intent["last_payment_error"] = error
        emu.emit("charge.failed", charge, account)
        emu.emit("payment_intent.payment_failed", intent, account, {"status": before_intent["status"]})
        return message
    # success: the connected account's balance gets the charge, less the platform's application fee
    currency = intent["currency"]
    fee_details = []
    if fee:
        app_fee = template("application_fee")
        app_fee.update(
            {
                "id": new_id("fee_1", 23),
                "account": account,
                "amount": fee,
                "application": "ca_sandbox",
                "charge": charge_id,
                "created": now,
                "currency": currency,
                "fee_source": {"charge": charge_id, "type": "charge"},
                "livemode": False,
                "originating_transaction": None,
            }
        )
        app_fee["refunds"]["url"] = f"/v1/application_fees/{app_fee['id']}/refunds"
        platform_txn = balance_transaction_create(
            emu,
            account=None,
            type="application_fee",
            amount=fee,
            currency=currency,
            source=app_fee["id"],
            description=None,
            reporting_category="fee",
        )
        app_fee["balance_transaction"] = platform_txn["id"]
        emu.put(app_fee, None)
        charge["application_fee"] = app_fee["id"]
        fee_details = [
            {
                "amount": fee,
                "application": "ca_sandbox",
                "currency": currency,
                "description": "Application fee",
                "type": "application_fee",
            }
        ]
        emu.emit("application_fee.created", app_fee, None)
    txn = balance_transaction_create(
        emu,
        account=account,
        type="charge" if method == "card" else "payment",
        amount=intent["amount"],
        currency=currency,
        source=charge_id,
        description=intent["description"],
        fee=fee or 0,
        fee_details=fee_details,
        reporting_category="charge",
    )
    charge["balance_transaction"] = txn["id"]
    emu.put(charge, account)
    emu.private(charge_id)["card"] = {
        "dispute": bool(card and card.dispute),
        "refund_fails": bool(card and card.refund_fails),
    }
    intent.update({"status": "succeeded", "amount_received": intent["amount"], "last_payment_error": None})
    session_before = {"status": session["status"], "payment_status": session["payment_status"]}
    session.update({"status": "complete", "payment_status": "paid", "url": None})
    session["customer_details"] = {**(session.get("customer_details") or {}), "email": email, "name": name}
    emu.emit("charge.succeeded", charge, account)
    emu.emit("payment_intent.succeeded", intent, account, {"status": before_intent["status"]})
    emu.emit("checkout.session.completed", session, account, session_before)
    if card and card.dispute:
        dispute_create(emu, charge)
    return None
