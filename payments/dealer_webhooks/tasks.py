"""Outbound webhook tasks (their own queue, so a slow dealer receiver never delays anything else).
Retries are not Celery retries: a failed attempt stores its next time and the sweep queues it."""

from celery import shared_task

from payments.dealer_webhooks.delivery import webhook_deliveries_sweep, webhook_delivery_attempt
from payments.dealer_webhooks.retention import outbound_events_prune


@shared_task(name="payments.outbound_webhook_deliver", time_limit=60, soft_time_limit=45, acks_late=True)
def webhook_delivery_task(delivery_id: int) -> None:
    webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(name="payments.outbound_webhooks_sweep", time_limit=60, soft_time_limit=45)
def webhook_deliveries_sweep_task() -> None:
    webhook_deliveries_sweep()


@shared_task(name="payments.outbound_events_prune", time_limit=300, soft_time_limit=270)
def outbound_events_prune_task() -> None:
    """Hourly (beat): delete delivered events and their log past the retention (retention.py)."""
    outbound_events_prune()
