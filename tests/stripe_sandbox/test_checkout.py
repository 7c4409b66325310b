"""Hosted Checkout: Stripe's test cards only, declines and retry, Afterpay, expiry, stored state."""

import json
import time

import pytest
import stripe

from tests.stripe_server import http


def _intent(sdk, account_id, session_id):
    session = sdk.v1.checkout.sessions.retrieve(session_id, None, {"stripe_account": account_id})
    assert session.payment_intent, "no PaymentIntent yet"
    return session, sdk.v1.payment_intents.retrieve(
        session.payment_intent, {"expand": ["latest_charge"]}, {"stripe_account": account_id}
    )


def test_page_shows_merchant_amount_and_description_and_fits_a_phone(
    stripe_server, make_account, make_session
):
    session = make_session(make_account(name="Smith Tractors"))
    assert session.url.startswith(stripe_server.url) and session.status == "open"
    assert session.payment_intent is None and session.amount_total == 12_345
    status, _, body = http("GET", session.url)
    html = body.decode()
    assert status == 200
    assert "Smith Tractors" in html and "$123.45 USD" in html and "Brake job" in html
    assert "width=device-width" in html
    assert "Afterpay" not in html  # not allowed by this session


def test_4242_pays_and_redirects_to_success_url_with_the_session_id(
    stripe_server, sdk, make_account, make_session
):
    account_id = make_account()
    session = make_session(account_id)
    stripe_server.take_held()
    result = stripe_server.pay_checkout(session.url)
    assert result.status == 303
    assert result.location == f"https://app.example/pay/done?session={session.id}"
    session, intent = _intent(sdk, account_id, session.id)
    assert (session.status, session.payment_status) == ("complete", "paid")
    assert session.customer_details.email == "carla@example.net"
    assert intent.status == "succeeded" and intent.amount_received == 12_345
    assert intent.application_fee_amount == 431 and intent.metadata.to_dict() == {"payment_request": "42"}
    charge = intent.latest_charge
    card = charge.payment_method_details.card
    assert (card.brand, card.last4, card.funding) == ("visa", "4242", "credit")
    assert charge.status == "succeeded" and charge.paid and charge.application_fee_amount == 431
    txn = sdk.v1.balance_transactions.retrieve(
        charge.balance_transaction, None, {"stripe_account": account_id}
    )
    assert (txn.amount, txn.fee, txn.net, txn.type) == (12_345, 431, 11_914, "charge")
    types = stripe_server.held_types()
    assert types == [
        "payment_intent.created",
        "application_fee.created",
        "charge.succeeded",
        "payment_intent.succeeded",
        "checkout.session.completed",
    ]
    completed = stripe_server.held()[-1].event
    assert completed["account"] == account_id and completed["data"]["object"]["id"] == session.id
    # a completed session can't be paid again
    again = stripe_server.pay_checkout(session.id)
    assert again.status == 200 and "This payment is complete" in again.html


@pytest.mark.parametrize(
    "number, cvc, brand, funding",
    [
        ("5555 5555 5555 4444", "123", "mastercard", "credit"),
        ("4000 0566 5566 5556", "123", "visa", "debit"),
        ("3782 822463 10005", "1234", "amex", "credit"),
    ],
)
def test_other_published_test_cards_succeed(
    stripe_server, sdk, make_account, make_session, number, cvc, brand, funding
):
    account_id = make_account()
    session = make_session(account_id)
    assert stripe_server.pay_checkout(session.url, card=number, cvc=cvc).paid
    card = _intent(sdk, account_id, session.id)[1].latest_charge.payment_method_details.card
    assert (card.brand, card.funding, card.last4) == (brand, funding, number.replace(" ", "")[-4:])


@pytest.mark.parametrize(
    "number, decline_code, message",
    [
        ("4000000000000002", "generic_decline", "Your card was declined."),
        ("4000000000009995", "insufficient_funds", "Your card has insufficient funds."),
    ],
)
def test_declined_card_shows_the_decline_and_the_customer_can_retry(
    stripe_server, sdk, make_account, make_session, number, decline_code, message
):
    account_id = make_account()
    session = make_session(account_id)
    stripe_server.take_held()
    result = stripe_server.pay_checkout(session.url, card=number)
    assert result.status == 402 and result.message == message
    assert "card_number" in result.html  # the form is shown again
    session_now, intent = _intent(sdk, account_id, session.id)
    assert session_now.status == "open" and session_now.payment_status == "unpaid"
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.code == "card_declined"
    assert intent.last_payment_error.decline_code == decline_code
    assert intent.latest_charge.status == "failed" and intent.latest_charge.failure_code == "card_declined"
    assert stripe_server.held_types() == [
        "payment_intent.created",
        "charge.failed",
        "payment_intent.payment_failed",
    ]
    # retry on the same page with a good card: same PaymentIntent succeeds
    assert stripe_server.pay_checkout(session.url).paid
    session_now, retried = _intent(sdk, account_id, session.id)
    assert retried.id == intent.id and retried.status == "succeeded" and retried.last_payment_error is None


