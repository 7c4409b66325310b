"""Admin tab -> Connections against the Stripe emulator over real HTTP: Connect, onboarding in
several steps followed by account.updated webhooks, refresh, return, payout schedule, statement
descriptor, Express dashboard, and a retried Connect that must not create a second account."""

import pytest
from django.db import transaction

from payments.accounts.services import stripe_account_connect
from payments.models import StripeAccount, WebhookEvent

INDEX = "/admin-tab/connections/"


def _status(client) -> str:
    html = client.get(INDEX).content.decode()
    start = html.index('data-testid="receive-payments-status">') + len(
        'data-testid="receive-payments-status">'
    )
    return html[start : html.index("<", start)]


def _deliver(stripe_server, client, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        responses = stripe_server.deliver_held(client, **kwargs)
    assert responses and all(r.status_code == 200 for r in responses)
    return responses


def _stripe_accounts(stripe_server):
    return stripe_server.api("GET", "/v1/accounts", {"limit": 100})[2]["data"]


@pytest.fixture
def admin_client(client, admin_user, org):
    org.legal_name = "Smith Tractors LLC"
    org.website = "https://smith.example"
    org.save()
    client.force_login(admin_user)
    return client


def test_onboarding_in_several_steps_follows_account_updated_events(
    stripe_server, admin_client, org, django_capture_on_commit_callbacks
):
    client = admin_client
    assert _status(client) == "Not connected"

    # Connect: an Express account with the organization's details, then the onboarding link
    response = client.post(INDEX + "connect/", {"authorized": "on"})
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith(stripe_server.url)
    account = StripeAccount.objects.get(organization=org)
    remote = stripe_server.api("GET", f"/v1/accounts/{account.stripe_id}")[2]
    assert remote["type"] == "express" and remote["country"] == "US"
    assert remote["email"] == "admin@smith.example"
    assert remote["business_profile"]["name"] == "Smith Tractors LLC"
    assert remote["business_profile"]["url"] == "https://smith.example"
    assert account.authorized_by.email == "admin@smith.example" and account.authorized_at
    html = client.get(INDEX).content.decode()
    assert _status(client) == "Onboarding incomplete"
    assert "Bank account for payouts" in html
    assert "Representative&#x27;s date of birth" in html

    # Step 1 (business details) on Stripe's page; Stripe tells us by account.updated
    stripe_server.onboard(link, steps=1)
    _deliver(stripe_server, client, django_capture_on_commit_callbacks)
    html = client.get(INDEX).content.decode()
    assert _status(client) == "Onboarding incomplete"
    assert "Bank account for payouts" in html
    assert "Representative&#x27;s date of birth" not in html

    # The dealer comes back later: a fresh link (refresh_url), step 2 (bank account)
    again = client.get(f"{INDEX}{account.pk}/onboarding/")
    assert again.status_code == 302 and again["Location"] != link
    stripe_server.set_requirements(
        account.stripe_id, currently_due=["external_account", "company.verification.document"]
    )
    stripe_server.onboard(again["Location"], steps=1)
    # Step 3 (review): submitted, but Stripe still wants a document -> Restricted
    stripe_server.onboard(client.get(f"{INDEX}{account.pk}/onboarding/")["Location"], steps=1)
    _deliver(stripe_server, client, django_capture_on_commit_callbacks)
    html = client.get(INDEX).content.decode()
    assert _status(client) == "Restricted"
    assert "Business verification document" in html

    # Stripe verifies the document -> Connected
    stripe_server.set_requirements(
        account.stripe_id, currently_due=[], disabled_reason="", charges_enabled=True, payouts_enabled=True
    )
    _deliver(stripe_server, client, django_capture_on_commit_callbacks)
    assert _status(client) == "Connected"
    account.refresh_from_db()
    assert account.charges_enabled and account.payouts_enabled and account.details_submitted
    assert account.requirements_currently_due == []
    assert WebhookEvent.objects.filter(type="account.updated").exclude(status="succeeded").count() == 0


def test_return_url_and_refresh_read_the_status_from_stripe(stripe_server, admin_client, org):
    client = admin_client
    link = client.post(INDEX + "connect/", {"authorized": "on"})["Location"]
    account = StripeAccount.objects.get(organization=org)
    stripe_server.onboard(link, steps=3)  # no webhook delivered
    assert _status(client) == "Onboarding incomplete"
    response = client.get(f"{INDEX}{account.pk}/return/", follow=True)
    assert "Connected" in response.content.decode()
    assert _status(client) == "Connected"
    stripe_server.set_requirements(
        account.stripe_id, currently_due=["individual.verification.document"], charges_enabled=False
    )
    assert client.post(f"{INDEX}{account.pk}/refresh/").status_code == 302
    assert _status(client) == "Restricted"


def test_connected_account_settings_go_to_stripe(stripe_server, admin_client, org):
    client = admin_client
    client.post(INDEX + "connect/", {"authorized": "on"})
    account = StripeAccount.objects.get(organization=org)
    stripe_server.complete_onboarding(account.stripe_id)
    client.post(f"{INDEX}{account.pk}/refresh/")
    p = f"a{account.pk}-"

    response = client.post(
        f"{INDEX}{account.pk}/payout-schedule/",
        {p + "interval": "weekly", p + "weekly_anchor": "friday", p + "delay_days": "4"},
    )
    assert response.status_code == 302
    schedule = stripe_server.api("GET", f"/v1/accounts/{account.stripe_id}")[2]["settings"]["payouts"][
        "schedule"
    ]
    assert schedule == {"interval": "weekly", "weekly_anchor": "friday", "delay_days": 4}
    account.refresh_from_db()
    assert (account.payout_interval, account.payout_weekly_anchor, account.payout_delay_days) == (
        "weekly",
        "friday",
        4,
    )

    client.post(
        f"{INDEX}{account.pk}/payout-schedule/", {p + "interval": "monthly", p + "monthly_anchor": "15"}
    )
    remote = stripe_server.api("GET", f"/v1/accounts/{account.stripe_id}")[2]["settings"]["payouts"][
        "schedule"
    ]
    assert (remote["interval"], remote["monthly_anchor"]) == ("monthly", 15)

    response = client.post(
        f"{INDEX}{account.pk}/statement-descriptor/", {p + "statement_descriptor": "SMITH TRACTORS"}
    )
    assert response.status_code == 302
    remote = stripe_server.api("GET", f"/v1/accounts/{account.stripe_id}")[2]
    assert remote["settings"]["payments"]["statement_descriptor"] == "SMITH TRACTORS"
    account.refresh_from_db()
    assert account.statement_descriptor == "SMITH TRACTORS"

    # a refused value is not sent, and Stripe keeps the good one
    response = client.post(
        f"{INDEX}{account.pk}/statement-descriptor/", {p + "statement_descriptor": "SMITH*"}
    )
    assert response.status_code == 400
    remote = stripe_server.api("GET", f"/v1/accounts/{account.stripe_id}")[2]
    assert remote["settings"]["payments"]["statement_descriptor"] == "SMITH TRACTORS"

    dashboard = client.post(f"{INDEX}{account.pk}/dashboard/")
    assert dashboard.status_code == 302 and dashboard["Location"].startswith(stripe_server.url)


def test_retried_connect_reuses_its_idempotency_key_one_account_not_two(stripe_server, org, admin_user):
    """Stripe answered but our transaction never committed (worker died, timeout): the retry gets
    the same account back instead of a second one."""
    with pytest.raises(RuntimeError), transaction.atomic():
        stripe_account_connect(organization=org, user=admin_user, authorized=True)
        raise RuntimeError("died before commit")
    assert StripeAccount.objects.count() == 0
    assert len(_stripe_accounts(stripe_server)) == 1
    account, url = stripe_account_connect(organization=org, user=admin_user, authorized=True)
    assert len(_stripe_accounts(stripe_server)) == 1
    assert account.stripe_id == _stripe_accounts(stripe_server)[0]["id"]
    # a deliberate second account (another store) is a new one
    second, _ = stripe_account_connect(
        organization=org, user=admin_user, authorized=True, display_name="North"
    )
    assert second.stripe_id != account.stripe_id
    assert len(_stripe_accounts(stripe_server)) == 2
    assert second.display_name == "North"


def test_canadian_organization_gets_a_canadian_account(stripe_server, client, db):
    from organizations.models import Role
    from tests.factories import OrganizationFactory, UserFactory

    org = OrganizationFactory(country="CA", currency="CAD", state="ON", city="Toronto", postal_code="M5V 2T6")
    client.force_login(UserFactory(organization=org, role=Role.ADMIN))
    assert client.post(INDEX + "connect/", {"authorized": "on"}).status_code == 302
    account = StripeAccount.objects.get(organization=org)
    assert (account.country, account.default_currency) == ("CA", "cad")
