"""The history's from/to columns hold every status a request or a payment can have.

Regression: they were 15 characters, so recording a dispute on a partially refunded payment
("partially_refunded", 18) failed on PostgreSQL with a DataError instead of writing the history row."""

import pytest

from payments.models import Payment, PaymentRequest, PaymentRequestEvent


@pytest.mark.django_db
def test_every_request_and_payment_status_fits_the_history_columns(advisor, team, customer):
    request = PaymentRequest.objects.create(
        organization=advisor.organization, team=team, customer=customer, created_by=advisor,
        amount_minor=10_000, currency="USD", description="Brake service", reference="RO-1", channel="sms",
    )  # fmt: skip
    statuses = [*PaymentRequest.Status.values, *Payment.Status.values]
    for status in statuses:
        PaymentRequestEvent.objects.create(
            organization=request.organization,
            payment_request=request,
            kind="status",
            from_status=status,
            to_status=status,
        )
    stored = set(PaymentRequestEvent.objects.values_list("to_status", flat=True))
    assert stored == set(statuses) and "partially_refunded" in stored
