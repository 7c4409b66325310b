"""The "All dates" totals: grouped by status over the whole set, the chart's days from the recent
payments only. The figures equal the one-query grouping by day, busy or quiet dealership."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from payments.models import Payment
from payments.tab.selectors import CHART_DAYS, payment_totals
from tests.factories import PaymentFactory, PaymentRequestFactory

LA = ZoneInfo("America/Los_Angeles")


def _pay(org, days_ago: float, amount: int, status: str = "succeeded", refunded: int = 0):
    request = PaymentRequestFactory(organization=org, status="paid", amount_minor=amount)
    return PaymentFactory(
        payment_request=request,
        amount_minor=amount,
        status=status,
        refunded_minor=refunded,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("busy", [True, False])
def test_wide_totals_equal_the_grouping_by_day(org, busy, django_assert_num_queries):
    # busy: a payment every recent day (the chart's days are all in the window), then older ones
    days = [*range(0, 40), *range(40, 400, 20)] if busy else (1, 2, 100, 200)
    for i, ago in enumerate(days):
        _pay(org, ago + 0.3, 1000 + i)
        if i % 5 == 0:
            _pay(org, ago + 0.1, 500, status="failed")
        if i % 7 == 0:
            _pay(org, ago + 0.2, 2000 + i, status="refunded", refunded=2000 + i)
    queryset = Payment.objects.filter(organization=org)
    narrow = payment_totals(queryset=queryset, zone=LA)
    with django_assert_num_queries(1 if busy else 2):  # quiet: the window lacks days, grouped again
        wide = payment_totals(queryset=queryset, zone=LA, wide=True)
    assert wide == narrow
    assert len(wide.days) == (CHART_DAYS if busy else 4)
    assert wide.count == queryset.count()
