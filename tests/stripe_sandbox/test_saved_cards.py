"""Saved cards in the emulator, over HTTP with the official SDK: Customers, setup-mode Checkout,
SetupIntents, attach/detach/list, off-session PaymentIntents with the documented test cards, the card
events, and the configurable 429 rate limit."""

import threading

import pytest
import stripe

from tests.stripe_server import http


@pytest.fixture
def account(make_account):
    return make_account()


def _opts(account_id, key=None):
    options = {"stripe_account": account_id}
    if key:
        options["idempotency_key"] = key
    return options


def _save(stripe_server, sdk, account_id, card, email="carla@example.net"):
    customer = sdk.v1.customers.create({"email": email, "name": "Carla"}, _opts(account_id))
    session = sdk.v1.checkout.sessions.create(
        {
            "mode": "setup",
            "customer": customer.id,
            "currency": "usd",
            "locale": "fr",
            "setup_intent_data": {"metadata": {"saved_card_request": "7"}},
            "success_url": "https://app.example/saved",
            "cancel_url": "https://app.example/cancel",
        },
        _opts(account_id),
    )
    result = stripe_server.save_card(session.url, card=card)
    return customer, session, result


def _charge(sdk, account_id, customer, pm, amount=5_000, key=None):
    return sdk.v1.payment_intents.create(
        {
            "amount": amount,
            "currency": "usd",
            "customer": customer,
            "payment_method": pm,
            "confirm": True,
            "off_session": True,
            "application_fee_amount": 193,
            "allowed_payment_method_types": ["card"],
            "metadata": {"card_charge": "1"},
        },
        _opts(account_id, key),
    )


def test_setup_mode_checkout_saves_a_card_and_emits_the_setup_events(stripe_server, sdk, account):
    stripe_server.take_held()
    customer, session, result = _save(stripe_server, sdk, account, "4242 4242 4242 4242")
    assert session.mode == "setup" and session.setup_intent.startswith("seti_")
    assert result.status == 303 and result.location == "https://app.example/saved"
    _, _, body = http("GET", session.url)
    assert "Your card is saved" in body.decode()
    si = sdk.v1.setup_intents.retrieve(session.setup_intent, None, _opts(account))
    assert si.status == "succeeded" and si.customer == customer.id
    assert si.metadata.to_dict() == {"saved_card_request": "7"}
    cards = sdk.v1.customers.payment_methods.list(customer.id, {"type": "card"}, _opts(account))
    assert [(c.id, c.card.last4, c.card.brand) for c in cards.data] == [(si.payment_method, "4242", "visa")]
    assert cards.data[0].card.fingerprint and cards.data[0].customer == customer.id
    types = stripe_server.held_types()
    assert types.index("setup_intent.created") < types.index("setup_intent.succeeded")
    assert "payment_method.attached" in types and types[-1] == "checkout.session.completed"


def test_setup_page_shows_the_reuse_text_and_refuses_a_declining_card(stripe_server, sdk, account):
    customer, session, result = _save(stripe_server, sdk, account, "4000 0000 0000 0002")
    assert result.status == 402 and "declined" in result.message
    assert "allow Smith Tractors to charge your card for future payments" in result.html
    assert not sdk.v1.customers.payment_methods.list(customer.id, None, _opts(account)).data


def test_setup_mode_needs_a_currency_or_the_allowed_types(sdk, account):
    customer = sdk.v1.customers.create({"email": "a@example.net"}, _opts(account))
    with pytest.raises(stripe.InvalidRequestError) as err:
        sdk.v1.checkout.sessions.create(
            {"mode": "setup", "customer": customer.id, "success_url": "https://app.example/ok"},
            _opts(account),
        )
    assert err.value.param == "currency"


def test_off_session_charge_with_4242_succeeds_and_replays_with_the_same_key(stripe_server, sdk, account):
    customer, session, _ = _save(stripe_server, sdk, account, "4242 4242 4242 4242")
    pm = sdk.v1.setup_intents.retrieve(session.setup_intent, None, _opts(account)).payment_method
    intent = _charge(sdk, account, customer.id, pm, key="card-charge-1")
    again = _charge(sdk, account, customer.id, pm, key="card-charge-1")
    assert intent.status == "succeeded" and again.id == intent.id
    assert intent.amount_received == 5_000 and intent.application_fee_amount == 193
    assert stripe_server.charges_summary("card_charge")["succeeded_by"] == {"1": 1}


