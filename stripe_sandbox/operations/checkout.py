"""State changes of the emulator (money movement, onboarding, expiry). Called under `emu.lock`."""

from __future__ import annotations

import copy
import csv
import io
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .cards import DECLINE_MESSAGES, TestCard
from .core import template
from .wire import StripeErrorResponse, invalid, new_id

if TYPE_CHECKING:
    from .core import Emulator

BUSINESS_REQUIREMENTS = [
    "business_profile.mcc",
    "business_profile.product_description",
    "business_profile.url",
    "business_type",
    "representative.dob.day",
    "representative.dob.month",
    "representative.dob.year",
    "representative.first_name",
    "representative.last_name",
]
BANK_REQUIREMENTS = ["external_account"]
TOS_REQUIREMENTS = ["tos_acceptance.date", "tos_acceptance.ip"]
ID_REQUIREMENT = {"US": "representative.ssn_last_4", "CA": "representative.id_number"}
DEFAULT_CURRENCY = {"US": "usd", "CA": "cad"}

# Stripe's test bank account numbers: which payouts fail and how.
TEST_BANK_ACCOUNTS = {
    "000123456789": None,
    "000222222227": ("insufficient_funds", "The bank account has insufficient funds to cover the payout."),
    "000111111116": ("no_account", "The bank account details on file are probably incorrect."),
    "000111111113": ("account_closed", "The bank account has been closed."),
    "000333333335": ("debit_not_authorized", "Debit transactions are not approved on the bank account."),
    "000444444440": (
        "invalid_currency",
        "The bank was unable to process this payout because of its currency.",
    ),
}
TEST_ROUTING = {"US": {"110000000"}, "CA": {"11000-000", "11000000"}}


def money_major(amount: int) -> str:
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    return f"{sign}{amount // 100}.{amount % 100:02d}"


# ------------------------------------------------------------------ accounts
def account_build(emu: Emulator, *, country: str, email: str | None, params: dict) -> dict:
    acct = template("account")
    account_id = new_id("acct_1", 15)
    profile = acct["business_profile"]
    for key, value in (params.get("business_profile") or {}).items():
        if key == "support_address" and isinstance(value, dict):
            profile["support_address"].update(value)
        elif key in profile and isinstance(value, str):
            profile[key] = value or None
    due = BUSINESS_REQUIREMENTS + [ID_REQUIREMENT.get(country, "representative.id_number")]
    due += BANK_REQUIREMENTS + TOS_REQUIREMENTS
    if profile.get("url"):
        due.remove("business_profile.url")
    if profile.get("mcc"):
        due.remove("business_profile.mcc")
    if profile.get("product_description"):
        due.remove("business_profile.product_description")
    if params.get("business_type"):
        due.remove("business_type")
    due.sort()
    acct.update(
        {
            "id": account_id,
            "type": "express",
            "controller": {
                "fees": {"payer": "application"},
                "is_controller": True,
                "losses": {"payments": "application"},
                "requirement_collection": "stripe",
                "stripe_dashboard": {"type": "express"},
                "type": "application",
            },
            "country": country,
            "email": email,
            "created": emu.now(),
            "default_currency": DEFAULT_CURRENCY.get(country, "usd"),
            "business_type": params.get("business_type") or None,
            "capabilities": {
                name: "inactive"
                for name in (params.get("capabilities") or {"card_payments": 1, "transfers": 1})
            },
            "charges_enabled": False,
            "payouts_enabled": False,
            "details_submitted": False,
            "metadata": params.get("metadata") or {},
            "external_accounts": {
                "data": [],
                "has_more": False,
                "object": "list",
                "total_count": 0,
                "url": f"/v1/accounts/{account_id}/external_accounts",
            },
            "tos_acceptance": {"date": None, "ip": None, "user_agent": None},
        }
    )
    acct["requirements"].update(
        {
            "currently_due": list(due),
            "eventually_due": list(due),
            "past_due": list(due),
            "disabled_reason": "requirements.past_due",
        }
    )
    acct["future_requirements"].update({"currently_due": [], "eventually_due": []})
    acct["settings"]["payouts"]["schedule"] = {"delay_days": 2, "interval": "daily"}
    acct["settings"]["dashboard"]["display_name"] = profile.get("name")
    if profile.get("name"):
        acct["settings"]["payments"]["statement_descriptor"] = _descriptor_from(profile["name"])
    return acct


