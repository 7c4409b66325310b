"""How long outbound events and their delivery log are kept (OUTBOUND_EVENT_RETENTION_DAYS, 30).

The beat job (hourly, `payments.outbound_events_prune`) deletes, in batches of BATCH_SIZE rows and
at most MAX_BATCHES batches a run (a backlog is worked off over the following runs):

1. deliveries that are over (delivered, given up after 3 days, or not sent because the endpoint
   was disabled) whose last attempt is older than the retention, with their attempts (the log);
2. then events older than the retention that no delivery refers to any more, EXCEPT the newest
   event of each object: `sequence` is counted from the stored events (events.py), so keeping
   the last one makes the next event of that object continue the numbering (a receiver drops
   anything not higher than what it has applied).

A delivery still pending or retrying is never deleted, whatever its age; nor is its event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from payments.models import OutboundEvent, WebhookDelivery, WebhookDeliveryAttempt

BATCH_SIZE = 1000
MAX_BATCHES = 20
FINISHED = (
    WebhookDelivery.Status.SUCCEEDED,
    WebhookDelivery.Status.FAILED,
    WebhookDelivery.Status.CANCELLED,
)


@dataclass
class Pruned:
    deliveries: int = 0
    attempts: int = 0
    events: int = 0
    more: bool = False  # a batch limit was reached: the next run goes on


def retention_cutoff(*, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.OUTBOUND_EVENT_RETENTION_DAYS)


def _old_deliveries(cutoff: dt.datetime):
    return WebhookDelivery.objects.filter(status__in=FINISHED, created_at__lt=cutoff).filter(
        Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=cutoff)
    )


def _old_events(cutoff: dt.datetime):
    newer = OutboundEvent.objects.filter(
        organization_id=OuterRef("organization_id"),
        object_type=OuterRef("object_type"),
        object_id=OuterRef("object_id"),
        sequence__gt=OuterRef("sequence"),
    )
    referenced = WebhookDelivery.objects.filter(event_id=OuterRef("pk"))
    return (
        OutboundEvent.objects.filter(created_at__lt=cutoff).filter(Exists(newer)).exclude(Exists(referenced))
    )


def outbound_events_prune(
    *, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES
) -> Pruned:
    cutoff = retention_cutoff(now=now)
    pruned, batches = Pruned(), 0
    while batches < max_batches:
        pks = list(_old_deliveries(cutoff).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not pks:
            break
        batches += 1
        pruned.attempts += WebhookDeliveryAttempt.objects.filter(delivery_id__in=pks).delete()[0]
        pruned.deliveries += WebhookDelivery.objects.filter(pk__in=pks).delete()[0]
    while batches < max_batches:
        pks = list(_old_events(cutoff).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not pks:
            break
        batches += 1
        pruned.events += OutboundEvent.objects.filter(pk__in=pks).delete()[0]
    pruned.more = batches >= max_batches
    return pruned
