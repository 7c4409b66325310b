"""Retention: finished deliveries and their log older than 30 days are pruned by the beat job in
bounded batches; unfinished ones never; the newest event of each object stays so its sequence goes on."""

import datetime as dt

import pytest
from django.utils import timezone

from config.celery import app
from payments.dealer_webhooks.events import outbound_event_emit
from payments.dealer_webhooks.retention import outbound_events_prune
from payments.dealer_webhooks.tasks import outbound_events_prune_task
from payments.models import OutboundEvent, WebhookDelivery, WebhookDeliveryAttempt

pytestmark = pytest.mark.django_db


def _emit(org, object_id, *, type="payment.succeeded"):
    return outbound_event_emit(
        organization_id=org.pk, type=type, object_type="payment", object_id=object_id, data={"id": object_id}
    )


def _age(event, days):
    then = timezone.now() - dt.timedelta(days=days)
    OutboundEvent.objects.filter(pk=event.pk).update(created_at=then)
    WebhookDelivery.objects.filter(event=event).update(created_at=then)
    WebhookDelivery.objects.filter(event=event, last_attempt_at__isnull=False).update(last_attempt_at=then)
    WebhookDeliveryAttempt.objects.filter(delivery__event=event).update(created_at=then)


def test_old_finished_deliveries_go_and_the_rest_stays(
    org, endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        old_first = _emit(org, 1)  # delivered 40 days ago, then a newer event of the same payment
        old_second = _emit(org, 1)
        old_alone = _emit(org, 2)  # delivered 40 days ago, the last event of its payment
        recent = _emit(org, 3)  # delivered 10 days ago
    webhook_receiver.fail_next(1, status=500)
    with django_capture_on_commit_callbacks(execute=True):
        retrying = _emit(org, 4)  # 40 days old and still retrying (an endpoint that came back)
    for event, days in ((old_first, 40), (old_second, 40), (old_alone, 40), (recent, 10), (retrying, 40)):
        _age(event, days)
    assert WebhookDelivery.objects.get(event=retrying).status == "retrying"

    pruned = outbound_events_prune()

    assert (pruned.deliveries, pruned.attempts, pruned.more) == (3, 3, False)
    assert set(WebhookDelivery.objects.values_list("event_id", flat=True)) == {recent.pk, retrying.pk}
    assert WebhookDeliveryAttempt.objects.filter(delivery__event=retrying).count() == 1  # its log stays
    # the first event of payment 1 goes; the newest of payments 1 and 2 stays for the sequence
    assert pruned.events == 1
    assert set(OutboundEvent.objects.values_list("pk", flat=True)) == {
        old_second.pk,
        old_alone.pk,
        recent.pk,
        retrying.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert _emit(org, 1).sequence == 3  # numbering goes on after the prune
    again = outbound_events_prune()  # the kept one of payment 1 is no longer its newest
    assert (again.deliveries, again.events) == (0, 1) and not OutboundEvent.objects.filter(pk=old_second.pk)


def test_events_no_endpoint_received_are_pruned_too(org):
    events = [_emit(org, 9) for _ in range(3)]  # no endpoint: events without deliveries
    for event in events:
        _age(event, 31)
    assert outbound_events_prune().events == 2
    assert list(OutboundEvent.objects.values_list("sequence", flat=True)) == [3]


def test_batches_are_bounded_and_the_next_run_goes_on(org, endpoint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        events = [_emit(org, n) for n in range(5)]
    for event in events:
        _age(event, 45)
    first = outbound_events_prune(batch_size=2, max_batches=2)
    assert (first.deliveries, first.more) == (4, True)
    second = outbound_events_prune(batch_size=2, max_batches=2)
    assert (second.deliveries, second.events) == (1, 0)  # each event is its payment's newest
    assert WebhookDelivery.objects.count() == 0 and OutboundEvent.objects.count() == 5


def test_the_retention_is_a_setting_and_the_beat_runs_it(
    settings, org, endpoint, django_capture_on_commit_callbacks
):
    settings.OUTBOUND_EVENT_RETENTION_DAYS = 60
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(org, 1)
    _age(event, 45)
    outbound_events_prune_task()
    assert WebhookDelivery.objects.filter(event=event).exists()  # 45 < 60 days
    settings.OUTBOUND_EVENT_RETENTION_DAYS = 30
    outbound_events_prune_task.delay()
    assert not WebhookDelivery.objects.filter(event=event).exists()
    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "payments.outbound_events_prune" in schedule