def _descriptor_from(name: str) -> str | None:
    cleaned = "".join(ch for ch in name.upper() if ch not in "<>\\'\"*")[:22].strip()
    return cleaned if len(cleaned) >= 5 and any(c.isalpha() for c in cleaned) else None


def account_requirements_satisfy(
    emu: Emulator, account: dict, satisfied: list[str], before: dict | None = None
) -> dict:
    """Remove `satisfied` from the requirements; enable the account when nothing is left.
    Emits one account.updated (changes since `before`, default: since now)."""
    before = before or copy.deepcopy(account)
    req = account["requirements"]
    for key in ("currently_due", "eventually_due", "past_due"):
        req[key] = [item for item in req[key] if item not in satisfied]
    if not req["currently_due"]:
        req["disabled_reason"] = None
        account["charges_enabled"] = True
        account["payouts_enabled"] = True
        account["capabilities"] = {name: "active" for name in account["capabilities"]}
    elif req["currently_due"] == ["external_account"] or not [
        item for item in req["currently_due"] if not item.startswith("tos_acceptance")
    ]:
        req["disabled_reason"] = "requirements.past_due"
    return account_changed(emu, account, before)


def account_changed(emu: Emulator, account: dict, before: dict) -> dict:
    previous = {k: before[k] for k in before if before[k] != account.get(k)}
    if previous:
        emu.emit("account.updated", account, account["id"], previous)
    return account


def onboarding_business(emu: Emulator, account: dict, data: dict) -> dict:
    before = copy.deepcopy(account)
    profile = account["business_profile"]
    profile["name"] = data["business_name"]
    profile["url"] = data["url"]
    profile["mcc"] = data.get("mcc") or "5511"
    profile["product_description"] = data["product_description"]
    if data.get("support_phone"):
        profile["support_phone"] = data["support_phone"]
    account["business_type"] = data.get("business_type") or "company"
    if not account["settings"]["dashboard"]["display_name"]:
        account["settings"]["dashboard"]["display_name"] = data["business_name"]
    if not account["settings"]["payments"]["statement_descriptor"]:
        account["settings"]["payments"]["statement_descriptor"] = _descriptor_from(data["business_name"])
    emu.private(account["id"])["representative"] = {
        "first_name": data["first_name"],
        "last_name": data["last_name"],
    }
    return account_requirements_satisfy(
        emu, account, BUSINESS_REQUIREMENTS + list(ID_REQUIREMENT.values()), before
    )


def onboarding_bank(emu: Emulator, account: dict, *, routing_number: str, account_number: str) -> dict:
    before = copy.deepcopy(account)
    bank = {
        "id": new_id("ba_1", 23),
        "object": "bank_account",
        "account": account["id"],
        "account_holder_name": None,
        "account_holder_type": None,
        "bank_name": "STRIPE TEST BANK",
        "country": account["country"],
        "currency": account["default_currency"],
        "default_for_currency": True,
        "fingerprint": new_id("", 16),
        "last4": account_number[-4:],
        "metadata": {},
        "routing_number": routing_number,
        "status": "new",
    }
    account["external_accounts"]["data"] = [bank]
    account["external_accounts"]["total_count"] = 1
    emu.private(account["id"])["payout_failure"] = TEST_BANK_ACCOUNTS.get(account_number)
    return account_requirements_satisfy(emu, account, BANK_REQUIREMENTS, before)


def onboarding_submit(emu: Emulator, account: dict, *, ip: str, user_agent: str | None) -> dict:
    before = copy.deepcopy(account)
    account["tos_acceptance"] = {"date": emu.now(), "ip": ip, "user_agent": user_agent}
    account["details_submitted"] = True
    return account_requirements_satisfy(emu, account, TOS_REQUIREMENTS, before)


