"""Refunds (and their failure) and disputes."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from ..core import template
from ..wire import invalid, new_id
from .balance import balance_transaction_create
from .reports import money_major

if TYPE_CHECKING:
    from ..core import Emulator


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
    refund_application_fee: bool = False,
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
    if refund_application_fee and charge.get("application_fee"):
        application_fee_refund(emu, account=account, charge=charge, refund_amount=amount)
    if emu.private(charge["id"]).get("card", {}).get("refund_fails"):
        emu.private(refund_id)["fail_pending"] = True
    return refund


def application_fee_refund(emu: Emulator, *, account: str | None, charge: dict, refund_amount: int) -> dict:
    """`refund_application_fee=true` on a direct charge's refund: the platform gives back the
    application fee, all of what is left of it when the charge is now refunded in full, else in
    proportion to the amount refunded (rounded half up). A `fee_refund` on the platform's
    application fee, a debit of the platform's balance and a credit of the connected account's
    (both `application_fee_refund` balance transactions), and `application_fee.refunded`."""
    app_fee = emu.find(charge["application_fee"])
    left = app_fee["amount"] - app_fee["amount_refunded"]
    if charge["amount_refunded"] >= charge["amount_captured"]:
        amount = left
    else:
        amount = min(
            (app_fee["amount"] * refund_amount * 2 + charge["amount"]) // (2 * charge["amount"]), left
        )
    if amount <= 0:
        return app_fee
    fee_refund_id = new_id("fr_1", 23)
    platform_txn = balance_transaction_create(
        emu,
        account=None,
        type="application_fee_refund",
        amount=-amount,
        currency=app_fee["currency"],
        source=fee_refund_id,
        description=None,
        reporting_category="fee",
    )
    balance_transaction_create(
        emu,
        account=account,
        type="application_fee_refund",
        amount=amount,
        currency=app_fee["currency"],
        source=fee_refund_id,
        description="Application fee refund",
        reporting_category="fee",
    )
    fee_refund = {
        "id": fee_refund_id,
        "object": "fee_refund",
        "amount": amount,
        "balance_transaction": platform_txn["id"],
        "created": emu.now(),
        "currency": app_fee["currency"],
        "fee": app_fee["id"],
        "metadata": {},
    }
    previous = {"amount_refunded": app_fee["amount_refunded"], "refunded": app_fee["refunded"]}
    app_fee["amount_refunded"] += amount
    app_fee["refunded"] = app_fee["amount_refunded"] >= app_fee["amount"]
    app_fee["refunds"]["data"].insert(0, fee_refund)
    app_fee["refunds"]["total_count"] = len(app_fee["refunds"]["data"])
    emu.emit("application_fee.refunded", app_fee, None, previous)
    return app_fee


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
