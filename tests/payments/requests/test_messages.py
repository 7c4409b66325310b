"""The request's SMS and email texts: the default SMS fits one GSM-7 segment; the organization's template."""

import pytest

from core.i18n import customer_language_override
from notifications.models import OutboundMessage
from payments.models import PaymentRequest
from payments.requests import messages as texts
from tests.factories import (
    CustomerFactory,
    OrganizationFactory,
    PaymentRequestFactory,
    UserFactory,
)
from tests.payments.requests.helpers import create

S = PaymentRequest.Status


# --- messages --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "A" * 25,
        "Smith Tractors & Trailers",
        "Mountain View Chevrolet Bu",
        "Ford of Saint-Jean-sur-Ri",
    ],
)
@pytest.mark.parametrize("currency, amount", [("USD", 5_000_000), ("CAD", 5_000_000), ("USD", 50)])
def test_default_sms_fits_one_gsm7_segment(settings, name, currency, amount):
    settings.SITE_URL = "https://pay.textpay-example.co"  # 30 characters
    assert len(settings.SITE_URL) == 30 and len(name[:25]) <= 25
    org = OrganizationFactory.build(name=name[:25], currency=currency, time_zone="America/Toronto")
    for reference in ["RO-1", "INV-2026-000123", "X" * 64]:
        pr = PaymentRequestFactory.build(
            organization=org, amount_minor=amount, currency=currency, reference=reference
        )
        pr.customer = CustomerFactory.build(organization=org)
        pr.created_by = UserFactory.build(organization=org)
        text = texts.request_sms_text(pr)
        encoding, length = texts.sms_encoding_and_length(text)
        assert encoding == "gsm7", text
        assert length <= 160, (length, text)
        assert texts.sms_segment_count(text) == 1
        assert texts.pay_link(pr) in text and "STOP" in text
        with customer_language_override(pr.customer):  # as the text is built: in the customer's language
            with_reference = texts.template_render(texts.DEFAULT_SMS_TEMPLATE, texts.template_values(pr))
        if texts.sms_segment_count(with_reference) == 1:
            assert text == with_reference  # the reference is kept whenever it fits
        else:
            assert reference not in text


def test_segment_counting_edges():
    assert texts.sms_segment_count("a" * 160) == 1
    assert texts.sms_segment_count("a" * 161) == 2
    assert texts.sms_segment_count("€" * 80) == 1  # extension chars count twice
    assert texts.sms_segment_count("€" * 81) == 2
    assert texts.sms_encoding_and_length("ł")[0] == "ucs2"
    assert texts.sms_segment_count("ł" * 70) == 1 and texts.sms_segment_count("ł" * 71) == 2


@pytest.mark.django_db
def test_organization_sms_template_with_placeholders(advisor, team, customer, account, org):
    org.sms_template = "Hi {customer_name}, {dealership} needs {amount} for {reference}: {link} {unknown}"
    org.save()
    advisor.organization.refresh_from_db()
    pr = create(advisor, team, customer, channel="sms")
    body = OutboundMessage.objects.get(payment_request=pr).body
    assert (
        body
        == f"Hi Carla Customer, Smith Tractors needs $125.50 for RO-1001: {texts.pay_link(pr)} {{unknown}}"
    )
