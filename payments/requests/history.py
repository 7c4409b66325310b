"""The append-only history of a payment request (and its payments). Insert-only: nothing in the
code base updates or deletes these rows. SMS delivery reaches it from notifications through a
signal (notifications/signals.py), so notifications never imports payments. Each row is also
where the outbound webhook events to the dealer's systems come from
(payments/dealer_webhooks/payloads.py: one table kind -> event)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from payments.dealer_webhooks.payloads import organizations_with_endpoints, outbound_events_for_history
from payments.models import PaymentRequest, PaymentRequestEvent

if TYPE_CHECKING:
    from organizations.models import User
    from payments.models import Payment


def history_entry(
    *,
    payment_request_id: int,
    organization_id: int,
    kind: str,
    actor: User | None = None,
    actor_label: str = "",
    message: str = "",
    payment: Payment | None = None,
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> PaymentRequestEvent:
    """One history row, not yet saved: what `history_record` writes, and what a bulk move writes
    for each of its requests (`history_record_many`)."""
    return PaymentRequestEvent(
        organization_id=organization_id,
        payment_request_id=payment_request_id,
        payment=payment,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label=actor_label or (actor.name if actor else "system"),
        message=message[:300],
        data=data or {},
    )


def history_record(*, payment_request: PaymentRequest, **fields: Any) -> PaymentRequestEvent:
    """Write one history row. `actor` is the signed-in user who acted; otherwise `actor_label`
    says who did it ("customer", "stripe", "system", "twilio")."""
    entry = history_entry(
        payment_request_id=payment_request.pk, organization_id=payment_request.organization_id, **fields
    )
    entry.payment_request = payment_request
    entry.save(force_insert=True)
    outbound_events_for_history(entry)
    return entry


def history_record_many(entries: list[PaymentRequestEvent]) -> None:
    """Write many history rows in one INSERT (a bulk move)."""
    PaymentRequestEvent.objects.bulk_create(entries)
    with_endpoints = organizations_with_endpoints(entry.organization_id for entry in entries)
    for entry in entries:  # most dealerships have no endpoint: no per-row query for them
        if entry.organization_id in with_endpoints:
            outbound_events_for_history(entry)


def payment_request_delivery_recorded(
    *, payment_request_id: int, message_id: int, status: str, error: str = ""
) -> None:
    """An SMS of the request was delivered, undelivered or failed (Twilio's callback): one history row."""
    request = PaymentRequest.objects.get(pk=payment_request_id)
    history_record(
        payment_request=request,
        kind=status,  # delivered | undelivered | failed
        actor_label="twilio",
        message=f"SMS {status}" + (f": {error}" if error else ""),
        data={"message_id": message_id, "error": error},
    )


def sms_delivery_changed_receiver(sender, *, message, status: str, error: str = "", **kwargs) -> None:
    """Receiver of notifications.signals.sms_delivery_changed (connected in payments/apps.py)."""
    payment_request_delivery_recorded(
        payment_request_id=message.payment_request_id, message_id=message.pk, status=status, error=error
    )
