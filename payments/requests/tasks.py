"""Celery tasks of payment requests. Thin: take ids, call a service, retry transient errors
with back-off, safe to run twice."""

from __future__ import annotations

import logging
import time

from celery import shared_task
from django.utils import timezone

from payments import gateway
from payments.models import PaymentRequest
from payments.requests.after_payment import payment_after_success
from payments.requests.expiry import payment_request_checkout_session_expire, payment_requests_expire_due
from payments.requests.reminders import payment_request_remind

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# bench/ (2026-12-02): 1,000 per batch expired ~5,100/s but an unrelated update then waited up to
# ~390 ms (commits of 1,000 rows and their history); 250 expires ~3,700/s and the same update's
# worst wait was that of the machine with no sweep (~110-130 ms there, p99 ~44 ms either way).
SWEEP_BATCH_SIZE = 250
SWEEP_TIME_BUDGET_SECONDS = 50  # the beat runs the sweep every 60 s


def _backoff(retries: int) -> int:
    return min(30 * 2**retries, 1800)


@shared_task(name="payments.expire_overdue_requests", time_limit=120, soft_time_limit=100)
def expire_overdue_requests_task() -> int:
    """Mark open requests past their expiry as expired, in batches of SWEEP_BATCH_SIZE, each one
    set-based transaction (bench/: ~70 ms of row locks per batch); closing each one's open
    Checkout Session is queued, one task per request, on the money queue."""
    started = time.monotonic()
    expired = 0
    while time.monotonic() - started < SWEEP_TIME_BUDGET_SECONDS:
        moved = payment_requests_expire_due(limit=SWEEP_BATCH_SIZE)
        expired += len(moved)
        if len(moved) < SWEEP_BATCH_SIZE:
            break  # done, or the rest is locked by payments in flight: the next run takes them
    if expired:
        logger.info("expired %s overdue payment requests", expired)
    return expired


@shared_task(name="payments.send_payment_reminders", time_limit=120, soft_time_limit=100)
def send_payment_reminders_task() -> int:
    """The one reminder before expiry, for every request where it is due now (the service
    checks the organization's setting, the window and quiet hours)."""
    now = timezone.now()
    sent = 0
    candidates = (
        PaymentRequest.objects.filter(
            status__in=(PaymentRequest.Status.SENT, PaymentRequest.Status.OPENED),
            reminder_sent_at__isnull=True,
            expires_at__gt=now,
            organization__reminders_enabled=True,
        )
        .order_by("expires_at", "id")
        .values_list("pk", flat=True)
    )
    for pk in candidates.iterator(chunk_size=BATCH_SIZE):
        sent += payment_request_remind(payment_request_id=pk, now=now)
    return sent


@shared_task(
    name="payments.checkout_session_expire", bind=True, max_retries=8, time_limit=60, soft_time_limit=50
)
def checkout_session_expire_task(self, payment_request_id: int, session_id: str) -> None:
    try:
        payment_request_checkout_session_expire(payment_request_id=payment_request_id, session_id=session_id)
    except gateway.GatewayUnavailable as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries))


@shared_task(name="payments.after_payment", bind=True, max_retries=6, time_limit=60, soft_time_limit=50)
def payment_after_success_task(self, payment_id: int) -> None:
    """Receipt to the customer, notification + email to the advisor (each once)."""
    payment_after_success(payment_id=payment_id)