def onboarding_complete(emu: Emulator, account: dict) -> dict:
    """Every onboarding step at once, with test data (control endpoint)."""
    due = set(account["requirements"]["currently_due"])
    if due & set(BUSINESS_REQUIREMENTS + list(ID_REQUIREMENT.values())):
        profile = account["business_profile"]
        onboarding_business(
            emu,
            account,
            {
                "business_name": profile.get("name") or "Sandbox Business",
                "url": profile.get("url") or "https://example.com",
                "product_description": profile.get("product_description") or "Vehicle sales and service",
                "first_name": "Jenny",
                "last_name": "Rosen",
            },
        )
    if "external_account" in due:
        onboarding_bank(emu, account, routing_number="110000000", account_number="000123456789")
    if not account["details_submitted"] or account["requirements"]["currently_due"]:
        onboarding_submit(emu, account, ip="127.0.0.1", user_agent="stripe-sandbox")
    return account


# ------------------------------------------------------------------ balance
def balance_transaction_create(
    emu: Emulator,
    *,
    account: str | None,
    type: str,
    amount: int,
    currency: str,
    source: str | None,
    description: str | None,
    fee: int = 0,
    fee_details: list | None = None,
    reporting_category: str | None = None,
) -> dict:
    txn = template("balance_transaction")
    now = emu.now()
    txn.update(
        {
            "id": new_id("txn_1", 23),
            "amount": amount,
            "available_on": now,
            "created": now,
            "currency": currency,
            "description": description,
            "fee": fee,
            "fee_details": fee_details or [],
            "net": amount - fee,
            "reporting_category": reporting_category or type,
            "source": source,
            "status": "available",
            "type": type,
        }
    )
    return emu.put(txn, account)


def available_balance(emu: Emulator, account: str | None, currency: str) -> int:
    return sum(
        t["net"]
        for t in emu.objects_of("balance_transaction", account)
        if t["currency"] == currency and not emu.private(t["id"]).get("payout")
    )


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


# ------------------------------------------------------------------ refunds
def charge_refundable(charge: dict) -> int:
    return charge["amount_captured"] - charge["amount_refunded"]


