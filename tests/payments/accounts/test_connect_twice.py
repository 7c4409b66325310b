"""QA regression: clicking Connect twice (double click, back + resubmit) made two Express
accounts at Stripe, because each click derived a new idempotency key from the next ordinal.
While an account's onboarding isn't submitted, Connect with the same name continues that one.
Over real HTTP against the Stripe emulator."""

import pytest

from payments.models import StripeAccount

INDEX = "/admin-tab/connections/"


def _stripe_accounts(stripe_server) -> list[dict]:
    return stripe_server.api("GET", "/v1/accounts", {"limit": 100})[2]["data"]


@pytest.mark.django_db
def test_connect_twice_makes_one_stripe_account(stripe_server, client, admin_user, org):
    client.force_login(admin_user)
    first = client.post(INDEX + "connect/", {"authorized": "on"})
    second = client.post(INDEX + "connect/", {"authorized": "on"})
    assert first.status_code == second.status_code == 302
    assert StripeAccount.objects.filter(organization=org).count() == 1
    assert len(_stripe_accounts(stripe_server)) == 1

    # Another store, by name, is a new account; clicking twice for it still makes one.
    client.post(INDEX + "connect/", {"authorized": "on", "display_name": "North store"})
    client.post(INDEX + "connect/", {"authorized": "on", "display_name": "North store"})
    assert StripeAccount.objects.filter(organization=org).count() == 2
    assert len(_stripe_accounts(stripe_server)) == 2

    # Once onboarding was submitted, Connect makes a new account as before.
    main = StripeAccount.objects.get(organization=org, display_name="")
    stripe_server.complete_onboarding(main.stripe_id)
    client.post(f"{INDEX}{main.pk}/refresh/")
    client.post(INDEX + "connect/", {"authorized": "on"})
    assert StripeAccount.objects.filter(organization=org).count() == 3
