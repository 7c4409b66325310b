"""The gateway over real HTTP against the Stripe emulator (tests/stripe_server.py): our types
out, our errors for Stripe's errors, idempotency keys replayed, the API version pinned."""

import time
from datetime import UTC, datetime, timedelta

import pytest
import stripe

from payments import gateway
from payments.gateway import client as gateway_client
from payments.gateway import consts
from payments.gateway.types import PayoutSchedule

ADDRESS = {
    "line1": "100 Main St",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62701",
    "country": "US",
}


def _create(key="account-org1-1", **overrides):
    params = dict(
        country="US",
        email="ada@smith.example",
        business_name="Smith Tractors LLC",
        business_url="https://smith.example",
        support_phone="+12175550100",
        support_email="service@smith.example",
        address=ADDRESS,
        idempotency_key=key,
    )
    params.update(overrides)
    return gateway.account_create(**params)


def _accounts(stripe_server):
    status, _, body = stripe_server.api("GET", "/v1/accounts", {"limit": 100})
    assert status == 200
    return body["data"]


def test_client_pins_the_api_version_and_uses_the_configured_base(stripe_server):
    client = gateway_client._client()
    assert consts.API_VERSION == "2026-10-28.endive"
    assert consts.API_VERSION == stripe.api_version  # the version the installed SDK is generated for
    assert client._requestor._options.stripe_version == consts.API_VERSION
    assert client._requestor._options.base_addresses["api"] == stripe_server.url


