"""The wire format pieces: bracket notation, signatures, test card table."""

import pytest
import stripe

from stripe_sandbox.cards import TEST_CARDS, luhn_ok
from stripe_sandbox.delivery import sign
from stripe_sandbox.wire import ParamError, parse_form


def test_bracket_notation_nests_dicts_and_lists():
    raw = (
        "mode=payment&line_items[0][price_data][unit_amount]=500&line_items[0][quantity]=1"
        "&line_items[1][quantity]=2&expand[]=latest_charge&expand[]=customer&metadata[0]=zero&metadata[a]=b"
        "&payment_method_types[0]=card&payment_method_types[1]=afterpay_clearpay"
    )
    parsed = parse_form(raw)
    assert parsed["line_items"] == [
        {"price_data": {"unit_amount": "500"}, "quantity": "1"},
        {"quantity": "2"},
    ]
    assert parsed["expand"] == ["latest_charge", "customer"]
    assert parsed["metadata"] == {"0": "zero", "a": "b"}  # metadata keys stay keys
    assert parsed["payment_method_types"] == ["card", "afterpay_clearpay"]


@pytest.mark.parametrize("raw", ["a=1&a[b]=2", "a[b]=1&a=2", "a[b=1"])
def test_conflicting_or_broken_keys_are_refused(raw):
    with pytest.raises(ParamError):
        parse_form(raw)


def test_signature_verifies_with_the_official_sdk_and_fails_with_another_secret():
    payload = '{"id": "evt_1", "object": "event", "type": "account.updated", "data": {"object": {}}}'
    header = sign(payload, "whsec_a")
    assert stripe.Webhook.construct_event(payload, header, "whsec_a")["id"] == "evt_1"
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, header, "whsec_b")
    stale = sign(payload, "whsec_a", timestamp=1_000_000)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, stale, "whsec_a", tolerance=300)


def test_every_test_card_passes_luhn():
    assert all(luhn_ok(number) for number in TEST_CARDS)
    assert not luhn_ok("4242424242424241")
