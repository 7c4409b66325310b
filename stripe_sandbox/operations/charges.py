"""Charging a PaymentIntent with a payment method: the Charge, the platform's application fee, the
connected account's balance, and the events. Shared by hosted Checkout and off-session PaymentIntents."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from typing import TYPE_CHECKING

from ..cards import DECLINE_MESSAGES, TestCard
from ..core import template
from ..wire import new_id
from .balance import balance_transaction_create

if TYPE_CHECKING:
    from ..core import Emulator


def card_details(
    account: str | None, card: TestCard, last4: str, exp_month: int | None, exp_year: int | None
) -> dict:
    """A PaymentMethod's `card` hash. The fingerprint is the same for the same test card on one account."""
    seed = f"{account}|{card.brand}|{card.funding}|{card.country}|{last4}|{card.decline_code}|{card.authentication}"
    return {
        "brand": card.brand,
        "checks": {"address_line1_check": None, "address_postal_code_check": None, "cvc_check": "pass"},
        "country": card.country,
        "display_brand": card.brand,
        "exp_month": exp_month,
        "exp_year": exp_year,
        "fingerprint": hashlib.sha256(seed.encode()).hexdigest()[:16],
        "funding": card.funding,
        "generated_from": None,
        "last4": last4,
        "networks": {"available": [card.brand], "preferred": None},
        "regulated_status": "unregulated",
        "three_d_secure_usage": {"supported": True},
        "wallet": None,
    }


def payment_method_create(
    emu: Emulator, account: str | None, kind: str, details: dict, billing: dict, card: TestCard | None = None
) -> dict:
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
    if card is not None:
        emu.private(pm_id)["test_card"] = dataclasses.asdict(card)
    return emu.put(pm, account)


def test_card_of(emu: Emulator, pm_id: str) -> TestCard | None:
    """The test card behind a card PaymentMethod (emulator-only data), or None."""
    data = emu.state["private"].get(pm_id, {}).get("test_card")
    return TestCard(**data) if data else None


def intent_charge(
    emu: Emulator,
    intent: dict,
    pm: dict,
    *,
    method: str,
    card: TestCard | None,
    declined: str | None,
    email: str | None = None,
    name: str | None = None,
) -> tuple[str | None, dict]:
    """Charge `intent` with `pm`: (None, charge) on success, else (the decline message, the failed charge).

    On success the intent is `succeeded` and charge.succeeded + payment_intent.succeeded are emitted; on a
    decline it is back to `requires_payment_method` with `last_payment_error`."""
    account = emu.owner(intent["id"])
    fee = intent.get("application_fee_amount")
    billing = {"email": email, "name": name, "phone": None}
    details = pm.get(method) or {}
    exp_month, exp_year, last4 = details.get("exp_month"), details.get("exp_year"), details.get("last4")
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
                "fingerprint": details.get("fingerprint"),
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
    before_status = intent["status"]
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
                "advice_code": card.advice_code if card else None,
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
            "advice_code": card.advice_code if card else None,
            "message": message,
            "payment_method": copy.deepcopy(pm),
            "type": "card_error" if method == "card" else "invalid_request_error",
            "payment_intent": None,  # filled in by the API layer, which answers with the intent
        }
        if method == "card":
            error["decline_code"] = declined
        intent["last_payment_error"] = error
        emu.emit("charge.failed", charge, account)
        emu.emit("payment_intent.payment_failed", intent, account, {"status": before_status})
        return message, charge
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
    emu.emit("charge.succeeded", charge, account)
    emu.emit("payment_intent.succeeded", intent, account, {"status": before_status})
    return None, charge
