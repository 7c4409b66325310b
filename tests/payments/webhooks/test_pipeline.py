"""The webhook pipeline: verify -> store once -> 200 -> process in a task -> status/error.
These tests need no Stripe server: the events' handlers don't call Stripe."""

import time

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from organizations.models import Role
from payments.models import StripeAccount, WebhookEvent
from payments.webhooks import routes
from payments.webhooks.pipeline import webhook_event_process
from tests.factories import StripeAccountFactory, TeamFactory, UserFactory
from tests.payments.webhooks.stripe_events import event_build, stripe_object, webhook_post

PLATFORM_SECRET = "whsec_b1_platform"
CONNECT_SECRET = "whsec_b1_connect"
PLATFORM_URL = "/webhooks/stripe/"
CONNECT_URL = "/webhooks/stripe/connect/"


@pytest.fixture(autouse=True)
def stripe_settings(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_b1_unreachable"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: a call would fail loudly
    settings.STRIPE_WEBHOOK_SECRET = PLATFORM_SECRET
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = CONNECT_SECRET
    return settings


@pytest.fixture
def failing_handler(monkeypatch):
    """A handler for a made-up event type that fails until `state["fixed"]` is set."""
    state = {"fixed": False, "calls": 0}

    def handler(webhook_event, data_object):
        state["calls"] += 1
        if not state["fixed"]:
            raise ValueError("customer record locked")

    monkeypatch.setitem(routes.ROUTES, "b1test.flaky", handler)
    return state


def _unknown_event(**kwargs):
    return event_build("application_fee.created", stripe_object("application_fee"), **kwargs)


def test_valid_event_is_stored_answered_200_and_processed_after_commit(
    client, db, django_capture_on_commit_callbacks
):
    event = _unknown_event()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = webhook_post(client, PLATFORM_URL, event, PLATFORM_SECRET)
    assert response.status_code == 200
    assert len(callbacks) == 1
    stored = WebhookEvent.objects.get(stripe_id=event["id"])
    assert stored.type == "application_fee.created"
    assert stored.payload["id"] == event["id"]
    assert stored.status == WebhookEvent.Status.IGNORED  # no handler for this type: kept, ignored
    assert stored.attempts == 1


@pytest.mark.parametrize("url,secret", [(PLATFORM_URL, PLATFORM_SECRET), (CONNECT_URL, CONNECT_SECRET)])
def test_forged_signature_is_400_and_nothing_is_stored(client, db, url, secret):
    response = webhook_post(client, url, _unknown_event(account="acct_x"), secret, forge=True)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_event_signed_with_the_other_endpoints_secret_is_refused(client, db):
    event = _unknown_event(account="acct_x")
    assert webhook_post(client, CONNECT_URL, event, PLATFORM_SECRET).status_code == 400
    assert webhook_post(client, PLATFORM_URL, event, CONNECT_SECRET).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_missing_signature_and_tampered_payload_are_refused(client, db):
    event = _unknown_event()
    response = client.post(PLATFORM_URL, data=b'{"id": "evt_1"}', content_type="application/json")
    assert response.status_code == 400
    from tests.payments.webhooks.stripe_events import signature_header

    good = b'{"id": "evt_1", "type": "application_fee.created", "created": 1}'
    header = signature_header(good, PLATFORM_SECRET)
    tampered = b'{"id": "evt_1", "type": "application_fee.refunded", "created": 1}'
    response = client.post(
        PLATFORM_URL, data=tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 400
    assert webhook_post(client, PLATFORM_URL, event, PLATFORM_SECRET).status_code == 200
    assert list(WebhookEvent.objects.values_list("stripe_id", flat=True)) == [event["id"]]


def test_stale_signature_outside_300_seconds_is_refused_inside_is_accepted(client, db):
    old = _unknown_event()
    response = webhook_post(client, PLATFORM_URL, old, PLATFORM_SECRET, timestamp=int(time.time()) - 400)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    recent = _unknown_event()
    response = webhook_post(client, PLATFORM_URL, recent, PLATFORM_SECRET, timestamp=int(time.time()) - 240)
    assert response.status_code == 200
    assert WebhookEvent.objects.filter(stripe_id=recent["id"]).exists()


def test_duplicate_delivery_is_stored_once_and_processed_once(
    client, db, django_capture_on_commit_callbacks, failing_handler
):
    failing_handler["fixed"] = True
    event = event_build("b1test.flaky", {"id": "obj_1", "object": "thing"})
    with django_capture_on_commit_callbacks(execute=True):
        first = webhook_post(client, PLATFORM_URL, event, PLATFORM_SECRET)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = webhook_post(client, PLATFORM_URL, event, PLATFORM_SECRET)
    assert first.status_code == second.status_code == 200
    assert second.json()["duplicate"] is True
    assert callbacks == []  # nothing queued for the duplicate
    assert WebhookEvent.objects.filter(stripe_id=event["id"]).count() == 1
    assert failing_handler["calls"] == 1
    # processing the stored event again (a task run twice) does nothing
    webhook_event_process(webhook_event_id=WebhookEvent.objects.get().pk)
    assert failing_handler["calls"] == 1


def test_failed_handler_keeps_the_error_and_admin_rerun_succeeds_after_a_fix(
    client, db, django_capture_on_commit_callbacks, failing_handler
):
    event = event_build("b1test.flaky", {"id": "obj_1", "object": "thing"})
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_post(client, PLATFORM_URL, event, PLATFORM_SECRET).status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.status == WebhookEvent.Status.FAILED
    assert "customer record locked" in stored.error
    assert stored.attempts == 1

    operator = UserFactory(organization=None, is_staff=True, is_superuser=True, role=Role.ADMIN)
    client.force_login(operator)
    changelist = reverse("admin:payments_webhookevent_changelist")
    page = client.get(changelist + "?status__exact=failed")
    assert event["id"] in page.content.decode()
    assert "customer record locked" in page.content.decode()
    failing_handler["fixed"] = True
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "rerun_selected", ACTION_CHECKBOX_NAME: [stored.pk]}, follow=True
        )
    assert response.status_code == 200
    stored.refresh_from_db()
    assert stored.status == WebhookEvent.Status.SUCCEEDED
    assert stored.error == ""
    assert stored.attempts == 2


