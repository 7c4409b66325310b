"""429s and card errors as Stripe sends them, over real HTTP (issue 10).

The SDK retries connection errors, 409 and 5xx, not 429: the gateway retries `rate_limit` and
`lock_timeout` itself, with back-off, and every try carries the SAME idempotency key, so Stripe can
never do the work twice. When the tries run out it raises GatewayRateLimited, a GatewayUnavailable, so
tasks retry later as for any transient failure."""

from datetime import UTC, datetime, timedelta

import pytest

from payments import gateway

ADDRESS = {
    "line1": "100 Main St",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62701",
    "country": "US",
}


@pytest.fixture(autouse=True)
def _no_waiting(settings):
    settings.STRIPE_RETRY_BACKOFF_SECONDS = (0, 0)


def _account(key: str = "account-org1-1") -> str:
    return gateway.account_create(
        country="US",
        email="ada@smith.example",
        business_name="Smith Tractors LLC",
        business_url="https://smith.example",
        support_phone="+12175550100",
        support_email="service@smith.example",
        address=ADDRESS,
        idempotency_key=key,
    ).id


def _tries(stripe_server, path: str) -> list[dict]:
    return [
        r
        for r in stripe_server.emulator.fidelity.seen
        if r["path"] == path and r["api_key"] == stripe_server.api_key
    ]


@pytest.mark.parametrize("code", ["rate_limit", "lock_timeout"])
def test_a_429_is_retried_with_the_same_idempotency_key(stripe_server, code):
    stripe_server.fail_next(code, path="/v1/accounts", method="POST")
    account_id = _account()
    tries = _tries(stripe_server, "/v1/accounts")
    assert [t["outcome"] for t in tries] == ["failed_on_demand", "valid"]
    assert tries[0]["idempotency_key"] == tries[1]["idempotency_key"] == "account-org1-1"
    status, _, body = stripe_server.api("GET", "/v1/accounts", {"limit": 100})
    assert [a["id"] for a in body["data"]] == [account_id]  # one account, not two


def test_a_post_without_our_key_still_keeps_one_key_across_tries(stripe_server):
    account_id = _account()
    stripe_server.complete_onboarding(account_id)
    stripe_server.fail_next("lock_timeout", path=f"/v1/accounts/{account_id}", method="POST", times=2)
    info = gateway.account_update(account_id=account_id, statement_descriptor="SMITH TRACTORS")
    assert info.statement_descriptor == "SMITH TRACTORS"
    tries = _tries(stripe_server, f"/v1/accounts/{account_id}")
    posts = [t for t in tries if t["method"] == "POST"]
    assert [t["outcome"] for t in posts] == ["failed_on_demand", "failed_on_demand", "valid"]
    keys = {t["idempotency_key"] for t in posts}
    assert len(keys) == 1 and next(iter(keys))


def test_when_the_tries_run_out_it_is_a_transient_gateway_error(stripe_server):
    account_id = _account()
    stripe_server.fail_next("rate_limit", path=f"/v1/accounts/{account_id}", times=5)
    with pytest.raises(gateway.GatewayRateLimited) as caught:
        gateway.account_retrieve(account_id=account_id)
    assert isinstance(caught.value, gateway.GatewayUnavailable)
    assert (caught.value.code, caught.value.http_status) == ("rate_limit", 429)
    assert len(_tries(stripe_server, f"/v1/accounts/{account_id}")) == 3  # the first try + 2 retries
    stripe_server.emulator.fidelity.failures.clear()
    assert gateway.account_retrieve(account_id=account_id).id == account_id


def test_the_emulator_answers_429_in_stripes_shape(stripe_server):
    stripe_server.fail_next("lock_timeout", path="/v1/accounts")
    status, headers, body = stripe_server.api("GET", "/v1/accounts")
    assert status == 429
    error = body["error"]
    assert (error["type"], error["code"]) == ("invalid_request_error", "lock_timeout")
    assert error["doc_url"] == "https://stripe.com/docs/error-codes/lock-timeout"
    assert "another API request" in error["message"]
    assert stripe_server.api("GET", "/v1/accounts")[0] == 200  # only the next request


def test_a_card_error_carries_the_payment_intent_decline_and_advice_codes(stripe_server):
    account_id = _account()
    stripe_server.complete_onboarding(account_id)
    session = gateway.checkout_session_create(
        account_id=account_id,
        amount_minor=2_000,
        currency="USD",
        product_name="RO-1",
        description="",
        application_fee_minor=95,
        payment_method_types=["card"],
        expires_at=datetime.now(UTC) + timedelta(hours=2),
        success_url="http://testserver/ok",
        cancel_url="http://testserver/cancel",
        metadata={},
        customer_email=None,
        idempotency_key="checkout-1-1",
    )
    assert not stripe_server.pay_checkout(session.url, card="4000 0000 0000 9995").paid
    intent_id = gateway.checkout_session_retrieve(
        account_id=account_id, session_id=session.id
    ).payment_intent_id
    assert intent_id
    stripe_server.fail_next(
        "card_declined",
        path=f"/v1/payment_intents/{intent_id}",
        decline_code="insufficient_funds",
        advice_code="try_again_later",
        payment_intent=intent_id,
    )
    with pytest.raises(gateway.CardError) as caught:
        gateway.payment_intent_retrieve(account_id=account_id, payment_intent_id=intent_id)
    error = caught.value
    assert (error.decline_code, error.advice_code, error.payment_intent_id) == (
        "insufficient_funds",
        "try_again_later",
        intent_id,
    )
    assert error.code == "card_declined" and error.http_status == 402
    assert error.message == "Your card has insufficient funds. Try another card."
