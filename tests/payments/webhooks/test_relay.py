"""The webhook relay (WEBHOOK_EVENTS_RELAY): the web process only stores the event; the relay
queues it, in batches grouped per object in Stripe's order; each event is processed once."""

import pytest
from django.test import Client

from payments import gateway
from payments.models import Payment, PaymentRequest, PaymentRequestEvent, WebhookEvent
from payments.webhooks.relay import relay_batches, webhook_events_relay_once
from tests.payments.request_helpers import connected_account, request_form
from tests.payments.webhooks.stripe_events import event_build, stripe_object, webhook_post

PLATFORM_SECRET = "whsec_relay_platform"


def test_batches_keep_each_objects_events_together_in_stripes_order():
    rows = [
        (1, 200, "7", "pi_a"),
        (2, 100, "", "acct_x"),
        (3, 100, "7", "cs_a"),  # same request as id 1, created earlier
        (4, 50, "", "acct_x"),
        (5, 300, "8", "pi_b"),
    ]
    assert relay_batches(rows, per_task=10) == [[3, 1, 4, 2, 5]]
    batches = relay_batches(rows, per_task=2)
    assert batches == [[3, 1], [4, 2], [5]]
    # An object's events are never split, even past the batch size.
    many = [(i, i, "9", f"pi_{i}") for i in range(1, 6)]
    assert relay_batches(many, per_task=2) == [[1, 2, 3, 4, 5]]


def test_with_the_relay_the_webhook_only_stores_and_the_relay_queues_it_once(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.STRIPE_WEBHOOK_SECRET = PLATFORM_SECRET
    settings.WEBHOOK_EVENTS_RELAY = True
    event = event_build("application_fee.created", stripe_object("application_fee"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = webhook_post(client, "/webhooks/stripe/", event, PLATFORM_SECRET)
        duplicate = webhook_post(client, "/webhooks/stripe/", event, PLATFORM_SECRET)
    assert response.status_code == 200 and duplicate.json()["duplicate"] is True
    assert callbacks == []  # nothing queued by the web process
    stored = WebhookEvent.objects.get(stripe_id=event["id"])
    assert stored.status == WebhookEvent.Status.PENDING and stored.awaiting_relay

    published = []
    assert webhook_events_relay_once(publish=published.append) == 1
    assert published == [[stored.pk]]
    assert webhook_events_relay_once(publish=published.append) == 0  # claimed once
    assert published == [[stored.pk]]
    stored.refresh_from_db()
    assert not stored.awaiting_relay

    # The real publish (eager in tests) processes the batch.
    WebhookEvent.objects.filter(pk=stored.pk).update(awaiting_relay=True)
    assert webhook_events_relay_once() == 1
    stored.refresh_from_db()
    assert stored.status == WebhookEvent.Status.IGNORED and stored.attempts == 1


def test_a_broker_failure_leaves_the_events_pending_for_the_stuck_requeue(db, settings):
    settings.WEBHOOK_EVENTS_RELAY = True
    from payments.webhooks.pipeline import webhook_event_store

    stored, _ = webhook_event_store(
        event=event_build("application_fee.created", stripe_object("application_fee"))
    )

    def broker_down(batch):
        raise ConnectionError("redis down")

    assert webhook_events_relay_once(publish=broker_down) == 1
    stored.refresh_from_db()
    assert stored.status == WebhookEvent.Status.PENDING  # webhook_events_requeue_stuck takes it


@pytest.mark.django_db(transaction=True)
def test_relayed_duplicates_and_reversed_events_record_one_payment_with_one_stripe_read(
    stripe_server, settings, advisor, customer, team, monkeypatch
):
    settings.WEBHOOK_EVENTS_RELAY = True
    connected_account(stripe_server, team.organization)
    client = Client()
    client.force_login(advisor)
    response = client.post(
        f"/requests/new/?customer={customer.pk}", request_form(customer, team, channel="email")
    )
    assert response.status_code == 302
    pr = PaymentRequest.objects.latest("id")
    checkout = Client().post(f"/pay/{pr.token}/checkout/")
    assert stripe_server.pay_checkout(checkout["Location"]).paid
    deliveries = [
        d
        for d in stripe_server.take_held()
        if d.event["type"] in ("checkout.session.completed", "payment_intent.succeeded")
    ]
    assert len(deliveries) == 2
    for delivery in [*reversed(deliveries), *deliveries]:  # out of order, then each again
        stripe_server.deliver(delivery, Client())
    assert not Payment.objects.filter(payment_request=pr).exists()  # stored, not processed yet

    reads = []
    original = gateway.payment_intent_retrieve
    monkeypatch.setattr(gateway, "payment_intent_retrieve", lambda **kw: reads.append(kw) or original(**kw))
    assert webhook_events_relay_once() == 2
    assert len(reads) == 1  # one batch (same request): the PaymentIntent is read once
    assert Payment.objects.filter(payment_request=pr).count() == 1
    pr.refresh_from_db()
    assert pr.status == "paid" and pr.amount_paid_minor == pr.amount_minor
    assert PaymentRequestEvent.objects.filter(payment_request=pr, kind="payment_succeeded").count() == 1
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"succeeded"}
