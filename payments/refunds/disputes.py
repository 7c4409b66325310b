"""Disputes (chargebacks): what Stripe says about a dispute, applied to the payment once and never
backwards. A dispute makes the payment Disputed; a won dispute gives it back the status its refunds
give it; a closed dispute (won or lost) is final, so an older update arriving late changes nothing."""

from __future__ import annotations

from django.db import transaction

from payments.models import Payment
from payments.requests.history import history_record


def payment_dispute_apply(*, payment_id: int, event_type: str, dispute: dict) -> None:
    """Apply a charge.dispute.* event's dispute object to the payment (row lock, history row)."""
    status = dispute.get("status", "")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("payment_request").get(pk=payment_id)
        if payment.dispute_status == status:
            return
        if payment.dispute_status in ("won", "lost") and event_type != "charge.dispute.closed":
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
            kind="disputed" if event_type == "charge.dispute.created" else "dispute_updated",
            actor_label="stripe",
            from_status=old,
            to_status=payment.status,
            message=f"Dispute {status.replace('_', ' ')}"
            + (f" ({dispute.get('reason')})" if dispute.get("reason") else ""),
            data={"dispute_id": dispute.get("id"), "amount_minor": dispute.get("amount")},
        )
