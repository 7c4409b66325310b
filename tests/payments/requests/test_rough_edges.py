"""Rough edges a new user found (issue 17, item 3): installments are mentioned only when Afterpay is
offered; a Stripe account that can't take payments is said before sending and on open links."""

import pytest
from django.utils import timezone

from payments.requests.messages import request_email_subject_and_body
from tests.factories import PaymentRequestFactory, StripeAccountFactory


@pytest.fixture
def ready(org, team):
    account = StripeAccountFactory(organization=org)
    team.stripe_account = account
    team.save()
    return account


@pytest.mark.django_db
def test_installments_are_mentioned_only_when_afterpay_is_offered(
    client, org, team, advisor, customer, ready
):
    small = PaymentRequestFactory(organization=org, team=team, customer=customer, created_by=advisor,
                                  stripe_account=ready, amount_minor=12_550)  # fmt: skip
    large = PaymentRequestFactory(organization=org, team=team, customer=customer, created_by=advisor,
                                  stripe_account=ready, amount_minor=650_000)  # fmt: skip
    assert "by card or in installments" in request_email_subject_and_body(small)[1]
    body = request_email_subject_and_body(large)[1]
    assert "installments" not in body and "Pay securely by card here" in body
    assert 'data-testid="installments"' in client.get(f"/pay/{small.token}/").content.decode()
    assert 'data-testid="installments"' not in client.get(f"/pay/{large.token}/").content.decode()


@pytest.mark.django_db
def test_an_open_link_of_a_disconnected_account_says_the_dealership_cannot_take_payments(
    client, org, team, advisor, customer, ready
):
    pr = PaymentRequestFactory(organization=org, team=team, customer=customer, created_by=advisor,
                               stripe_account=ready)  # fmt: skip
    assert 'data-testid="pay-button"' in client.get(f"/pay/{pr.token}/").content.decode()
    ready.disconnected_at = timezone.now()
    ready.save()
    html = client.get(f"/pay/{pr.token}/").content.decode()
    assert "can't take payments right now" in html and "(217) 555-0100" in html
    assert 'data-testid="pay-button"' not in html

    client.force_login(advisor)
    detail = client.get(f"/requests/{pr.pk}/").content.decode()
    assert 'data-testid="payments-unavailable"' in detail


@pytest.mark.django_db
def test_staff_are_told_before_sending_when_no_account_can_take_payments(
    client, org, team, advisor, customer
):
    client.force_login(advisor)
    assert 'data-testid="payments-unavailable"' in client.get(f"/customers/{customer.pk}/").content.decode()
    form = client.get(f"/requests/new/?customer={customer.pk}").content.decode()
    assert 'data-testid="payments-unavailable"' in form and "can't take payments right now" in form

    account = StripeAccountFactory(organization=org)
    team.stripe_account = account
    team.save()
    assert (
        'data-testid="payments-unavailable"' not in client.get(f"/customers/{customer.pk}/").content.decode()
    )
    assert (
        'data-testid="payments-unavailable"'
        not in client.get(f"/requests/new/?customer={customer.pk}").content.decode()
    )


@pytest.mark.django_db
def test_reports_open_on_the_last_complete_days_with_payments_and_say_why(client, org, manager, team):
    import datetime as dt

    from payments.reports.selectors import report_default_interval
    from tests.factories import PaymentFactory

    today = dt.date(2026, 11, 20)
    assert report_default_interval(user=manager, today=today) == (
        dt.date(2026, 11, 13),
        dt.date(2026, 11, 19),
    )
    for days_ago in (5, 3, 0):  # today's payment is not in Stripe's reports yet
        when = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(15), tzinfo=dt.UTC)
        PaymentFactory(payment_request__organization=org, payment_request__team=team, occurred_at=when)
    assert report_default_interval(user=manager, today=today) == (
        dt.date(2026, 11, 15),
        dt.date(2026, 11, 17),
    )
    client.force_login(manager)
    assert "Stripe&#x27;s data lags" in client.get(
        "/payments/reports/"
    ).content.decode() or "Stripe's data lags" in (client.get("/payments/reports/").content.decode())
