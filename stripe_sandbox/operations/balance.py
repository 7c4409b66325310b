"""Balance transactions and the available balance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import template
from ..wire import new_id

if TYPE_CHECKING:
    from ..core import Emulator


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
