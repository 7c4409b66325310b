"""QA regression: the refund confirmation showed the raw reason code "requested_by_customer"."""

import pytest

from tests.factories import PaymentFactory, PaymentRequestFactory


@pytest.mark.django_db
def test_refund_confirmation_names_the_reason_in_words(client, org, team, manager, advisor):
    payment = PaymentFactory(
        payment_request=PaymentRequestFactory(organization=org, team=team, created_by=advisor, status="paid")
    )
    client.force_login(manager)
    response = client.post(
        f"/payments/{payment.pk}/refund/", {"amount": "10.00", "reason": "requested_by_customer", "note": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Confirm the refund" in html
    assert "Reason: Requested by customer" in html and "requested_by_customer." not in html
