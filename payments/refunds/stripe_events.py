"""Webhook handlers for money after the payment: refunds, disputes, payouts, report runs.
Each receives the stored WebhookEvent and the event's `data.object`; all are idempotent and never
move a record backwards (see the services they call)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q

from payments.models import Payment
from payments.refunds.services import RefundUpdate, refund_apply
from payments.requests.history import history_record
from payments.webhooks.routes import webhook_handler

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


@webhook_handler("refund.created", "refund.updated", "charge.refund.updated", "refund.failed")
def handle_refund(event, obj: dict) -> None:
    _apply_refund_object(event, obj)


@webhook_handler("charge.refunded")
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


@webhook_handler("charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed")
def handle_dispute(event, obj: dict) -> None:
    payment = _payment_for(
        account=event.account, payment_intent=obj.get("payment_intent"), charge=obj.get("charge")
    )
    if payment is None:
        return
    status = obj.get("status", "")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("payment_request").get(pk=payment.pk)
        if payment.dispute_status == status:
            return
        if payment.dispute_status in ("won", "lost") and event.type != "charge.dispute.closed":
            return  # a closed dispute is final; an older update arrived late
        old = payment.status
        payment.dispute_status = status
        if status == "won":
            payment.status = (
                Payment.Status.REFUNDED
                if payment.refunded_minor >= payment.amount_minor
                else Payment.Status.PARTIALLY_REFUNDED
                if payment.refunded_minor
                else Payment.Status.SUCCEEDED
            )
        else:
            payment.status = Payment.Status.DISPUTED
        payment.save(update_fields=["dispute_status", "status", "updated_at"])
        history_record(
            payment_request=payment.payment_request,
            payment=payment,
            kind="disputed" if event.type == "charge.dispute.created" else "dispute_updated",
            actor_label="stripe",
            from_status=old,
            to_status=payment.status,
            message=f"Dispute {status.replace('_', ' ')}"
            + (f" ({obj.get('reason')})" if obj.get("reason") else ""),
            data={"dispute_id": obj.get("id"), "amount_minor": obj.get("amount")},
        )


@webhook_handler("payout.created", "payout.updated", "payout.paid", "payout.failed", "payout.canceled")
def handle_payout(event, obj: dict) -> None:
    from payments.payouts.services import payout_record

    payout_record(account_id=event.account, payout=obj, event_created=int(event.created))


@webhook_handler("reporting.report_run.succeeded", "reporting.report_run.failed")
def handle_report_run(event, obj: dict) -> None:
    from payments.reports.services import report_run_apply_event

    report_run_apply_event(report_run=obj)