@pytest.mark.parametrize(
    "number, exp, cvc, message",
    [
        ("4111 1111 1111 1111", "12 / 34", "123", "accepts only Stripe's test card numbers"),
        ("5500 0000 0000 0004", "12 / 34", "123", "accepts only Stripe's test card numbers"),
        ("4242 4242 4242 4241", "12 / 34", "123", "Your card number is invalid."),
        ("4242 4242", "12 / 34", "123", "Your card number is incomplete."),
        ("4242 4242 4242 4242", "01 / 20", "123", "Your card's expiration date is in the past."),
        ("4242 4242 4242 4242", "13 / 34", "123", "Your card's expiration date is incomplete."),
        ("4242 4242 4242 4242", "12 / 34", "12", "Your card's security code is incomplete."),
    ],
)
def test_unknown_or_malformed_cards_are_refused_and_nothing_is_stored(
    stripe_server, sdk, make_account, make_session, number, exp, cvc, message
):
    account_id = make_account()
    session = make_session(account_id)
    stripe_server.take_held()
    result = stripe_server.pay_checkout(session.url, card=number, exp=exp, cvc=cvc)
    assert result.status == 400 and message in result.message
    digits = number.replace(" ", "")
    assert digits not in result.html  # the number is not echoed back
    state = json.dumps(stripe_server.state())
    assert digits not in state and number not in state
    assert stripe_server.held() == []  # no attempt was made
    assert (
        sdk.v1.checkout.sessions.retrieve(session.id, None, {"stripe_account": account_id}).payment_intent
        is None
    )


def test_no_card_number_is_stored_after_payments(stripe_server, make_account, make_session):
    account_id = make_account()
    for number in ("4000000000000002", "4242424242424242"):
        stripe_server.pay_checkout(make_session(account_id).url, card=number)
    state = json.dumps(stripe_server.state())
    events = json.dumps([d.event for d in stripe_server.held()])
    for number in ("4000000000000002", "4242424242424242"):
        assert number not in state and number not in events
    assert '"last4": "4242"' in state


def test_afterpay_is_offered_when_allowed_and_can_succeed_or_fail(
    stripe_server, sdk, make_account, make_session
):
    account_id = make_account()
    types = ["card", "afterpay_clearpay"]
    session = make_session(account_id, allowed_payment_method_types=types)
    assert "Afterpay / Clearpay" in http("GET", session.url)[2].decode()
    failed = stripe_server.pay_afterpay(session.url, succeed=False)
    assert failed.status == 402 and "Afterpay" in failed.message
    assert stripe_server.pay_afterpay(session.url).paid
    intent = _intent(sdk, account_id, session.id)[1]
    assert intent.status == "succeeded" and intent.payment_method_types == types
    assert intent.latest_charge.payment_method_details.type == "afterpay_clearpay"
    big = make_session(account_id, allowed_payment_method_types=types)
    big_params_amount = 400_001
    big = sdk.v1.checkout.sessions.create(
        {
            **{k: v for k, v in _params_with_amount(big_params_amount).items()},
            "allowed_payment_method_types": types,
        },
        {"stripe_account": account_id},
    )
    assert "not available for this amount" in http("GET", big.url)[2].decode()


def _params_with_amount(amount):
    from .conftest import session_params

    params = session_params()
    params["line_items"][0]["price_data"]["unit_amount"] = amount
    return params


def test_session_expires_at_its_time_once_and_shows_an_expired_page(
    stripe_server, sdk, make_account, make_session
):
    account_id = make_account()
    session = make_session(account_id, expires_at=int(time.time()) + 1800)
    stripe_server.take_held()
    stripe_server.advance_clock(1700)
    assert (
        sdk.v1.checkout.sessions.retrieve(session.id, None, {"stripe_account": account_id}).status == "open"
    )
    stripe_server.advance_clock(200)
    expired = sdk.v1.checkout.sessions.retrieve(session.id, None, {"stripe_account": account_id})
    assert expired.status == "expired" and expired.url is None
    stripe_server.advance_clock(3600)
    sdk.v1.checkout.sessions.retrieve(session.id, None, {"stripe_account": account_id})
    assert stripe_server.held_types() == ["checkout.session.expired"]
    status, _, body = http("GET", f"{stripe_server.url}/pay/{session.id}")
    assert status == 410 and "expired" in body.decode()
    result = stripe_server.pay_checkout(session.id)
    assert not result.paid


def test_expire_via_api_cancels_the_open_intent_and_cannot_repeat(
    stripe_server, sdk, make_account, make_session
):
    account_id = make_account()
    session = make_session(account_id)
    stripe_server.pay_checkout(session.url, card="4000000000000002")
    stripe_server.take_held()
    expired = sdk.v1.checkout.sessions.expire(session.id, None, {"stripe_account": account_id})
    assert expired.status == "expired"
    assert stripe_server.held_types() == ["checkout.session.expired", "payment_intent.canceled"]
    intent = sdk.v1.payment_intents.retrieve(expired.payment_intent, None, {"stripe_account": account_id})
    assert intent.status == "canceled"
    with pytest.raises(stripe.InvalidRequestError):
        sdk.v1.checkout.sessions.expire(session.id, None, {"stripe_account": account_id})
    paid = make_session(account_id)
    stripe_server.pay_checkout(paid.url)
    with pytest.raises(stripe.InvalidRequestError):
        sdk.v1.checkout.sessions.expire(paid.id, None, {"stripe_account": account_id})
