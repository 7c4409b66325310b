"""Payouts: sweep the available balance, then paid or failed (Stripe's test bank accounts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import template
from ..wire import StripeErrorResponse, invalid, new_id
from .balance import balance_transaction_create
from .reports import money_major

if TYPE_CHECKING:
    from ..core import Emulator

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