def refund_create(
    emu: Emulator,
    *,
    account: str | None,
    charge: dict,
    amount: int | None,
    reason: str | None,
    metadata: dict,
) -> dict:
    if charge["status"] != "succeeded":
        raise invalid(f"Charge {charge['id']} has not succeeded, so it cannot be refunded.", param="charge")
    remaining = charge_refundable(charge)
    if remaining <= 0:
        raise invalid(f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded")
    amount = remaining if amount is None else amount
    if amount <= 0:
        raise invalid("Refund amount must be a positive integer.", param="amount")
    if amount > remaining:
        raise invalid(
            f"Refund amount ({money_major(amount)} {charge['currency']}) is greater than unrefunded amount "
            f"on charge ({money_major(remaining)} {charge['currency']})",
            param="amount",
        )
    refund = template("refund")
    refund_id = new_id("re_3", 23)
    txn = balance_transaction_create(
        emu,
        account=account,
        type="refund",
        amount=-amount,
        currency=charge["currency"],
        source=refund_id,
        description="REFUND FOR CHARGE",
        reporting_category="refund",
    )
    refund.update(
        {
            "id": refund_id,
            "amount": amount,
            "balance_transaction": txn["id"],
            "charge": charge["id"],
            "created": emu.now(),
            "currency": charge["currency"],
            "metadata": metadata,
            "payment_intent": charge["payment_intent"],
            "payment_method": charge["payment_method"],
            "reason": reason,
            "status": "succeeded",
        }
    )
    if charge["payment_method_details"]["type"] != "card":
        refund["destination_details"] = {
            "type": charge["payment_method_details"]["type"],
            charge["payment_method_details"]["type"]: {},
        }
    emu.put(refund, account)
    previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount_captured"]
    emu.emit("refund.created", refund, account)
    emu.emit("charge.refunded", charge, account, previous)
    if emu.private(charge["id"]).get("card", {}).get("refund_fails"):
        emu.private(refund_id)["fail_pending"] = True
    return refund


def refund_fail(emu: Emulator, refund: dict, reason: str = "expired_or_canceled_card") -> dict:
    account = emu.owner(refund["id"])
    charge = emu.find(refund["charge"])
    txn = balance_transaction_create(
        emu,
        account=account,
        type="refund_failure",
        amount=refund["amount"],
        currency=refund["currency"],
        source=refund["id"],
        description="REFUND FAILURE",
        reporting_category="refund_failure",
    )
    previous = {"status": refund["status"], "failure_reason": None}
    refund.update({"status": "failed", "failure_reason": reason, "failure_balance_transaction": txn["id"]})
    charge["amount_refunded"] -= refund["amount"]
    charge["refunded"] = False
    emu.emit("refund.updated", refund, account, previous)
    emu.emit("refund.failed", refund, account, previous)
    emu.emit("charge.refund.updated", refund, account, previous)
    return refund


# ------------------------------------------------------------------ disputes
def dispute_create(
    emu: Emulator, charge: dict, reason: str = "fraudulent", amount: int | None = None
) -> dict:
    account = emu.owner(charge["id"])
    amount = charge["amount"] if amount is None else amount
    dispute = template("dispute")
    dispute_id = new_id("du_1", 23)
    txn = balance_transaction_create(
        emu,
        account=account,
        type="adjustment",
        amount=-amount,
        currency=charge["currency"],
        source=dispute_id,
        description=f"Chargeback withdrawal for {charge['id']}",
        fee=1500,
        fee_details=[
            {
                "amount": 1500,
                "application": None,
                "currency": charge["currency"],
                "description": "Dispute fee",
                "type": "stripe_fee",
            }
        ],
        reporting_category="dispute",
    )
    dispute.update(
        {
            "id": dispute_id,
            "amount": amount,
            "balance_transactions": [copy.deepcopy(txn)],
            "charge": charge["id"],
            "created": emu.now(),
            "currency": charge["currency"],
            "is_charge_refundable": False,
            "payment_intent": charge["payment_intent"],
            "reason": reason,
            "status": "needs_response",
        }
    )
    dispute["evidence_details"]["due_by"] = emu.now() + 7 * 86400
    if charge["payment_method_details"].get("type") == "card":
        dispute["payment_method_details"]["card"].update(
            {"brand": charge["payment_method_details"]["card"]["brand"], "case_type": "chargeback"}
        )
    emu.put(dispute, account)
    charge["disputed"] = True
    emu.emit("charge.dispute.created", dispute, account)
    return dispute


# ------------------------------------------------------------------ payouts
def payout_create(
    emu: Emulator, account: dict, *, amount: int | None = None, currency: str | None = None
) -> dict:
    account_id = account["id"]
    currency = currency or account["default_currency"]
    txns = [
        t
        for t in emu.objects_of("balance_transaction", account_id)
        if t["currency"] == currency and not emu.private(t["id"]).get("payout")
    ]
    available = sum(t["net"] for t in txns)
    amount = available if amount is None else amount
    if amount <= 0 or amount > available:
        raise StripeErrorResponse(
            400,
            f"You have insufficient funds in your Stripe account for this transfer. Your card balance is too "
            f"low. You can use the /v1/balance endpoint to view your Stripe balance (available "
            f"{money_major(available)} {currency}).",
            code="balance_insufficient",
            param="amount",
        )
    if not account["external_accounts"]["data"]:
        raise invalid("This account has no external account to pay out to.", code="no_external_account")
    payout = template("payout")
    payout_id = new_id("po_1", 23)
    now = emu.now()
    ptxn = balance_transaction_create(
        emu,
        account=account_id,
        type="payout",
        amount=-amount,
        currency=currency,
        source=payout_id,
        description="STRIPE PAYOUT",
        reporting_category="payout",
    )
    swept = txns if amount == available else []
    for t in swept + [ptxn]:
        emu.private(t["id"])["payout"] = payout_id
    payout.update(
        {
            "id": payout_id,
            "amount": amount,
            "arrival_date": now + 2 * 86400,
            "automatic": amount == available,
            "balance_transaction": ptxn["id"],
            "created": now,
            "currency": currency,
            "destination": account["external_accounts"]["data"][0]["id"],
            "status": "pending",
            "reconciliation_status": "completed" if swept else "not_applicable",
            "trace_id": {"status": "pending", "value": None},
        }
    )
    emu.put(payout, account_id)
    emu.private(payout_id)["swept"] = [t["id"] for t in swept] + [ptxn["id"]]
    emu.emit("payout.created", payout, account_id)
    return payout


def payout_finish(emu: Emulator, payout: dict, *, fail: bool | None = None) -> dict:
    """Settle a payout: paid, or failed when the bank account is one of Stripe's failing test numbers."""
    account_id = emu.owner(payout["id"])
    failure = emu.private(account_id).get("payout_failure")
    if fail is not None:
        failure = (failure or ("account_closed", "The bank account has been closed.")) if fail else None
    previous = {"status": payout["status"]}
    if failure:
        txn = balance_transaction_create(
            emu,
            account=account_id,
            type="payout_failure",
            amount=payout["amount"],
            currency=payout["currency"],
            source=payout["id"],
            description="STRIPE PAYOUT FAILURE",
            reporting_category="payout_reversal",
        )
        payout.update(
            {
                "status": "failed",
                "failure_code": failure[0],
                "failure_message": failure[1],
                "failure_balance_transaction": txn["id"],
            }
        )
        for tid in emu.private(payout["id"]).get("swept", []):
            emu.private(tid).pop("payout", None)
        emu.emit("payout.updated", payout, account_id, previous)
        emu.emit("payout.failed", payout, account_id, previous)
    else:
        payout.update(
            {
                "status": "paid",
                "arrival_date": emu.now(),
                "trace_id": {"status": "supported", "value": new_id("", 15).upper()},
            }
        )
        emu.emit("payout.updated", payout, account_id, previous)
        emu.emit("payout.paid", payout, account_id, previous)
    return payout


# ------------------------------------------------------------------ reports
REPORT_TYPES = {
    "balance.summary.1",
    "balance_change_from_activity.summary.1",
    "balance_change_from_activity.itemized.1",
    "balance_change_from_activity.itemized.2",
    "balance_change_from_activity.itemized.3",
    "payouts.summary.1",
    "payouts.itemized.1",
    "payouts.itemized.2",
    "payouts.itemized.3",
    "payout_reconciliation.summary.1",
    "payout_reconciliation.itemized.1",
    "payout_reconciliation.itemized.2",
    "payout_reconciliation.itemized.3",
    "payout_reconciliation.itemized.4",
    "payout_reconciliation.itemized.5",
}
ITEMIZED_COLUMNS = [
    "balance_transaction_id",
    "created_utc",
    "available_on_utc",
    "currency",
    "gross",
    "fee",
    "net",
    "reporting_category",
    "source_id",
    "description",
    "payment_intent_id",
    "charge_id",
    "automatic_payout_id",
]
PAYOUT_COLUMNS = [
    "payout_id",
    "effective_at_utc",
    "currency",
    "gross",
    "fee",
    "net",
    "reporting_category",
    "description",
    "status",
    "destination_id",
]
SUMMARY_COLUMNS = ["category", "description", "net_amount", "currency"]


def _utc(ts: int | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S") if ts else ""


def _txn_row(emu: Emulator, txn: dict) -> dict:
    source = emu.find(txn["source"]) if txn.get("source") else None
    charge = None
    if source and source.get("object") == "charge":
        charge = source
    elif source and source.get("object") in ("refund", "dispute"):
        charge = emu.find(source["charge"])
    return {
        "balance_transaction_id": txn["id"],
        "created_utc": _utc(txn["created"]),
        "available_on_utc": _utc(txn["available_on"]),
        "currency": txn["currency"],
        "gross": money_major(txn["amount"]),
        "fee": money_major(txn["fee"]),
        "net": money_major(txn["net"]),
        "reporting_category": txn["reporting_category"],
        "source_id": txn["source"] or "",
        "description": txn["description"] or "",
        "payment_intent_id": (charge or {}).get("payment_intent") or "",
        "charge_id": (charge or {}).get("id") or "",
        "automatic_payout_id": emu.private(txn["id"]).get("payout") or "",
    }


def report_csv(emu: Emulator, account: str | None, report_type: str, parameters: dict) -> str:
    start = int(parameters.get("interval_start") or 0)
    end = int(parameters.get("interval_end") or emu.now() + 1)
    currency = parameters.get("currency")
    txns = sorted(
        (
            t
            for t in emu.objects_of("balance_transaction", account)
            if start <= t["created"] < end and (not currency or t["currency"] == currency)
        ),
        key=lambda t: (t["created"], t["id"]),
    )
    out = io.StringIO()
    if report_type.startswith("payouts.itemized"):
        columns = parameters.get("columns") or PAYOUT_COLUMNS
        writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for payout in sorted(emu.objects_of("payout", account), key=lambda p: p["created"]):
            if not start <= payout["arrival_date"] < end:
                continue
            writer.writerow(
                {
                    "payout_id": payout["id"],
                    "effective_at_utc": _utc(payout["arrival_date"]),
                    "currency": payout["currency"],
                    "gross": money_major(payout["amount"]),
                    "fee": "0.00",
                    "net": money_major(payout["amount"]),
                    "reporting_category": "payout",
                    "description": payout["description"] or "",
                    "status": payout["status"],
                    "destination_id": payout["destination"],
                }
            )
    elif ".itemized." in report_type:
        columns = parameters.get("columns") or ITEMIZED_COLUMNS
        writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for txn in txns:
            writer.writerow(_txn_row(emu, txn))
    else:
        writer = csv.DictWriter(out, SUMMARY_COLUMNS, lineterminator="\n")
        writer.writeheader()
        totals: dict[tuple[str, str], int] = {}
        for txn in txns:
            key = (txn["reporting_category"], txn["currency"])
            totals[key] = totals.get(key, 0) + txn["net"]
        for (category, cur), net in sorted(totals.items()):
            writer.writerow(
                {
                    "category": category,
                    "description": category.replace("_", " ").capitalize(),
                    "net_amount": money_major(net),
                    "currency": cur,
                }
            )
    return out.getvalue()


def report_run_create(emu: Emulator, *, account: str | None, report_type: str, parameters: dict) -> dict:
    run = template("reporting.report_run")
    run_id = new_id("frr_1", 23)
    run.update(
        {
            "id": run_id,
            "created": emu.now(),
            "error": None,
            "livemode": False,
            "parameters": {k: v for k, v in parameters.items()},
            "report_type": report_type,
            "result": None,
            "status": "pending",
            "succeeded_at": None,
        }
    )
    for key in ("interval_start", "interval_end"):
        if key in run["parameters"]:
            run["parameters"][key] = int(run["parameters"][key])
    emu.put(run, account)
    return run


def report_run_finish(emu: Emulator, run: dict) -> dict:
    account = emu.owner(run["id"])
    text = report_csv(emu, account, run["report_type"], run["parameters"])
    file = template("file")
    file_id = new_id("file_1", 23)
    file.update(
        {
            "id": file_id,
            "created": emu.now(),
            "expires_at": emu.now() + 365 * 86400,
            "filename": f"{run['id']}.csv",
            "links": {
                "data": [],
                "has_more": False,
                "object": "list",
                "url": f"/v1/file_links?file={file_id}",
            },
            "purpose": "finance_report_run",
            "size": len(text.encode()),
            "title": None,
            "type": "csv",
            "url": f"{emu.public_url()}/v1/files/{file_id}/contents",
        }
    )
    emu.put(file, account)
    emu.state["files"][file_id] = text
    run.update({"status": "succeeded", "succeeded_at": emu.now(), "result": copy.deepcopy(file)})
    emu.emit("reporting.report_run.succeeded", run, account)
    return run


# ------------------------------------------------------------------ time
IDEMPOTENCY_TTL = 24 * 3600  # Stripe forgets idempotency keys after 24 hours


def sweep(emu: Emulator) -> None:
    now = emu.now()
    saved = emu.state["idempotency"]
    for slot in [slot for slot, entry in saved.items() if entry["created"] < now - IDEMPOTENCY_TTL]:
        del saved[slot]
    for obj in list(emu.state["objects"].values()):
        kind = obj.get("object")
        if kind == "checkout.session" and obj["status"] == "open" and obj["expires_at"] <= now:
            checkout_expire(emu, obj)
        elif kind == "refund" and emu.state["private"].get(obj["id"], {}).get("fail_pending"):
            emu.private(obj["id"]).pop("fail_pending")
            if obj["status"] == "succeeded":
                refund_fail(emu, obj)
        elif kind == "reporting.report_run" and obj["status"] == "pending":
            report_run_finish(emu, obj)
