"""Expiry (time travel): it holds on use without a sweep, one second before still opens, under 30
minutes left says about to expire, and the sweep expires overdue requests in batches."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments.models import PaymentRequest, PaymentRequestEvent
from payments.requests.tasks import expire_overdue_requests_task
from tests.factories import (
    PaymentRequestFactory,
)
from tests.payments.requests.helpers import create

S = PaymentRequest.Status


@pytest.mark.django_db
def test_expiry_holds_on_use_without_a_sweep(advisor, team, customer, account, client):
    pr = create(advisor, team, customer)
    # time travel: the link was sent 24 h + 1 s ago
    PaymentRequest.objects.filter(pk=pr.pk).update(
        sent_at=timezone.now() - timedelta(hours=24, seconds=1),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    response = client.get(f"/pay/{pr.token}/")
    assert response.status_code == 200
    assert b'data-testid="expired"' in response.content
    assert b"pay-button" not in response.content
    response = client.post(f"/pay/{pr.token}/checkout/")
    assert response.status_code == 409
    pr.refresh_from_db()
    assert pr.status == S.EXPIRED and pr.expired_at
    assert PaymentRequestEvent.objects.filter(payment_request=pr, kind="expired").count() == 1


@pytest.mark.django_db
def test_link_one_second_before_expiry_still_opens(advisor, team, customer, account, client):
    pr = create(advisor, team, customer)
    PaymentRequest.objects.filter(pk=pr.pk).update(expires_at=timezone.now() + timedelta(seconds=5))
    response = client.get(f"/pay/{pr.token}/")
    assert b"pay-button" in response.content
    pr.refresh_from_db()
    assert pr.status == S.OPENED


@pytest.mark.django_db
def test_less_than_30_minutes_left_says_about_to_expire(advisor, team, customer, account, client):
    pr = create(advisor, team, customer)
    PaymentRequest.objects.filter(pk=pr.pk).update(expires_at=timezone.now() + timedelta(minutes=20))
    response = client.post(f"/pay/{pr.token}/checkout/")
    assert response.status_code == 409
    assert b"about to expire" in response.content


@pytest.mark.django_db
def test_sweep_expires_overdue_requests_in_batches(advisor, team, customer, account, monkeypatch):
    from payments.requests import tasks

    monkeypatch.setattr(tasks, "BATCH_SIZE", 3)
    advisor.organization.max_requests_per_customer_hour = 20  # eight requests to one customer here
    advisor.organization.save()
    overdue = [create(advisor, team, customer, channel="sms") for _ in range(7)]
    fresh = create(advisor, team, customer, channel="sms")
    paid = PaymentRequestFactory(organization=advisor.organization, status=S.PAID)
    PaymentRequest.objects.filter(pk__in=[p.pk for p in overdue] + [paid.pk]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert expire_overdue_requests_task() == 7
    assert set(PaymentRequest.objects.filter(status=S.EXPIRED).values_list("pk", flat=True)) == {
        p.pk for p in overdue
    }
    fresh.refresh_from_db()
    paid.refresh_from_db()
    assert fresh.status == S.SENT and paid.status == S.PAID
    assert expire_overdue_requests_task() == 0  # safe to run twice