@pytest.mark.parametrize(
    "card, code, decline, advice",
    [
        ("4000 0000 0000 9995", "card_declined", "insufficient_funds", "try_again_later"),
        ("4000 0000 0000 0341", "card_declined", "generic_decline", None),
        ("4000 0027 6000 3184", "authentication_required", "authentication_required", None),
    ],
)
def test_off_session_declines_carry_the_intent_decline_and_advice_codes(
    stripe_server, sdk, account, card, code, decline, advice
):
    customer, session, result = _save(stripe_server, sdk, account, card)
    assert result.status == 303, result.message  # each of these can be saved
    pm = sdk.v1.setup_intents.retrieve(session.setup_intent, None, _opts(account)).payment_method
    with pytest.raises(stripe.CardError) as err:
        _charge(sdk, account, customer.id, pm, key=f"k-{card}")
    body = err.value.json_body["error"]
    assert err.value.http_status == 402 and err.value.code == code
    assert body["decline_code"] == decline and body.get("advice_code") == advice
    intent = body["payment_intent"]
    assert intent["status"] == "requires_payment_method" and intent["customer"] == customer.id
    replay = stripe_server.api(
        "POST",
        "/v1/payment_intents",
        {
            "amount": 5_000,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": pm,
            "confirm": True,
            "off_session": True,
            "application_fee_amount": 193,
            "allowed_payment_method_types": ["card"],
            "metadata": {"card_charge": "1"},
        },
        account=account,
        idempotency_key=f"k-{card}",
    )
    assert replay[0] == 402 and replay[2]["error"]["payment_intent"]["id"] == intent["id"]
    assert stripe_server.charges_summary()["succeeded"] == 0


def test_3155_needs_authentication_only_until_it_is_set_up(stripe_server, sdk, account, make_session):
    customer, session, _ = _save(stripe_server, sdk, account, "4000 0025 0000 3155")
    pm = sdk.v1.setup_intents.retrieve(session.setup_intent, None, _opts(account)).payment_method
    assert _charge(sdk, account, customer.id, pm).status == "succeeded"
    # the same card paid on a plain payment page, then attached by API (never set up): refused off-session
    paid = make_session(account)
    assert stripe_server.pay_checkout(paid.url, card="4000 0025 0000 3155").paid
    plain_pm = sdk.v1.payment_intents.retrieve(
        sdk.v1.checkout.sessions.retrieve(paid.id, None, _opts(account)).payment_intent, None, _opts(account)
    ).payment_method
    sdk.v1.payment_methods.attach(plain_pm, {"customer": customer.id}, _opts(account))
    with pytest.raises(stripe.CardError) as err:
        _charge(sdk, account, customer.id, plain_pm)
    assert err.value.code == "authentication_required"
    sdk.v1.payment_methods.detach(pm, None, _opts(account))
    with pytest.raises(stripe.InvalidRequestError):
        _charge(sdk, account, customer.id, pm)  # detached: no longer the customer's


def test_payment_mode_with_customer_offers_saved_cards_and_saves_with_setup_future_usage(
    stripe_server, sdk, account, make_session
):
    customer = sdk.v1.customers.create({"email": "carla@example.net"}, _opts(account))
    session = make_session(
        account,
        customer=customer.id,
        customer_email=None,
        payment_method_options={"card": {"setup_future_usage": "off_session"}},
    )
    result = stripe_server.pay_checkout(session.url, card="4000 0027 6000 3184")
    assert result.paid  # on session: the customer completes 3-D Secure on the page
    cards = sdk.v1.customers.payment_methods.list(customer.id, None, _opts(account)).data
    assert [c.card.last4 for c in cards] == ["3184"]
    second = make_session(account, customer=customer.id, customer_email=None)
    assert stripe_server.pay_with_saved_card(second.url, cards[0].id).paid
    intent = sdk.v1.payment_intents.retrieve(
        sdk.v1.checkout.sessions.retrieve(second.id, None, _opts(account)).payment_intent,
        None,
        _opts(account),
    )
    assert intent.status == "succeeded" and intent.payment_method == cards[0].id


def test_detach_and_automatic_update_events(stripe_server, sdk, account):
    customer, session, _ = _save(stripe_server, sdk, account, "4242 4242 4242 4242")
    pm = sdk.v1.setup_intents.retrieve(session.setup_intent, None, _opts(account)).payment_method
    stripe_server.take_held()
    stripe_server.update_card(pm, exp_month=4, exp_year=2031)
    stripe_server.detach_card(pm)
    events = [d.event for d in stripe_server.take_held()]
    assert [e["type"] for e in events] == ["payment_method.automatically_updated", "payment_method.detached"]
    assert events[0]["data"]["object"]["card"]["exp_year"] == 2031
    assert events[1]["data"]["object"]["customer"] is None
    assert events[1]["data"]["previous_attributes"] == {"customer": customer.id}
    with pytest.raises(stripe.InvalidRequestError):
        sdk.v1.payment_methods.detach(pm, None, _opts(account))


def test_rate_limit_answers_429_like_stripe_and_a_retry_with_the_same_key_charges_once(
    stripe_server, sdk, account
):
    customer, session, _ = _save(stripe_server, sdk, account, "4242 4242 4242 4242")
    pm = sdk.v1.setup_intents.retrieve(session.setup_intent, None, _opts(account)).payment_method
    stripe_server.set_rate_limit(1, burst=1)
    outcomes = []

    def one():
        try:
            outcomes.append(_charge(sdk, account, customer.id, pm, key="same").id)
        except stripe.RateLimitError as exc:
            outcomes.append(exc.json_body["error"]["code"])

    threads = [threading.Thread(target=one) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "rate_limit" in outcomes and len({o for o in outcomes if o.startswith("pi_")}) == 1
    assert stripe_server.rate_limit_counts()["refused"] >= 1
    stripe_server.set_rate_limit(0)
    assert _charge(sdk, account, customer.id, pm, key="same").status == "succeeded"
    assert stripe_server.charges_summary("card_charge")["succeeded_by"] == {"1": 1}
