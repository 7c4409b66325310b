"""The webhook pipeline: store each Stripe event once, then process it in a task.

Verification happens in the view (gateway.webhook_event_verify) before anything is stored.
Processing is idempotent: an event already SUCCEEDED or IGNORED is not processed again unless an
operator re-runs it; handlers themselves never move a record backwards.
"""

from __future__ import annotations

import logging
import time
import traceback
from datetime import timedelta

from django.db import connection, models, transaction
from django.utils import timezone

from payments import gateway
from payments.models import StripeAccount, WebhookEvent
from payments.webhooks.routes import handler_for

logger = logging.getLogger(__name__)

SYNC_WINDOW_SECONDS = 3 * 24 * 3600  # Stripe keeps events 30 days; we look back 3.
SYNC_CURSOR_OVERLAP_SECONDS = 120  # an event can appear in Stripe's list a little after its `created`


STUCK_AFTER_SECONDS = 5 * 60  # a PENDING event this old was never picked up (broker down?)
MAX_TRANSIENT_ATTEMPTS = 10


def _send_to_queue(webhook_event_id: int, force: bool = False) -> None:
    from payments.webhooks.tasks import webhook_event_process_task

    try:
        webhook_event_process_task.delay(webhook_event_id, force=force)
    except Exception:  # the broker is down: the event is stored, the sync job will queue it again
        logger.exception(
            "Could not queue Stripe event %s; the missed-event sync will retry", webhook_event_id
        )


def _queue_processing(webhook_event_id: int, force: bool = False) -> None:
    transaction.on_commit(lambda: _send_to_queue(webhook_event_id, force))


def _insert_once(webhook_event: WebhookEvent) -> int | None:
    """INSERT ... ON CONFLICT (stripe_id) DO NOTHING RETURNING id: one statement stores the event
    exactly once, whichever of two simultaneous deliveries gets there first (the unique index
    decides). Returns the new row's id, or None when the event was stored before."""
    meta = WebhookEvent._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    values = [f.get_db_prep_save(f.pre_save(webhook_event, add=True), connection) for f in fields]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
        f" ON CONFLICT ({quote(meta.get_field('stripe_id').column)}) DO NOTHING"
        f" RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    return row[0] if row else None


def webhook_event_store(
    *, event: dict, source: str = WebhookEvent.Source.WEBHOOK, account: str = ""
) -> tuple[WebhookEvent, bool]:
    """Store a verified event once (unique on its id) and queue its processing (after the commit
    of the caller's transaction, if any). Returns (event, created); a duplicate returns the
    stored row and queues nothing, unless it was stored long ago and never processed.

    A new event costs one INSERT and one message to the broker; with WEBHOOK_EVENTS_RELAY on, only
    the INSERT (the relay queues it, payments/webhooks/relay.py): the least work before the 200."""
    from django.conf import settings

    relayed = settings.WEBHOOK_EVENTS_RELAY
    webhook_event = WebhookEvent(
        stripe_id=event["id"],
        account=(event.get("account") or account or "")[:64],
        type=event.get("type", "")[:100],
        api_version=(event.get("api_version") or "")[:40],
        created=int(event.get("created") or 0),
        livemode=bool(event.get("livemode")),
        payload=event,
        source=source,
        awaiting_relay=relayed,
    )
    pk = _insert_once(webhook_event)
    if pk is not None:
        webhook_event.pk = pk
        webhook_event._state.adding = False
        if not relayed:
            _queue_processing(pk)
        return webhook_event, True
    existing = WebhookEvent.objects.get(stripe_id=webhook_event.stripe_id)
    if existing.status == WebhookEvent.Status.PENDING and _is_stuck(existing):
        _queue_processing(existing.pk)  # stored earlier but never processed
    return existing, False


def _is_stuck(webhook_event: WebhookEvent) -> bool:
    return (timezone.now() - webhook_event.received_at).total_seconds() > STUCK_AFTER_SECONDS


_OUTCOME_FIELDS = ["status", "error", "attempts", "processed_at"]


def webhook_event_process(*, webhook_event_id: int, force: bool = False) -> WebhookEvent:
    """Run the handler for the event's type. PENDING/FAILED -> SUCCEEDED, IGNORED (no handler) or
    FAILED (error kept), under the event's row lock. Done events are skipped unless `force`.
    Transient gateway errors are re-raised after being recorded, so the task retries."""
    with transaction.atomic():
        webhook_event = WebhookEvent.objects.select_for_update().get(pk=webhook_event_id)
        done = (WebhookEvent.Status.SUCCEEDED, WebhookEvent.Status.IGNORED)
        if webhook_event.status in done and not force:
            return webhook_event
        handler = handler_for(webhook_event.type)
        webhook_event.attempts += 1
        if handler is None:
            webhook_event.status = WebhookEvent.Status.IGNORED
            webhook_event.error = ""
            webhook_event.processed_at = timezone.now()
            webhook_event.save(update_fields=_OUTCOME_FIELDS)
            logger.info(
                "Stripe event %s (%s) has no handler: ignored", webhook_event.stripe_id, webhook_event.type
            )
            return webhook_event
        # No PROCESSING write here: inside this transaction nobody else could see it, and the row
        # lock already keeps a second worker off the event until the outcome below is committed.
        data_object = (webhook_event.payload.get("data") or {}).get("object") or {}
        transient: Exception | None = None
        try:
            with transaction.atomic():
                handler(webhook_event, data_object)
        except gateway.GatewayUnavailable as exc:
            transient = exc
            webhook_event.status = WebhookEvent.Status.FAILED
            webhook_event.error = f"Transient: {exc.message}"
        except Exception as exc:
            logger.exception("Stripe event %s (%s) failed", webhook_event.stripe_id, webhook_event.type)
            webhook_event.status = WebhookEvent.Status.FAILED
            webhook_event.error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
        else:
            webhook_event.status = WebhookEvent.Status.SUCCEEDED
            webhook_event.error = ""
        webhook_event.processed_at = timezone.now()
        webhook_event.save(update_fields=_OUTCOME_FIELDS)
    if transient is not None:
        raise transient
    return webhook_event


