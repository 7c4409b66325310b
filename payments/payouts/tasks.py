"""Celery task of payouts: the payout email. Thin: id in, service called, transient Stripe errors
retried with back-off; safe to run twice (each payout status is emailed once)."""

from celery import shared_task

from payments.task_options import RETRY_WHILE_STRIPE_IS_UNAVAILABLE


@shared_task(name="payments.payout_email", max_retries=5, **RETRY_WHILE_STRIPE_IS_UNAVAILABLE)
def payout_email_task(self, payout_id: int) -> None:
    from payments.payouts.services import payout_email_send

    payout_email_send(payout_id=payout_id)
