"""Issue 11: pay links with unknown tokens are limited per address (item 4); a mistyped or dead link
gets a proper page, with the dealership's contact when it can be told (item 7); webhook bodies that
are not UTF-8 are a 400 on both Stripe endpoints (item 5)."""

import pytest

from tests.factories import PaymentRequestFactory

UNKNOWN = "x" * 32


@pytest.mark.django_db
def test_a_mistyped_pay_link_gets_a_proper_page(client):
    response = client.get(f"/pay/{UNKNOWN}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This payment link doesn't work" in page and "No payment was taken" in page
    assert '<meta name="viewport"' in page and "<main" in page


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["expired", "cancelled"])
def test_a_dead_pay_link_offers_the_dealerships_contact(client, org, status):
    org.website = "https://smith-tractors.example"
    org.save()
    pr = PaymentRequestFactory(organization=org, status=status)
    page = client.get(f"/pay/{pr.token}/").content.decode()
    assert 'data-testid="dealer-contact"' in page
    assert 'href="tel:+12175550100"' in page and 'href="mailto:service@example.com"' in page
    assert "https://smith-tractors.example" in page


@pytest.mark.django_db
def test_unknown_tokens_are_limited_per_address_then_every_token_is_refused(client, org, settings):
    settings.PAY_LINK_UNKNOWN_RATE_PER_IP = "5/3600"
    pr = PaymentRequestFactory(organization=org)
    for n in range(5):
        assert client.get(f"/pay/{UNKNOWN}{n}/", REMOTE_ADDR="203.0.113.4").status_code == 404
    limited = client.get(f"/pay/{UNKNOWN}9/", REMOTE_ADDR="203.0.113.4")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert "Too many links tried" in limited.content.decode()
    # a real link from that address is refused too (no oracle for guessed tokens) ...
    assert client.get(f"/pay/{pr.token}/", REMOTE_ADDR="203.0.113.4").status_code == 429
    assert client.post(f"/pay/{pr.token}/checkout/", REMOTE_ADDR="203.0.113.4").status_code == 429
    # ... but the customer on another address is not affected
    assert client.get(f"/pay/{pr.token}/", REMOTE_ADDR="198.51.100.8").status_code == 200


@pytest.mark.django_db
def test_known_tokens_do_not_count(client, org, settings):
    settings.PAY_LINK_UNKNOWN_RATE_PER_IP = "3/3600"
    pr = PaymentRequestFactory(organization=org)
    for _ in range(10):
        assert client.get(f"/pay/{pr.token}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/webhooks/stripe/", "/webhooks/stripe/connect/"])
def test_a_webhook_body_that_is_not_utf8_is_a_400(client, settings, url):
    """QA regression: a non-UTF-8 body gave 500 before the signature check."""
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = settings.STRIPE_CONNECT_WEBHOOK_SECRET = "whsec_x"
    response = client.post(
        url,
        data=b'{"id": "evt_\xff\xfe"}',
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=00",
    )
    assert response.status_code == 400
    assert b"UTF-8" in response.content
