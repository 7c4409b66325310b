"""Stripe events about refunds and disputes (routed here by payments/webhooks/routes.py).
Each handler receives the stored WebhookEvent and the event's `data.object`; all are idempotent and
never move a record backwards (see refunds/services.py and refunds/disputes.py)."""

from __future__ import annotations

import logging

from django.db.models import Q

from payments.models import Payment
from payments.refunds.disputes import payment_dispute_apply
from payments.refunds.services import RefundUpdate, payment_fee_refunded_record, refund_apply

logger = logging.getLogger(__name__)


def _payment_for(*, account: str, payment_intent: str | None, charge: str | None) -> Payment | None:
    q = Q()
    if payment_intent:
        q |= Q(stripe_payment_intent_id=payment_intent)
    if charge:
        q |= Q(stripe_charge_id=charge)
    if not q:
        return None
    qs = Payment.objects.filter(q)
    if account:
        qs = qs.filter(stripe_account__stripe_id=account)
    return qs.first()


def _apply_refund_object(event, refund: dict) -> None:
    payment = _payment_for(
        account=event.account, payment_intent=refund.get("payment_intent"), charge=refund.get("charge")
    )
    if payment is None:
        logger.info("refund %s for a payment we don't know; ignored", refund.get("id"))
        return
    refund_apply(
        payment_id=payment.pk,
        stripe_refund=RefundUpdate(
            id=refund["id"],
            status=refund.get("status") or "pending",
            amount_minor=int(refund.get("amount") or 0),
            failure_reason=refund.get("failure_reason") or "",
            metadata=refund.get("metadata") or {},
        ),
    )


def handle_refund(event, obj: dict) -> None:
    _apply_refund_object(event, obj)


def handle_charge_refunded(event, obj: dict) -> None:
    """A charge with its refunds (when Stripe includes them); each refund is applied."""
    refunds = (obj.get("refunds") or {}).get("data") or []
    for refund in refunds:
        refund.setdefault("charge", obj.get("id"))
        refund.setdefault("payment_intent", obj.get("payment_intent"))
        _apply_refund_object(event, refund)
    if not refunds:
        logger.info(
            "charge.refunded %s without refund list; refund.* events carry the details", obj.get("id")
        )


def handle_dispute(event, obj: dict) -> None:
    """charge.dispute.created / updated / closed: the payment's dispute status (refunds/disputes.py)."""
    payment = _payment_for(
        account=event.account, payment_intent=obj.get("payment_intent"), charge=obj.get("charge")
    )
    if payment is None:
        return
    payment_dispute_apply(payment_id=payment.pk, event_type=event.type, dispute=obj)


def handle_application_fee_refunded(event, obj: dict) -> None:
    """application_fee.refunded (a platform event): the platform fee a refund gave back. The
    payment is found by the fee's charge (and connected account)."""
    charge = obj.get("charge")
    charge = charge.get("id") if isinstance(charge, dict) else charge
    payment = _payment_for(account=obj.get("account") or "", payment_intent=None, charge=charge)
    if payment is None:
        logger.info("application fee %s for a charge we don't know; ignored", obj.get("id"))
        return
    payment_fee_refunded_record(
        payment_id=payment.pk, fee_refunded_total_minor=int(obj.get("amount_refunded") or 0)
    )
