"""The event types we send, and `outbound_event_emit`, which the services call.

Body of every POST (JSON, UTF-8):

    {"id": "evt_...", "type": "payment.succeeded", "created": 1767225600, "api_version": "v1",
     "sequence": 3, "object_type": "payment", "object_id": 42,
     "data": {"object": { ...the object exactly as GET /api/v1/... returns it... }}}

`sequence` counts the events of one object (object_type + object_id) from 1: a receiver keeps the
highest sequence it has applied per object and drops anything not higher (a duplicate, or an older
event arriving after a newer one). `id` is unique per event; a resend carries the same id.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, models, transaction
from django.db.models import Max

from payments.models import OutboundEvent, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

API_VERSION = "v1"


class EventType(models.TextChoices):
    PAYMENT_REQUEST_SENT = "payment_request.sent", "A payment request was sent to the customer"
    PAYMENT_REQUEST_OPENED = "payment_request.opened", "The customer opened the payment link"
    PAYMENT_REQUEST_PAID = "payment_request.paid", "A payment request was paid in full"
    PAYMENT_REQUEST_PARTIALLY_PAID = "payment_request.partially_paid", "A payment request was paid in part"
    PAYMENT_REQUEST_EXPIRED = "payment_request.expired", "A payment request expired unpaid"
    PAYMENT_REQUEST_CANCELLED = "payment_request.cancelled", "A payment request was cancelled"
    PAYMENT_SUCCEEDED = "payment.succeeded", "A payment succeeded"
    PAYMENT_FAILED = "payment.failed", "A payment attempt failed"
    PAYMENT_RECONCILED = "payment.reconciled", "A payment was marked reconciled (or unmarked)"
    REFUND_SUCCEEDED = "refund.succeeded", "A refund succeeded"
    REFUND_FAILED = "refund.failed", "A refund failed"
    DISPUTE_CREATED = "dispute.created", "A customer disputed a payment"
    DISPUTE_CLOSED = "dispute.closed", "A dispute was closed (won or lost)"
    PAYOUT_PAID = "payout.paid", "A payout reached the bank"
    PAYOUT_FAILED = "payout.failed", "A payout failed"


TEST_EVENT_TYPE = "webhook_endpoint.test"  # "Send a test event": only to the endpoint asked for


def _next_sequence(*, organization_id: int, object_type: str, object_id: int) -> int:
    last = OutboundEvent.objects.filter(
        organization_id=organization_id, object_type=object_type, object_id=object_id
    ).aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


def _event_create(*, organization_id: int, type: str, object_type: str, object_id: int, data: dict):
    for _ in range(5):  # two events of one object at the same moment: the second takes the next number
        try:
            with transaction.atomic():
                return OutboundEvent.objects.create(
                    organization_id=organization_id,
                    type=type,
                    object_type=object_type,
                    object_id=object_id,
                    sequence=_next_sequence(
                        organization_id=organization_id, object_type=object_type, object_id=object_id
                    ),
                    data=data,
                )
        except IntegrityError:
            continue
    raise RuntimeError(f"could not number the event of {object_type} {object_id}")


def deliveries_queue(deliveries: list[WebhookDelivery]) -> None:
    """Send each delivery once the transaction that created it commits."""
    from payments.dealer_webhooks.tasks import webhook_delivery_task

    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: webhook_delivery_task.delay(pk))


@transaction.atomic
def outbound_event_emit(
    *,
    organization_id: int,
    type: str,
    object_type: str,
    object_id: int,
    data: dict,
    endpoints: list[WebhookEndpoint] | None = None,
) -> OutboundEvent:
    """Store the event, and one delivery per enabled endpoint that asked for this type (or the
    `endpoints` given: the test event); sending starts after commit."""
    event = _event_create(
        organization_id=organization_id, type=type, object_type=object_type, object_id=object_id, data=data
    )
    if endpoints is None:
        endpoints = [
            endpoint
            for endpoint in WebhookEndpoint.objects.filter(organization_id=organization_id, enabled=True)
            if type in endpoint.event_types  # few endpoints per dealership; JSON "contains" isn't on SQLite
        ]
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(organization_id=organization_id, endpoint=endpoint, event=event)
            for endpoint in endpoints
        ]
    )
    deliveries_queue(deliveries)
    return event


def event_body(event: OutboundEvent) -> dict:
    return {
        "id": event.public_id,
        "type": event.type,
        "created": int(event.created_at.timestamp()),
        "api_version": API_VERSION,
        "sequence": event.sequence,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "data": {"object": event.data},
    }