def webhook_events_rerun(*, webhook_event_ids: list[int]) -> int:
    """Operator action: process the events again (after a fix), whatever their status."""
    ids = list(WebhookEvent.objects.filter(pk__in=webhook_event_ids).values_list("pk", flat=True))
    with transaction.atomic():
        WebhookEvent.objects.filter(pk__in=ids).update(status=WebhookEvent.Status.PENDING)
        for pk in ids:
            _queue_processing(pk, force=True)
    return len(ids)


def webhook_events_requeue_stuck(*, older_than_seconds: int = STUCK_AFTER_SECONDS) -> int:
    """Queue again the events stored but never processed (the broker was down when they arrived,
    or the process died between storing and queueing) and those whose transient failures (Stripe
    unreachable) outlived the task's retries. A worker starting calls it with 0: whatever was in
    flight when the last one stopped is queued again (processing is idempotent)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stuck = WebhookEvent.objects.filter(received_at__lt=cutoff).filter(
        models.Q(status=WebhookEvent.Status.PENDING)
        | models.Q(
            status=WebhookEvent.Status.FAILED,
            error__startswith="Transient:",
            attempts__lt=MAX_TRANSIENT_ATTEMPTS,
        )
    )
    ids = list(stuck.values_list("pk", flat=True)[:500])
    with transaction.atomic():
        for pk in ids:
            _queue_processing(pk)
    return len(ids)


def _accounts_to_sync(*, active_since) -> models.QuerySet[StripeAccount]:
    """Connected accounts where events can be happening: open payment requests, a request that
    changed lately (paid, refunded, disputed), or the account itself (onboarding, requirements).
    At 20,000 dealerships most are idle at any moment. Least recently synced first."""
    from payments.models import PaymentRequest
    from payments.requests.states import OPEN_STATUSES

    busy = PaymentRequest.objects.filter(stripe_account=models.OuterRef("pk")).filter(
        models.Q(status__in=OPEN_STATUSES) | models.Q(updated_at__gte=active_since)
    )
    return (
        StripeAccount.objects.filter(disconnected_at__isnull=True)
        .filter(models.Q(updated_at__gte=active_since) | models.Exists(busy))
        .order_by(models.F("events_synced_until").asc(nulls_first=True), "id")
    )


def _sync_source(*, account_id: str | None, created_gte: int, counts: dict[str, int]) -> None:
    events = gateway.events_list(account_id=account_id, created_gte=created_gte)
    counts["listed"] += len(events)
    known = set(
        WebhookEvent.objects.filter(stripe_id__in=[e["id"] for e in events]).values_list(
            "stripe_id", flat=True
        )
    )
    for event in sorted(events, key=lambda e: e.get("created") or 0):  # oldest first, as delivered
        if event["id"] not in known:
            _, created = webhook_event_store(
                event=event, source=WebhookEvent.Source.SYNC, account=account_id or ""
            )
            counts["stored"] += int(created)


def webhook_events_sync(*, since: int | None = None) -> dict[str, int]:
    """Missed events: list recent events from Stripe and store + process any we have not stored.

    The periodic run lists the platform, then the connected accounts with recent activity
    (`_accounts_to_sync`), each from its own cursor (`events_synced_until`, less a small overlap)
    and at most SYNC_WINDOW_SECONDS back; at most STRIPE_SYNC_ACCOUNTS_PER_RUN accounts per run
    (least recently synced first, so the next run goes on where this one stopped), paced at
    STRIPE_SYNC_CALLS_PER_SECOND across all workers. An operator's `since` (sync_stripe_events
    --days) lists every live account from then."""
    from django.conf import settings

    from core.rate_limit import TokenBucket

    now = int(time.time())
    window_start = now - SYNC_WINDOW_SECONDS
    counts = {"listed": 0, "stored": 0, "accounts": 0, "requeued": webhook_events_requeue_stuck()}
    bucket = TokenBucket(name="stripe:events-sync", rate=settings.STRIPE_SYNC_CALLS_PER_SECOND)
    bucket.acquire(max_wait=60)
    _sync_source(account_id=None, created_gte=since if since is not None else window_start, counts=counts)
    if since is not None:
        accounts = list(StripeAccount.objects.filter(disconnected_at__isnull=True).order_by("id"))
    else:
        active_since = timezone.now() - timedelta(seconds=SYNC_WINDOW_SECONDS)
        accounts = list(_accounts_to_sync(active_since=active_since)[: settings.STRIPE_SYNC_ACCOUNTS_PER_RUN])
    for account in accounts:
        started = int(time.time())
        if since is not None:
            created_gte = since
        else:
            cursor = (account.events_synced_until or 0) - SYNC_CURSOR_OVERLAP_SECONDS
            created_gte = max(cursor, window_start)
        bucket.acquire(max_wait=60)
        _sync_source(account_id=account.stripe_id, created_gte=created_gte, counts=counts)
        StripeAccount.objects.filter(pk=account.pk).update(events_synced_until=started)
        counts["accounts"] += 1
    if counts["stored"]:
        logger.info("Missed-event sync stored %s of %s listed events", counts["stored"], counts["listed"])
    return counts
