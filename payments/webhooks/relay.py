"""The webhook relay: with WEBHOOK_EVENTS_RELAY on, the web process acknowledges a Stripe event
with ONE statement (the INSERT, `awaiting_relay` true) and queues nothing; this loop
(`manage.py webhook_relay`, its own service) takes the stored events in batches and queues their
processing, several events per task.

- **Once**: the claim is one `UPDATE ... SET awaiting_relay = false ... FOR UPDATE SKIP LOCKED
  RETURNING`, so two relays never take the same event. If the relay dies after the claim and
  before the publish, the events stay PENDING and the stuck-event requeue (every missed-event sync,
  and each worker's start) queues them: none is lost, processing is idempotent.
- **Per object, in order**: events are grouped by the payment request they are about (the
  `payment_request_id` in the object's metadata), else by the object's id; one object's events
  go into the same task, in Stripe's `created` order, so they are processed one after the other
  in one worker process, never side by side.
- **Batches**: up to RELAY_TASK_EVENTS events per task; a burst costs one broker message per
  batch, not one per event, and the task retrieves each PaymentIntent once for all of its events
  (`payments.requests.recording.payment_intent_memo`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)

RELAY_CLAIM_LIMIT = 500  # events claimed per round trip
RELAY_TASK_EVENTS = 10  # events per queued task (a burst is spread over the workers)
RELAY_IDLE_SLEEP_SECONDS = 0.05  # between polls when nothing waits (a partial index: ~0.1 ms each)

_CLAIM_SQL = """
UPDATE payments_webhookevent AS e SET awaiting_relay = false
FROM (
    SELECT id FROM payments_webhookevent WHERE awaiting_relay
    ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
) AS due
WHERE e.id = due.id
RETURNING e.id, e.created,
    COALESCE(e.payload -> 'data' -> 'object' -> 'metadata' ->> 'payment_request_id', ''),
    COALESCE(e.payload -> 'data' -> 'object' ->> 'id', '')
"""


def _object_key(request_id: str, object_id: str) -> str:
    return f"request:{request_id}" if request_id else f"object:{object_id}"


def relay_batches(
    rows: list[tuple[int, int, str, str]], *, per_task: int = RELAY_TASK_EVENTS
) -> list[list[int]]:
    """Group claimed events (id, created, payment_request_id, object id) by object, each object's
    in (created, id) order, and pack whole objects into batches of about `per_task` events (one
    object's events are never split, however many)."""
    groups: dict[str, list[tuple[int, int]]] = {}
    for pk, created, request_id, object_id in rows:
        groups.setdefault(_object_key(request_id, object_id), []).append((created or 0, pk))
    batches: list[list[int]] = []
    current: list[int] = []
    for events in groups.values():
        ids = [pk for _, pk in sorted(events)]
        if current and len(current) + len(ids) > per_task:
            batches.append(current)
            current = []
        current += ids
    if current:
        batches.append(current)
    return batches


def _publish(batch: list[int]) -> None:
    from payments.webhooks.tasks import webhook_events_process_task

    webhook_events_process_task.delay(batch)


def webhook_events_relay_once(*, limit: int = RELAY_CLAIM_LIMIT, publish: Callable | None = None) -> int:
    """Claim up to `limit` events awaiting the relay and queue their processing. Returns how many."""
    with connection.cursor() as cursor:  # autocommit: the claim is committed before the publish
        cursor.execute(_CLAIM_SQL, [limit])
        rows = cursor.fetchall()
    for batch in relay_batches(rows):
        try:
            (publish or _publish)(batch)
        except Exception:  # broker down: they stay PENDING; the stuck-event requeue queues them
            logger.exception("Could not queue Stripe events %s; the stuck-event requeue will", batch)
    return len(rows)


def webhook_events_relay_run(*, stop: Callable[[], bool] = lambda: False) -> None:
    """The relay's loop: claim and queue while events wait, poll every RELAY_IDLE_SLEEP_SECONDS
    when none does."""
    while not stop():
        try:
            claimed = webhook_events_relay_once()
        except Exception:  # the database restarted: reconnect on the next round
            logger.exception("Webhook relay round failed")
            close_old_connections()
            connection.close()
            time.sleep(1)
            continue
        if claimed < RELAY_CLAIM_LIMIT:
            time.sleep(RELAY_IDLE_SLEEP_SECONDS)
