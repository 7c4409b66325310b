"""Celery tasks of the webhook pipeline. They take ids and call services."""

from celery import shared_task

from payments import gateway
from payments.webhooks import pipeline as services


@shared_task(
    name="payments.process_webhook_event",
    bind=True,
    max_retries=8,
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
)
def webhook_event_process_task(self, webhook_event_id: int, force: bool = False) -> None:
    try:
        services.webhook_event_process(webhook_event_id=webhook_event_id, force=force)
    except gateway.GatewayUnavailable as exc:
        if self.request.is_eager:
            return  # kept FAILED ("Transient: ..."); the missed-event sync queues it again
        # Back-off: 30 s, 1 min, 2 min ... (at most about 1 h). The event stays FAILED meanwhile.
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 3600))


@shared_task(name="payments.process_webhook_events", acks_late=True, time_limit=300, soft_time_limit=280)
def webhook_events_process_task(webhook_event_ids: list[int]) -> None:
    """A batch queued by the relay (payments/webhooks/relay.py): each event in the given order (one
    object's events in Stripe's order), each in its own transaction, as the one-event task does;
    each PaymentIntent is retrieved from Stripe once for the whole batch. An event Stripe could not
    be reached for is kept FAILED and retried on its own with the one-event task's back-off."""
    from payments.requests.recording import payment_intent_memo

    with payment_intent_memo():
        for pk in webhook_event_ids:
            try:
                services.webhook_event_process(webhook_event_id=pk)
            except gateway.GatewayUnavailable:
                webhook_event_process_task.apply_async((pk,), countdown=30)


@shared_task(name="payments.sync_missed_events", time_limit=600, soft_time_limit=540)
def sync_missed_events_task() -> dict:
    return services.webhook_events_sync()


@shared_task(name="payments.requeue_pending_webhook_events", time_limit=120, soft_time_limit=100)
def requeue_pending_webhook_events_task() -> int:
    """At worker start: queue again every event stored but not processed (none is lost in a crash)."""
    return services.webhook_events_requeue_stuck(older_than_seconds=0)
