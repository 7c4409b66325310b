"""The pay page at scale: one query for what it shows, nothing written on a repeat visit, and an
`opened` mark that never waits for (nor holds up) a payment being recorded."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from payments.models import PaymentRequest, PaymentRequestEvent
from tests.factories import PaymentFactory, PaymentRequestFactory

S = PaymentRequest.Status


@pytest.fixture
def pay_request(org, team, customer, advisor):
    return PaymentRequestFactory(organization=org, team=team, customer=customer, created_by=advisor)


@pytest.mark.django_db
def test_a_repeat_visit_is_one_query_and_writes_nothing(client, pay_request, django_assert_num_queries):
    first = client.get(f"/pay/{pay_request.token}/")
    assert first.status_code == 200 and 'data-testid="pay-button"' in first.content.decode()
    pay_request.refresh_from_db()
    assert pay_request.status == S.OPENED and pay_request.opened_at is not None
    assert PaymentRequestEvent.objects.filter(payment_request=pay_request, kind="opened").count() == 1
    with django_assert_num_queries(1):  # the request, its dealership and Stripe account
        again = client.get(f"/pay/{pay_request.token}/")
    assert again.status_code == 200 and pay_request.organization.name in again.content.decode()
    assert PaymentRequestEvent.objects.filter(payment_request=pay_request).count() == 1


@pytest.mark.django_db
def test_payments_received_are_still_listed(client, pay_request):
    PaymentRequest.objects.filter(pk=pay_request.pk).update(status=S.PARTIALLY_PAID, amount_paid_minor=2000)
    PaymentFactory(payment_request=pay_request, amount_minor=2000, status="succeeded")
    page = client.get(f"/pay/{pay_request.token}/").content.decode()
    assert "Payments received" in page and "receipt" in page


@pytest.mark.django_db
def test_an_impossible_token_is_a_404_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/pay/short/").status_code == 404


@pytest.mark.django_db
def test_an_overdue_link_is_expired_on_the_visit(client, pay_request):
    PaymentRequest.objects.filter(pk=pay_request.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    page = client.get(f"/pay/{pay_request.token}/").content.decode()
    pay_request.refresh_from_db()
    assert pay_request.status == S.EXPIRED and "pay-button" not in page


@pytest.mark.django_db(transaction=True)
def test_the_opened_mark_is_skipped_while_a_payment_holds_the_request(client, pay_request):
    """A payment being recorded holds the request's row lock: the page is served at once, without
    the mark, instead of waiting (the holder would release only after the page returned, so a
    waiting page would hang here until the 10 s timeout and then mark the request opened)."""
    locked, release = threading.Event(), threading.Event()

    def record_payment():
        try:
            with transaction.atomic():
                PaymentRequest.objects.select_for_update().get(pk=pay_request.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=record_payment)
    holder.start()
    try:
        assert locked.wait(10)
        response = client.get(f"/pay/{pay_request.token}/")
        assert response.status_code == 200 and 'data-testid="pay-button"' in response.content.decode()
        pay_request.refresh_from_db()
        assert pay_request.status == S.SENT  # not marked: it did not wait for the lock
    finally:
        release.set()
        holder.join()
    client.get(f"/pay/{pay_request.token}/")  # the next visit marks it
    pay_request.refresh_from_db()
    assert pay_request.status == S.OPENED
