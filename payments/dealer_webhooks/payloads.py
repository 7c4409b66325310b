"""Which change emits which event, with the object as the API returns it.

Every change to a payment request or its payments writes one history row (`history_record`, in
the same transaction): that row is where the events come from, through ONE literal table below,
so a new kind of change is a line here. Payouts have no request history; payouts/services.py
calls `outbound_event_for_payout` when a payout is paid or fails.

    history kind                      -> event
    sent | opened | expired | cancelled -> payment_request.<kind>
    payment_succeeded                 -> payment.succeeded, then payment_request.paid|partially_paid
    payment_succeeded_extra           -> payment.succeeded
    attempt_failed                    -> payment.failed
    refunded | refund_failed          -> refund.succeeded | refund.failed   (data.refund_id)
    disputed                          -> dispute.created
    dispute_updated (won or lost)     -> dispute.closed
    reconciled | unreconciled         -> payment.reconciled (reconciled_at is null after an undo)
"""

from __future__ import annotations

from payments.dealer_webhooks.events import EventType, outbound_event_emit

E = EventType
REQUEST_KINDS = {
    "sent": E.PAYMENT_REQUEST_SENT,
    "opened": E.PAYMENT_REQUEST_OPENED,
    "expired": E.PAYMENT_REQUEST_EXPIRED,
    "cancelled": E.PAYMENT_REQUEST_CANCELLED,
}
PAYMENT_KINDS = {
    "payment_succeeded": E.PAYMENT_SUCCEEDED,
    "payment_succeeded_extra": E.PAYMENT_SUCCEEDED,
    "attempt_failed": E.PAYMENT_FAILED,
    "disputed": E.DISPUTE_CREATED,
    "dispute_updated": E.DISPUTE_CLOSED,  # only once won or lost
    "reconciled": E.PAYMENT_RECONCILED,
    "unreconciled": E.PAYMENT_RECONCILED,
}
REFUND_KINDS = {"refunded": E.REFUND_SUCCEEDED, "refund_failed": E.REFUND_FAILED}
REQUEST_PAID = {"paid": E.PAYMENT_REQUEST_PAID, "partially_paid": E.PAYMENT_REQUEST_PARTIALLY_PAID}


def _request_object(request_id: int) -> dict:
    from payments.api_objects import PaymentRequestOutputSerializer
    from payments.models import PaymentRequest

    request = (
        PaymentRequest.objects.select_related("created_by").prefetch_related("payments").get(pk=request_id)
    )
    return PaymentRequestOutputSerializer(request).data


def _payment_object(payment_id: int) -> dict:
    from payments.api_objects import PaymentObject, payment_object_queryset
    from payments.models import Payment

    return PaymentObject(payment_object_queryset(Payment.objects.filter(pk=payment_id)).get()).data


def _refund_object(refund_id: int) -> dict:
    from payments.api_objects import RefundObject
    from payments.models import Refund

    return RefundObject(Refund.objects.select_related("created_by").get(pk=refund_id)).data


def _emit(*, organization_id: int, type: str, object_type: str, object_id: int, data: dict) -> None:
    outbound_event_emit(
        organization_id=organization_id,
        type=type,
        object_type=object_type,
        object_id=object_id,
        data=dict(data),
    )


def _has_endpoints(organization_id: int) -> bool:
    from payments.models import WebhookEndpoint

    return WebhookEndpoint.objects.filter(organization_id=organization_id, enabled=True).exists()


def organizations_with_endpoints(organization_ids) -> set[int]:
    """Which of these dealerships have an enabled endpoint: one query for a batch of history rows
    (a bulk move), instead of one per row."""
    from payments.models import WebhookEndpoint

    return set(
        WebhookEndpoint.objects.filter(organization_id__in=set(organization_ids), enabled=True)
        .values_list("organization_id", flat=True)
        .distinct()
    )


def outbound_events_for_history(row) -> None:
    """Called by history_record for each row it writes (same transaction)."""
    kind, org = row.kind, row.organization_id
    if kind not in REQUEST_KINDS and kind not in PAYMENT_KINDS and kind not in REFUND_KINDS:
        return
    if kind == "dispute_updated" and (
        row.payment is None or row.payment.dispute_status not in ("won", "lost")
    ):
        return
    if not _has_endpoints(org):
        return  # nothing to send: no rows (most dealerships)
    if kind in REQUEST_KINDS:
        _emit(
            organization_id=org,
            type=REQUEST_KINDS[kind],
            object_type="payment_request",
            object_id=row.payment_request_id,
            data=_request_object(row.payment_request_id),
        )
        return
    if kind in REFUND_KINDS:
        refund_id = (row.data or {}).get("refund_id")
        if refund_id:
            _emit(
                organization_id=org,
                type=REFUND_KINDS[kind],
                object_type="refund",
                object_id=refund_id,
                data=_refund_object(refund_id),
            )
        return
    if row.payment_id:
        _emit(
            organization_id=org,
            type=PAYMENT_KINDS[kind],
            object_type="payment",
            object_id=row.payment_id,
            data=_payment_object(row.payment_id),
        )
    if kind == "payment_succeeded" and row.to_status in REQUEST_PAID:
        _emit(
            organization_id=org,
            type=REQUEST_PAID[row.to_status],
            object_type="payment_request",
            object_id=row.payment_request_id,
            data=_request_object(row.payment_request_id),
        )


def outbound_event_for_payout(*, payout) -> None:
    """payout.paid / payout.failed with the payout and its figures."""
    from payments.api_objects import PayoutObject
    from payments.models import Payout
    from payments.payouts.selectors import payouts_with_figures

    type = {"paid": E.PAYOUT_PAID, "failed": E.PAYOUT_FAILED}.get(payout.status)
    if type is None or not _has_endpoints(payout.organization_id):
        return
    payout = payouts_with_figures(Payout.objects.filter(pk=payout.pk)).get()
    _emit(
        organization_id=payout.organization_id,
        type=type,
        object_type="payout",
        object_id=payout.pk,
        data=PayoutObject(payout).data,
    )