def test_connect_event_records_its_account(client, db, django_capture_on_commit_callbacks):
    event = _unknown_event(account="acct_1Store")
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_post(client, CONNECT_URL, event, CONNECT_SECRET).status_code == 200
    assert WebhookEvent.objects.get().account == "acct_1Store"


def test_deauthorized_account_is_disconnected_history_kept_and_not_used(
    client, org, django_capture_on_commit_callbacks
):
    from payments.accounts.selectors import stripe_account_for_team

    first = StripeAccountFactory(organization=org)
    second = StripeAccountFactory(organization=org)
    routed = TeamFactory(organization=org, stripe_account=first)
    event = event_build(
        "account.application.deauthorized",
        {"id": "ca_platform", "object": "application", "name": "TextPay"},
        account=first.stripe_id,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_post(client, CONNECT_URL, event, CONNECT_SECRET).status_code == 200
    first.refresh_from_db()
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.SUCCEEDED
    assert first.disconnected_at is not None
    assert first.status == StripeAccount.Status.DISCONNECTED
    assert StripeAccount.objects.filter(pk=first.pk).exists()  # kept
    routed.refresh_from_db()
    assert stripe_account_for_team(routed) == second  # back on the default, never the disconnected one


def test_every_event_type_of_the_issue_has_a_handler():
    required = [
        "account.updated",
        "account.application.deauthorized",
        "checkout.session.completed",
        "checkout.session.expired",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "charge.refunded",
        "refund.updated",
        "charge.dispute.created",
        "payout.paid",
        "payout.failed",
        "setup_intent.succeeded",
    ]
    assert [t for t in required if routes.handler_for(t) is None] == []


def test_event_stored_but_never_processed_is_queued_again(client, db, django_capture_on_commit_callbacks):
    """E.g. the broker was down when the webhook arrived: the row stayed PENDING."""
    from datetime import timedelta

    from django.utils import timezone

    from payments.webhooks.pipeline import webhook_events_requeue_stuck

    event = _unknown_event()
    response = webhook_post(client, PLATFORM_URL, event, PLATFORM_SECRET)  # on_commit never ran
    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.status == WebhookEvent.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_events_requeue_stuck() == 0  # too recent to call stuck
    WebhookEvent.objects.filter(pk=stored.pk).update(received_at=timezone.now() - timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_events_requeue_stuck() == 1
    stored.refresh_from_db()
    assert stored.status == WebhookEvent.Status.IGNORED
    # Stripe's own retry of a stuck event also gets it processed
    other = _unknown_event()
    webhook_post(client, PLATFORM_URL, other, PLATFORM_SECRET)
    WebhookEvent.objects.filter(stripe_id=other["id"]).update(
        received_at=timezone.now() - timedelta(minutes=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_post(client, PLATFORM_URL, other, PLATFORM_SECRET).json()["duplicate"] is True
    assert WebhookEvent.objects.get(stripe_id=other["id"]).status == WebhookEvent.Status.IGNORED


def test_transient_failure_is_recorded_and_retried_by_the_sync(
    db, django_capture_on_commit_callbacks, client
):
    """Stripe unreachable while handling account.updated: FAILED "Transient: ...", then processed
    once Stripe answers again (here: the account is unknown to us, so it succeeds trivially)."""
    from datetime import timedelta

    from django.utils import timezone

    from payments.webhooks.pipeline import webhook_events_requeue_stuck

    account = StripeAccountFactory()
    event = event_build(
        "account.updated", stripe_object("account", id=account.stripe_id), account=account.stripe_id
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_post(client, CONNECT_URL, event, CONNECT_SECRET).status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.status == WebhookEvent.Status.FAILED
    assert stored.error.startswith("Transient:")
    account.delete()
    WebhookEvent.objects.filter(pk=stored.pk).update(received_at=timezone.now() - timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_events_requeue_stuck() == 1
    stored.refresh_from_db()
    assert stored.status == WebhookEvent.Status.SUCCEEDED
    assert stored.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_event_delivered_many_times_at_once_is_stored_and_queued_once(monkeypatch):
    """Stripe (or a retry racing the original) delivers one event on 8 connections at the same
    instant: INSERT ... ON CONFLICT DO NOTHING stores it once, and only that delivery queues it."""
    import threading

    from django.db import connection

    from payments.webhooks import pipeline

    queued: list[int] = []
    monkeypatch.setattr(pipeline, "_send_to_queue", lambda pk, force=False: queued.append(pk))
    event = _unknown_event()
    start = threading.Barrier(8)
    created: list[bool] = []

    def deliver():
        try:
            start.wait(10)
            created.append(pipeline.webhook_event_store(event=event)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created) == [False] * 7 + [True]
    stored = WebhookEvent.objects.get(stripe_id=event["id"])
    assert queued == [stored.pk]
    assert (stored.status, stored.type, stored.payload["id"]) == ("pending", event["type"], event["id"])


def test_a_stored_event_reads_back_as_it_was_sent(db, django_capture_on_commit_callbacks):
    """The one-statement INSERT writes every column as the ORM would (JSON payload, defaults)."""
    from payments.webhooks.pipeline import webhook_event_store

    event = _unknown_event(account="acct_1Xyz")
    event["livemode"] = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stored, created = webhook_event_store(event=event, source=WebhookEvent.Source.SYNC)
    assert created and len(callbacks) == 1
    fresh = WebhookEvent.objects.get(pk=stored.pk)
    assert fresh.payload == event and fresh.livemode is True and fresh.account == "acct_1Xyz"
    assert (fresh.source, fresh.status, fresh.attempts, fresh.error) == ("sync", "pending", 0, "")
    assert fresh.received_at is not None and fresh.created == event["created"]
    again, created = webhook_event_store(event=event)
    assert (again.pk, created) == (stored.pk, False)
