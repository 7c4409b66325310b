"""Celery task of refunds. Thin: id in, service called, transient Stripe errors retried with
back-off; safe to run twice (the refund's idempotency key)."""

from celery import shared_task

from payments.task_options import RETRY_WHILE_STRIPE_IS_UNAVAILABLE


@shared_task(name="payments.refund_submit", max_retries=8, **RETRY_WHILE_STRIPE_IS_UNAVAILABLE)
def refund_submit_task(self, refund_id: int) -> None:
    from payments.refunds.services import refund_submit

    refund_submit(refund_id=refund_id)
