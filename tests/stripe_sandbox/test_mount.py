"""The emulator mounted in Django at /sandbox/stripe/ (what `make run` uses when no STRIPE_SECRET_KEY)."""

import os

import pytest

from config import stripe_sandbox_mount as sandbox_urls
from stripe_sandbox import Emulator, EmulatorConfig
from tests.stripe_server import http

AUTH = {"HTTP_AUTHORIZATION": "Bearer sk_test_sandbox"}
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def sandbox(settings, tmp_path, monkeypatch):
    """Sandbox mode: no key, a fresh emulator persisted under tmp_path, events not sent."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_API_BASE = ""
    settings.STRIPE_SANDBOX_STATE_FILE = str(tmp_path / "stripe-sandbox.json")
    monkeypatch.setattr(sandbox_urls, "_emulator", None)
    emulator = sandbox_urls.sandbox_emulator()
    emulator.dispatcher.mode = "off"
    return emulator


def test_sandbox_answers_404_when_a_real_key_is_set(client, settings, sandbox):
    settings.STRIPE_SECRET_KEY = "sk_test_real_account_key"
    assert client.get("/sandbox/stripe/v1/accounts", **AUTH).status_code == 404
    assert (
        client.post("/sandbox/stripe/v1/accounts", "type=express", content_type=FORM, **AUTH).status_code
        == 404
    )
    assert sandbox.state["objects"] == {}


def test_mount_forwards_form_requests_and_persists_state(client, settings, sandbox):
    response = client.post(
        "/sandbox/stripe/v1/accounts",
        "type=express&country=US&business_profile[name]=Smith",
        content_type=FORM,
        **AUTH,
        HTTP_IDEMPOTENCY_KEY="acct-1",
    )
    assert response.status_code == 200, response.content
    account = response.json()
    assert account["business_profile"]["name"] == "Smith"
    link = client.post(
        "/sandbox/stripe/v1/account_links",
        f"account={account['id']}&type=account_onboarding&refresh_url=https://a.example/r&return_url=https://a.example/d",
        content_type=FORM,
        **AUTH,
    ).json()
    assert link["url"].startswith(settings.SITE_URL + "/sandbox/stripe/setup/")
    # hosted pages are served through the mount too (no CSRF token needed)
    page = client.get(link["url"].removeprefix(settings.SITE_URL))
    assert page.status_code == 302 and "/sandbox/stripe/onboarding/" in page["Location"]
    assert client.get("/sandbox/stripe/v1/accounts").status_code == 401
    # a restart keeps the accounts
    assert os.path.exists(settings.STRIPE_SANDBOX_STATE_FILE)
    restarted = Emulator(EmulatorConfig(state_file=settings.STRIPE_SANDBOX_STATE_FILE))
    assert account["id"] in restarted.state["objects"]


def test_sandbox_urls_point_at_site_url(settings, sandbox):
    site = settings.SITE_URL.rstrip("/")
    assert sandbox.config.public_url == f"{site}/sandbox/stripe"
    assert sandbox.config.webhook_url == f"{site}/webhooks/stripe/"
    assert sandbox.config.connect_webhook_url == f"{site}/webhooks/stripe/connect/"
    assert sandbox.config.webhook_secret == sandbox.config.connect_webhook_secret == "whsec_sandbox"


@pytest.mark.django_db(transaction=True)
def test_gateway_in_sandbox_mode_onboards_through_the_mounted_emulator(live_server, settings, sandbox):
    """No STRIPE_SECRET_KEY: the product's gateway talks to SITE_URL/sandbox/stripe over HTTP."""
    from payments import gateway

    settings.SITE_URL = live_server.url
    sandbox.config.public_url = f"{live_server.url}/sandbox/stripe"
    info = gateway.account_create(
        country="US",
        email="owner@smith.example",
        business_name="Smith Tractors",
        business_url="https://smith.example",
        support_phone="+13125550100",
        support_email="help@smith.example",
        address={
            "line1": "1 Main St",
            "city": "Springfield",
            "state": "IL",
            "postal_code": "62701",
            "country": "US",
        },
        idempotency_key="account-test-1",
    )
    assert info.id.startswith("acct_") and not info.charges_enabled
    url = gateway.account_link_create(
        account_id=info.id, refresh_url=f"{live_server.url}/r", return_url=f"{live_server.url}/done"
    )
    status, headers, _ = http("GET", url)
    page = headers["Location"]
    for fields in (
        {
            "step": "business",
            "business_name": "Smith Tractors",
            "business_type": "company",
            "mcc": "5511",
            "url": "https://smith.example",
            "product_description": "Tractors",
            "first_name": "Jenny",
            "last_name": "Rosen",
            "dob": "1980-01-01",
            "id_number": "0000",
        },
        {"step": "bank", "routing_number": "110000000", "account_number": "000123456789"},
        {"step": "review", "tos": "accepted"},
    ):
        status, headers, body = http("POST", page, fields)
        assert status == 303, body[:500]
    assert headers["Location"] == f"{live_server.url}/done"
    info = gateway.account_retrieve(account_id=info.id)
    assert info.charges_enabled and info.payouts_enabled and info.details_submitted
    assert info.requirements_currently_due in ([], ())