def test_sandbox_mode_without_a_key(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_API_BASE = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = ""
    settings.SITE_URL = "http://127.0.0.1:8123"
    assert gateway_client._api_key() == "sk_test_sandbox"
    assert gateway_client._base_addresses() == {
        k: "http://127.0.0.1:8123/sandbox/stripe" for k in ("api", "connect", "files")
    }
    assert (
        gateway_client._webhook_secret(connect=True)
        == gateway_client._webhook_secret(connect=False)
        == "whsec_sandbox"
    )
    settings.STRIPE_SECRET_KEY = "sk_live_x"
    assert gateway_client._base_addresses()["api"] == "https://api.stripe.com"
    assert gateway_client._base_addresses()["connect"] == "https://connect.stripe.com"
    assert gateway_client._webhook_secret(connect=False) == ""  # a live key never falls back to the sandbox


def test_account_create_prefills_business_details_and_returns_our_type(stripe_server):
    info = _create()
    assert isinstance(info, gateway.AccountInfo)
    assert info.id.startswith("acct_")
    assert (info.country, info.default_currency) == ("US", "USD")
    assert not info.charges_enabled and not info.payouts_enabled and not info.details_submitted
    assert "external_account" in info.requirements_currently_due
    assert "business_profile.url" not in info.requirements_currently_due  # prefilled
    assert info.business_name == "Smith Tractors LLC"
    status, _, account = stripe_server.api("GET", f"/v1/accounts/{info.id}")
    assert account["type"] == "express"
    assert account["email"] == "ada@smith.example"
    assert account["business_profile"]["support_email"] == "service@smith.example"
    assert account["business_profile"]["support_address"]["city"] == "Springfield"


def test_retried_account_create_with_the_same_key_returns_the_same_account(stripe_server):
    first = _create(key="account-org7-1")
    again = _create(key="account-org7-1")
    assert again.id == first.id
    assert len(_accounts(stripe_server)) == 1
    other = _create(key="account-org7-2")
    assert other.id != first.id
    assert len(_accounts(stripe_server)) == 2


def test_same_idempotency_key_with_other_parameters_is_a_conflict(stripe_server):
    _create(key="account-org8-1")
    with pytest.raises(gateway.IdempotencyConflict):
        _create(key="account-org8-1", email="someone-else@smith.example")
    assert len(_accounts(stripe_server)) == 1


def test_invalid_parameter_becomes_invalid_request_naming_the_param(stripe_server):
    with pytest.raises(gateway.InvalidRequest) as caught:
        _create(support_email="not-an-email")
    assert caught.value.param == "business_profile[support_email]"
    assert caught.value.extra == {"business_profile[support_email]": [caught.value.message]}


def test_statement_descriptor_refused_by_stripe_names_the_param(stripe_server):
    info = _create()
    with pytest.raises(gateway.InvalidRequest) as caught:
        gateway.account_update(account_id=info.id, statement_descriptor="BAD*NAME")
    assert caught.value.param == "settings[payments][statement_descriptor]"
    updated = gateway.account_update(account_id=info.id, statement_descriptor="SMITH TRACTORS")
    assert updated.statement_descriptor == "SMITH TRACTORS"


@pytest.mark.parametrize(
    "schedule",
    [
        PayoutSchedule(interval="weekly", weekly_anchor="friday", delay_days=3),
        PayoutSchedule(interval="monthly", monthly_anchor=15),
        PayoutSchedule(interval="daily", delay_days=7),
    ],
)
def test_payout_schedule_round_trip(stripe_server, schedule):
    info = _create()
    updated = gateway.account_update(account_id=info.id, payout_schedule=schedule)
    assert updated.payout_schedule.interval == schedule.interval
    assert updated.payout_schedule.weekly_anchor == schedule.weekly_anchor
    assert updated.payout_schedule.monthly_anchor == schedule.monthly_anchor
    if schedule.delay_days:
        assert updated.payout_schedule.delay_days == schedule.delay_days
    assert gateway.account_retrieve(account_id=info.id).payout_schedule == updated.payout_schedule


def test_unknown_account_is_invalid_request_and_other_accounts_objects_are_hidden(stripe_server):
    with pytest.raises(gateway.InvalidRequest) as caught:
        gateway.account_retrieve(account_id="acct_1DoesNotExist00")
    assert caught.value.code == "resource_missing"


def test_links(stripe_server):
    info = _create()
    first = gateway.account_link_create(
        account_id=info.id, refresh_url="http://testserver/r", return_url="http://testserver/back"
    )
    second = gateway.account_link_create(
        account_id=info.id, refresh_url="http://testserver/r", return_url="http://testserver/back"
    )
    assert first.startswith(stripe_server.url) and first != second
    stripe_server.complete_onboarding(info.id)
    login = gateway.login_link_create(account_id=info.id)
    assert login.startswith(stripe_server.url)


def test_network_failure_is_transient(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(gateway.GatewayUnavailable):
        gateway.account_retrieve(account_id="acct_1")


def test_wrong_api_key_is_a_gateway_error_not_transient(stripe_server, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"
    with pytest.raises(gateway.GatewayError) as caught:
        gateway.account_retrieve(account_id="acct_1")
    assert not isinstance(caught.value, gateway.GatewayUnavailable)
    assert caught.value.http_status == 401


def test_checkout_refund_and_idempotent_replay_on_a_connected_account(stripe_server):
    acct = _create().id
    stripe_server.complete_onboarding(acct)
    params = dict(
        account_id=acct,
        amount_minor=12_550,
        currency="USD",
        product_name="RO-000123",
        description="Brake service",
        application_fee_minor=438,
        payment_method_types=["card"],
        expires_at=datetime.now(UTC) + timedelta(hours=23),
        success_url="http://testserver/pay/t/done",
        cancel_url="http://testserver/pay/t",
        metadata={"payment_request_id": "1"},
        customer_email="carla@example.net",
        idempotency_key="checkout-1-1",
    )
    session = gateway.checkout_session_create(**params)
    assert session.id.startswith("cs_")
    assert (session.amount_total, session.currency, session.status) == (12_550, "USD", "open")
    assert session.metadata == {"payment_request_id": "1"}
    assert gateway.checkout_session_create(**params).id == session.id  # a retry, not a second session
    assert gateway.checkout_session_retrieve(account_id=acct, session_id=session.id).url == session.url
    result = stripe_server.pay_checkout(session.url)
    assert result.paid
    paid = gateway.checkout_session_retrieve(account_id=acct, session_id=session.id)
    assert paid.payment_status == "paid" and paid.payment_intent_id
    intent = gateway.payment_intent_retrieve(account_id=acct, payment_intent_id=paid.payment_intent_id)
    assert (intent.status, intent.amount_received, intent.application_fee_amount) == (
        "succeeded",
        12_550,
        438,
    )
    assert (intent.card_brand, intent.card_last4, intent.payment_method_type) == ("visa", "4242", "card")
    refund_params = dict(
        account_id=acct,
        payment_intent_id=intent.id,
        amount_minor=5_000,
        reason="requested_by_customer",
        metadata={"refund_id": "9"},
        idempotency_key="refund-9",
    )
    refund = gateway.refund_create(**refund_params)
    assert gateway.refund_create(**refund_params).id == refund.id
    assert (refund.amount, refund.payment_intent_id) == (5_000, intent.id)
    assert gateway.refund_retrieve(account_id=acct, refund_id=refund.id).id == refund.id
    # the session is scoped to its account: the platform can't see it
    with pytest.raises(gateway.InvalidRequest):
        gateway.checkout_session_retrieve(account_id=_create(key="account-other").id, session_id=session.id)


def test_declined_card_never_reaches_us_and_session_expire(stripe_server):
    acct = _create().id
    stripe_server.complete_onboarding(acct)
    session = gateway.checkout_session_create(
        account_id=acct,
        amount_minor=1_000,
        currency="USD",
        product_name="RO-1",
        description="",
        application_fee_minor=63,
        payment_method_types=["card"],
        expires_at=datetime.now(UTC) + timedelta(hours=2),
        success_url="http://testserver/ok",
        cancel_url="http://testserver/cancel",
        metadata={},
        customer_email=None,
        idempotency_key="checkout-2-1",
    )
    declined = stripe_server.pay_checkout(session.url, card="4000 0000 0000 0002")
    assert not declined.paid
    expired = gateway.checkout_session_expire(account_id=acct, session_id=session.id)
    assert expired.status == "expired"


def test_events_list_platform_and_connected_account(stripe_server):
    acct = _create().id
    since = int(time.time()) - 60
    stripe_server.complete_onboarding(acct)
    events = gateway.events_list(account_id=acct, created_gte=since)
    assert events and all(e["type"] == "account.updated" for e in events)
    assert all(isinstance(e, dict) and e["data"]["object"]["id"] == acct for e in events)
    assert gateway.events_list(account_id=None, created_gte=since) == []


def test_webhook_event_verify(stripe_server):
    import json

    payload = json.dumps({"id": "evt_1", "type": "account.updated", "created": int(time.time())}).encode()
    good = stripe_server.sign(payload, stripe_server.connect_webhook_secret)
    assert gateway.webhook_event_verify(payload=payload, signature_header=good, connect=True)["id"] == "evt_1"
    with pytest.raises(gateway.WebhookSignatureInvalid):
        gateway.webhook_event_verify(payload=payload, signature_header=good, connect=False)  # other secret
    stale = stripe_server.sign(
        payload, stripe_server.connect_webhook_secret, timestamp=int(time.time()) - 301
    )
    with pytest.raises(gateway.WebhookSignatureInvalid):
        gateway.webhook_event_verify(payload=payload, signature_header=stale, connect=True)
    with pytest.raises(gateway.WebhookSignatureInvalid):
        gateway.webhook_event_verify(payload=payload, signature_header="", connect=True)


def test_payout_balance_transactions_report_and_file_download(stripe_server):
    acct = _create().id
    stripe_server.complete_onboarding(acct)
    session = gateway.checkout_session_create(
        account_id=acct,
        amount_minor=20_000,
        currency="USD",
        product_name="RO-7",
        description="Tires",
        application_fee_minor=680,
        payment_method_types=["card"],
        expires_at=datetime.now(UTC) + timedelta(hours=2),
        success_url="http://testserver/ok",
        cancel_url="http://testserver/cancel",
        metadata={},
        customer_email=None,
        idempotency_key="checkout-7-1",
    )
    assert stripe_server.pay_checkout(session.url).paid
    charge_id = gateway.payment_intent_retrieve(
        account_id=acct,
        payment_intent_id=gateway.checkout_session_retrieve(
            account_id=acct, session_id=session.id
        ).payment_intent_id,
    ).latest_charge_id
    payout_id = stripe_server.create_payout(acct, outcome="paid")["id"]
    payout = gateway.payout_retrieve(account_id=acct, payout_id=payout_id)
    assert isinstance(payout, gateway.PayoutInfo)
    assert (payout.status, payout.currency) == ("paid", "USD")
    assert payout.arrival_date is not None
    transactions = gateway.balance_transactions_list(account_id=acct, payout_id=payout_id)
    charge_rows = [t for t in transactions if t.source_id == charge_id]
    assert len(charge_rows) == 1
    assert charge_rows[0].amount == 20_000 and charge_rows[0].net == 20_000 - charge_rows[0].fee
    assert payout.amount == sum(t.net for t in transactions if t.type != "payout")

    now = int(time.time())
    params = dict(
        account_id=acct,
        report_type="balance_change_from_activity.itemized.3",
        interval_start=now - 86400,
        interval_end=now,
        idempotency_key="report-1",
    )
    run = gateway.report_run_create(**params)
    assert gateway.report_run_create(**params).id == run.id
    done = gateway.report_run_retrieve(account_id=acct, report_run_id=run.id)
    assert done.status == "succeeded" and done.result_file_url
    csv_bytes = gateway.file_download(file_url=done.result_file_url)
    assert (
        csv_bytes.startswith(b"balance_transaction_id")
        or b"balance_transaction_id" in csv_bytes.splitlines()[0]
    )
