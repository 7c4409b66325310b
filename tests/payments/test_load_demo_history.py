"""The living demo (issue 17, item 1): a second dealership with 90 days of history that reads like a
real store, loaded idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Sum

from customers.models import Customer
from organizations.models import Organization, User
from payments.models import Payment, PaymentRequest, Payout, Refund


@pytest.mark.django_db
def test_the_living_demo_has_every_kind_of_day_and_loads_once():
    out = StringIO()
    call_command("load_demo_history", stdout=out)
    assert "admin@lakeview.textpay.local" in out.getvalue() and "demo-pass-123" in out.getvalue()
    org = Organization.objects.get(name="Lakeview Auto Group")
    requests = PaymentRequest.objects.filter(organization=org)
    statuses = dict(requests.values_list("status").annotate(n=Count("id")))
    assert {"paid", "expired", "cancelled"} <= set(statuses)
    assert requests.filter(status="expired", amount_paid_minor__gt=0).exists()  # partly paid
    failed_then_paid = requests.filter(payments__status="failed").filter(status="paid").distinct()
    assert failed_then_paid.exists()
    payments = Payment.objects.filter(organization=org)
    first = requests.order_by("created_at").first().created_at
    last = requests.order_by("-created_at").first().created_at
    assert (last - first).days >= 85  # 90 days of history, dated in their days
    assert payments.filter(status="disputed", dispute_status="needs_response").count() == 1
    assert Refund.objects.filter(organization=org, status="succeeded").count() >= 5
    settled = payments.exclude(status="failed")
    reconciled = settled.filter(reconciled_at__isnull=False).count()
    assert 0.5 * settled.count() < reconciled < settled.count()  # most, not all
    assert set(Customer.objects.filter(organization=org).values_list("preferred_language", flat=True)) >= {
        "en",
        "fr",
        "es",
    }
    payouts = Payout.objects.filter(organization=org).order_by("arrival_date")
    assert payouts.count() >= 12
    gaps = {(b.arrival_date - a.arrival_date).days for a, b in zip(payouts, payouts[1:], strict=False)}
    assert gaps == {7}  # weekly
    for payout in payouts:
        gross = payout.payments.aggregate(s=Sum(F("amount_minor") - F("fee_minor")))["s"]
        # A refund gives back its share of the platform fee (PLATFORM_REFUND_APPLICATION_FEE).
        refunds = (
            Refund.objects.filter(payout=payout).aggregate(
                s=Sum(F("amount_minor") - F("fee_refunded_minor"))
            )["s"]
            or 0
        )
        assert payout.amount_minor == gross - refunds, payout.stripe_payout_id

    counts = (requests.count(), payments.count(), User.objects.filter(organization=org).count())
    call_command("load_demo_history", stdout=StringIO())
    assert (requests.count(), payments.count(), User.objects.filter(organization=org).count()) == counts


@pytest.mark.django_db
def test_the_living_demo_has_receipt_numbers_and_refunds_that_net_zero():
    call_command("load_demo_history", site_url="http://127.0.0.1:8000", stdout=StringIO())
    paid = Payment.objects.exclude(status="failed").order_by("occurred_at", "id")
    numbers = list(paid.values_list("receipt_number", flat=True))
    assert all(numbers) and len(set(numbers)) == len(numbers) and numbers[0].startswith("LAG-")
    assert not Payment.objects.filter(status="failed").exclude(receipt_number="").exists()
    for payment in Payment.objects.filter(status="refunded"):
        assert payment.net_minor == 0 and payment.fee_refunded_minor == payment.fee_minor
