"""payments/gateway/cards.py over real HTTP against the emulator: every saved-card call, our types out,
our errors (with decline code, advice code and PaymentIntent) for Stripe's, idempotency replayed."""

from datetime import UTC, datetime, timedelta

import pytest

from payments import gateway


@pytest.fixture
def account_id(stripe_server):
    info = gateway.account_create(
        country="US",
        email="ada@smith.example",
        business_name="Smith Tractors LLC",
        business_url="https://smith.example",
        support_phone="+12175550100",
        support_email="service@smith.example",
        address={"line1": "1 Main", "city": "X", "state": "IL", "postal_code": "62701", "country": "US"},
        idempotency_key="account-cards-1",
    )
    stripe_server.complete_onboarding(info.id)
    return info.id


def _saved(stripe_server, account_id, card="4242 4242 4242 4242", key="1"):
    customer = gateway.customer_create(
        account_id=account_id,
        email="carla@example.net",
        name="Carla",
        phone="+13125550100",
        metadata={"customer": key},
        idempotency_key=f"stripe-customer-{key}",
    )
    session = gateway.setup_session_create(
        account_id=account_id,
        customer_id=customer.id,
        currency="USD",
        locale="fr",
        success_url="https://app.example/saved",
        cancel_url="https://app.example/cancel",
        expires_at=datetime.now(UTC) + timedelta(hours=23),
        metadata={"saved_card_request": key},
        idempotency_key=f"card-setup-{key}",
    )
    assert stripe_server.save_card(session.url, card=card).status == 303
    return customer, session


def _charge(account_id, customer_id, pm_id, key="card-charge-1", amount=10_000):
    return gateway.off_session_charge_create(
        account_id=account_id,
        customer_id=customer_id,
        payment_method_id=pm_id,
        amount_minor=amount,
        currency="USD",
        application_fee_minor=355,
        description="Service plan, March",
        metadata={"card_charge": key},
        idempotency_key=key,
    )


def test_customer_setup_session_setup_intent_and_list(stripe_server, account_id):
    customer, session = _saved(stripe_server, account_id)
    again = gateway.customer_create(
        account_id=account_id,
        email="carla@example.net",
        name="Carla",
        phone="+13125550100",
        metadata={"customer": "1"},
        idempotency_key="stripe-customer-1",
    )
    assert again.id == customer.id and customer.email == "carla@example.net"
    assert session.url and session.setup_intent_id.startswith("seti_") and session.status == "open"
    intent = gateway.setup_intent_retrieve(account_id=account_id, setup_intent_id=session.setup_intent_id)
    assert intent.status == "succeeded" and intent.customer_id == customer.id
    assert intent.metadata == {"saved_card_request": "1"}
    card = intent.card
    assert (card.brand, card.last4, card.customer_id) == ("visa", "4242", customer.id)
    assert card.exp_year == 2034 and card.fingerprint
    assert gateway.customer_cards_list(account_id=account_id, customer_id=customer.id) == [card]


def test_off_session_charge_succeeds_and_replays_once(stripe_server, account_id):
    customer, session = _saved(stripe_server, account_id)
    pm = gateway.setup_intent_retrieve(account_id=account_id, setup_intent_id=session.setup_intent_id).card
    first = _charge(account_id, customer.id, pm.id)
    second = _charge(account_id, customer.id, pm.id)
    assert first.id == second.id and first.status == "succeeded"
    assert (first.amount_received, first.application_fee_amount, first.card_last4) == (10_000, 355, "4242")
    assert stripe_server.charges_summary("card_charge")["succeeded_by"] == {"card-charge-1": 1}


@pytest.mark.parametrize(
    "card, code, decline, advice",
    [
        ("4000 0000 0000 9995", "card_declined", "insufficient_funds", "try_again_later"),
        ("4000 0000 0000 0341", "card_declined", "generic_decline", ""),
        ("4000 0027 6000 3184", "authentication_required", "authentication_required", ""),
    ],
)
def test_off_session_declines_raise_card_error_with_codes_and_intent(
    stripe_server, account_id, card, code, decline, advice
):
    customer, session = _saved(stripe_server, account_id, card=card)
    pm = gateway.setup_intent_retrieve(account_id=account_id, setup_intent_id=session.setup_intent_id).card
    with pytest.raises(gateway.CardError) as err:
        _charge(account_id, customer.id, pm.id)
    assert (err.value.code, err.value.decline_code, err.value.advice_code) == (code, decline, advice)
    assert err.value.payment_intent_id.startswith("pi_") and err.value.http_status == 402


def test_detach_and_the_event_object(stripe_server, account_id):
    customer, session = _saved(stripe_server, account_id)
    pm = gateway.setup_intent_retrieve(account_id=account_id, setup_intent_id=session.setup_intent_id).card
    detached = gateway.payment_method_detach(account_id=account_id, payment_method_id=pm.id)
    assert detached.id == pm.id and detached.customer_id == ""
    assert gateway.customer_cards_list(account_id=account_id, customer_id=customer.id) == []
    with pytest.raises(gateway.InvalidRequest):
        gateway.payment_method_detach(account_id=account_id, payment_method_id=pm.id)
    event = stripe_server.take_held()[-1].event
    assert event["type"] == "payment_method.detached"
    assert gateway.saved_card_from_event(event["data"]["object"]).customer_id == ""


def test_checkout_with_customer_and_save_card(stripe_server, account_id):
    customer = gateway.customer_create(
        account_id=account_id, email="c@example.net", name="", phone="", metadata={}, idempotency_key="c-9"
    )
    session = gateway.checkout_session_create(
        account_id=account_id,
        amount_minor=4_500,
        currency="USD",
        product_name="Oil change",
        description="",
        application_fee_minor=176,
        payment_method_types=["card"],
        expires_at=datetime.now(UTC) + timedelta(hours=2),
        success_url="https://app.example/ok",
        cancel_url="https://app.example/no",
        metadata={"payment_request": "9"},
        customer_email="ignored@example.net",
        idempotency_key="checkout-9-1",
        customer_id=customer.id,
        save_card=True,
    )
    assert stripe_server.pay_checkout(session.url).paid
    cards = gateway.customer_cards_list(account_id=account_id, customer_id=customer.id)
    assert [c.last4 for c in cards] == ["4242"]
