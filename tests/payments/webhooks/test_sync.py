"""The missed-event sync at scale: only accounts where something is happening, each from its own
cursor, a bounded number per run (the next run goes on where this one stopped)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments.models import StripeAccount, WebhookEvent
from payments.webhooks.pipeline import webhook_events_sync
from tests.factories import PaymentRequestFactory
from tests.payments.request_helpers import connected_account


@pytest.fixture
def accounts(stripe_server, org):
    """Three connected accounts, all quiet for a week: nothing open, nothing changed lately."""
    made = [connected_account(stripe_server, org) for _ in range(3)]
    StripeAccount.objects.filter(pk__in=[a.pk for a in made]).update(
        updated_at=timezone.now() - timedelta(days=7)
    )
    for account in made:
        stripe_server.emit_event("account.updated", account=account.stripe_id, object_id=account.stripe_id)
    stripe_server.take_held()  # lost in transit: only the sync can find them
    return made


def _synced_accounts() -> set[str]:
    return set(WebhookEvent.objects.filter(source=WebhookEvent.Source.SYNC).values_list("account", flat=True))


@pytest.mark.django_db
def test_only_accounts_with_open_requests_or_recent_changes_are_listed(
    accounts, org, team, customer, advisor
):
    busy, changed, idle = accounts
    PaymentRequestFactory(
        organization=org, team=team, customer=customer, created_by=advisor, stripe_account=busy
    )
    StripeAccount.objects.filter(pk=changed.pk).update(updated_at=timezone.now())  # e.g. onboarding today
    counts = webhook_events_sync()
    assert counts["accounts"] == 2
    assert _synced_accounts() == {busy.stripe_id, changed.stripe_id}
    idle.refresh_from_db()
    assert idle.events_synced_until is None
    # The operator's full catch-up (sync_stripe_events --days N) still lists every live account.
    webhook_events_sync(since=int(timezone.now().timestamp()) - 3600)
    assert _synced_accounts() == {a.stripe_id for a in accounts}


@pytest.mark.django_db
def test_each_account_is_listed_from_its_own_cursor(stripe_server, accounts, org, team, customer, advisor):
    busy = accounts[0]
    PaymentRequestFactory(
        organization=org, team=team, customer=customer, created_by=advisor, stripe_account=busy
    )
    first = webhook_events_sync()
    busy.refresh_from_db()
    assert first["stored"] >= 1 and busy.events_synced_until is not None
    stripe_server.advance_clock(3600)  # an hour later, one new event nobody delivered
    stripe_server.emit_event("account.updated", account=busy.stripe_id, object_id=busy.stripe_id)
    stripe_server.take_held()
    StripeAccount.objects.filter(pk=busy.pk).update(events_synced_until=busy.events_synced_until + 3600)
    second = webhook_events_sync()
    assert second["stored"] == 1
    platform = len(stripe_server.events())  # the platform's own events: always its 3-day window
    assert first["listed"] > platform + 1
    assert second["listed"] == platform + 1  # the account: only what came after its cursor


@pytest.mark.django_db
def test_a_run_lists_at_most_its_budget_and_the_next_goes_on(
    settings, accounts, org, team, customer, advisor
):
    settings.STRIPE_SYNC_ACCOUNTS_PER_RUN = 2
    for account in accounts:
        PaymentRequestFactory(
            organization=org, team=team, customer=customer, created_by=advisor, stripe_account=account
        )
    assert webhook_events_sync()["accounts"] == 2
    assert len(_synced_accounts()) == 2
    assert webhook_events_sync()["accounts"] == 2  # the one left out first, then the oldest cursor
    assert _synced_accounts() == {a.stripe_id for a in accounts}
