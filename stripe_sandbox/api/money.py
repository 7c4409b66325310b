"""`/v1/refunds` and `/v1/balance_transactions`, `/v1/balance` (payouts, disputes and charges are plain retrieve/list routes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import operations as ops
from ..wire import (
    Response,
    bool_param,
    int_param,
    invalid,
    metadata_param,
    str_param,
)
from .common import MAX_AMOUNT, REFUND_REASONS, created_filter, list_response, respond

if TYPE_CHECKING:
    from ..core import Emulator, Request


def refunds_create(emu: Emulator, req: Request) -> Response:
    p = req.form
    pi_id = str_param(p, "payment_intent")
    charge_id = str_param(p, "charge")
    if not pi_id and not charge_id:
        raise invalid(
            "One of the following params should be provided for this request: payment_intent or charge."
        )
    amount = int_param(p, "amount")
    if amount is not None and amount > MAX_AMOUNT:
        raise invalid(f"This value must be less than or equal to {MAX_AMOUNT}.", param="amount")
    reason = str_param(p, "reason")
    if reason and reason not in REFUND_REASONS:
        raise invalid(
            "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer", param="reason"
        )
    metadata = metadata_param(p)
    if pi_id:
        intent = emu.get("payment_intent", pi_id, req.account, "payment_intent")
        if intent["status"] != "succeeded" or not intent["latest_charge"]:
            raise invalid(
                f"This PaymentIntent ({pi_id}) does not have a successful charge to refund.",
                param="payment_intent",
            )
        charge = emu.find(intent["latest_charge"])
        if charge_id and charge_id != charge["id"]:
            raise invalid("The charge does not belong to this PaymentIntent.", param="charge")
    else:
        charge = emu.get("charge", charge_id, req.account, "charge")
    refund = ops.refund_create(
        emu,
        account=req.account,
        charge=charge,
        amount=amount,
        reason=reason,
        metadata=metadata,
        refund_application_fee=bool(bool_param(p, "refund_application_fee")),
    )
    return respond(emu, req, refund)


def refunds_update(emu: Emulator, req: Request, object_id: str) -> Response:
    refund = emu.get("refund", object_id, req.account, "refund")
    if "metadata" in req.form:
        previous = {"metadata": dict(refund["metadata"])}
        refund["metadata"] = {**refund["metadata"], **metadata_param(req.form)}
        if refund["metadata"] != previous["metadata"]:
            emu.emit("refund.updated", refund, req.account, previous)
    return respond(emu, req, refund)


def balance_transactions_list(emu: Emulator, req: Request) -> Response:
    objs = emu.objects_of("balance_transaction", req.account)
    payout_id = str_param(req.query, "payout")
    if payout_id:
        payout = emu.get("payout", payout_id, req.account, "payout")
        swept = set(emu.private(payout["id"]).get("swept", []))
        objs = [o for o in objs if o["id"] in swept]
    for name in ("type", "source", "currency"):
        value = str_param(req.query, name)
        if value:
            objs = [o for o in objs if o.get(name) == value]
    return list_response(emu, req, created_filter(req.query, objs), "/v1/balance_transactions")


def balance_retrieve(emu: Emulator, req: Request) -> Response:
    currencies = {t["currency"] for t in emu.objects_of("balance_transaction", req.account)}
    if req.account:
        currencies.add(emu.find(req.account)["default_currency"])
    amounts = [
        {
            "amount": ops.available_balance(emu, req.account, cur),
            "currency": cur,
            "source_types": {"card": ops.available_balance(emu, req.account, cur)},
        }
        for cur in sorted(currencies or {"usd"})
    ]
    return Response.json(
        {
            "object": "balance",
            "available": amounts,
            "livemode": False,
            "pending": [
                {"amount": 0, "currency": a["currency"], "source_types": {"card": 0}} for a in amounts
            ],
        }
    )
