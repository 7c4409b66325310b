"""account.* events end to end against the emulator: out of order, twice, lost (missed-event sync),
deauthorization; and the rule that an older event never overwrites a newer state."""

import time

import pytest
from django.core.management import call_command

from payments.accounts.services import stripe_account_apply, stripe_account_connect
from payments.gateway.types import AccountInfo
from payments.models import StripeAccount, WebhookEvent
from payments.webhooks.tasks import sync_missed_events_task
from tests.factories import StripeAccountFactory


@pytest.fixture
def account(stripe_server, org, admin_user):
    account, _ = stripe_account_connect(organization=org, user=admin_user, authorized=True)
    stripe_server.take_held()  # nothing interesting yet
    return account


def _info(account_id, *, connected: bool) -> AccountInfo:
    return AccountInfo(
        id=account_id,
        country="US",
        default_currency="USD",
        charges_enabled=connected,
        payouts_enabled=connected,
        details_submitted=connected,
        requirements_currently_due=() if connected else ("external_account",),
        disabled_reason="" if connected else "requirements.past_due",
        payout_schedule=None,
        statement_descriptor="",
        business_name="",
    )


def test_older_state_never_overwrites_a_newer_one(db, org):
    acct = StripeAccountFactory(
        organization=org, charges_enabled=False, payouts_enabled=False, details_submitted=False
    )
    _, applied = stripe_account_apply(
        stripe_account_id=acct.pk, info=_info(acct.stripe_id, connected=True), event_created=2000
    )
    assert applied
    _, applied = stripe_account_apply(
        stripe_account_id=acct.pk, info=_info(acct.stripe_id, connected=False), event_created=1000
    )
    assert not applied
    acct.refresh_from_db()
    assert acct.status == StripeAccount.Status.CONNECTED
    assert acct.last_event_created == 2000


def test_events_delivered_in_reverse_order_and_twice_end_connected(
    stripe_server, client, account, django_capture_on_commit_callbacks
):
    stripe_server.complete_onboarding(account.stripe_id)  # several account.updated events
    assert stripe_server.held_types().count("account.updated") >= 2
    with django_capture_on_commit_callbacks(execute=True):
        responses = stripe_server.deliver_held(client, order="reverse", repeat=2)
    assert all(r.status_code == 200 for r in responses)
    account.refresh_from_db()
    assert account.status == StripeAccount.Status.CONNECTED
    events = WebhookEvent.objects.filter(type="account.updated")
    assert events.count() == len(responses) // 2  # stored once each
    assert set(events.values_list("status", flat=True)) == {WebhookEvent.Status.SUCCEEDED}
    assert set(events.values_list("attempts", flat=True)) == {1}  # duplicates not processed again
    assert account.last_event_created == max(events.values_list("created", flat=True))


def test_older_event_is_skipped_even_when_the_account_can_no_longer_be_read(
    stripe_server, client, account, django_capture_on_commit_callbacks
):
    """An event older than the state we applied is skipped before anything else (here the
    platform's access was revoked meanwhile, so the account can't even be re-read)."""
    stripe_server.complete_onboarding(account.stripe_id)
    held = stripe_server.take_held()
    oldest, newest = held[0], held[-1]
    assert oldest.event["data"]["object"]["charges_enabled"] is False
    assert newest.event["data"]["object"]["charges_enabled"] is True
    oldest.event["created"] = newest.event["created"] - 10
    with django_capture_on_commit_callbacks(execute=True):
        stripe_server.deliver(newest, client)
    account.refresh_from_db()
    assert account.status == StripeAccount.Status.CONNECTED
    stripe_server.deauthorize(account.stripe_id)
    stripe_server.take_held()
    with django_capture_on_commit_callbacks(execute=True):
        assert stripe_server.deliver(oldest, client).status_code == 200
    account.refresh_from_db()
    assert account.status == StripeAccount.Status.CONNECTED  # not back to onboarding
    assert WebhookEvent.objects.get(stripe_id=oldest.event["id"]).status == WebhookEvent.Status.SUCCEEDED


def test_deauthorization_from_stripe_disconnects(
    stripe_server, client, account, django_capture_on_commit_callbacks
):
    stripe_server.complete_onboarding(account.stripe_id)
    stripe_server.deauthorize(account.stripe_id)
    with django_capture_on_commit_callbacks(execute=True):
        stripe_server.deliver_held(client)
    account.refresh_from_db()
    assert account.disconnected_at is not None
    assert account.status == StripeAccount.Status.DISCONNECTED
    # account.updated events processed after the revocation fall back to the event's own snapshot
    assert not WebhookEvent.objects.filter(status=WebhookEvent.Status.FAILED).exists()


def test_missed_events_are_fetched_stored_and_processed_once(
    stripe_server, client, account, django_capture_on_commit_callbacks
):
    stripe_server.complete_onboarding(account.stripe_id)
    lost = stripe_server.take_held()  # never delivered: lost in transit
    assert lost
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sync_stripe_events", "--days", "1")
    account.refresh_from_db()
    assert account.status == StripeAccount.Status.CONNECTED
    synced = WebhookEvent.objects.filter(source=WebhookEvent.Source.SYNC)
    assert set(synced.values_list("stripe_id", flat=True)) == {d.event["id"] for d in lost}
    assert set(synced.values_list("account", flat=True)) == {account.stripe_id}
    assert set(synced.values_list("status", flat=True)) == {WebhookEvent.Status.SUCCEEDED}
    # the periodic task finds nothing new; the late webhook deliveries are duplicates
    with django_capture_on_commit_callbacks(execute=True):
        counts = sync_missed_events_task.delay().get()
    assert counts["stored"] == 0 and counts["listed"] >= len(lost)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for delivery in lost:
            response = stripe_server.deliver(delivery, client)
            assert response.status_code == 200 and response.json()["duplicate"] is True
    assert callbacks == []
    assert WebhookEvent.objects.count() == len(lost)


def test_sync_looks_at_the_platform_and_every_live_account(stripe_server, account, org, admin_user, db):
    second, _ = stripe_account_connect(organization=org, user=admin_user, authorized=True)
    stripe_server.complete_onboarding(second.stripe_id)
    stripe_server.emit_event("account.updated", account=account.stripe_id, object_id=account.stripe_id)
    stripe_server.take_held()
    from payments.webhooks.pipeline import webhook_events_sync

    counts = webhook_events_sync(since=int(time.time()) - 3600)
    stored = set(WebhookEvent.objects.values_list("account", flat=True))
    assert stored == {account.stripe_id, second.stripe_id}
    assert counts["stored"] == WebhookEvent.objects.count()
