"""The expiry sweep in set operations: exactly the overdue open requests, in bounded batches, each
with the history row and side effects the state machine writes for one request."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from payments.models import Payment, PaymentRequest, PaymentRequestEvent
from payments.requests.expiry import payment_request_expire_if_due, payment_requests_expire_due
from tests.factories import PaymentFactory, PaymentRequestFactory

S = PaymentRequest.Status


def _request(org, team, customer, advisor, *, status=S.SENT, due=True, **fields):
    when = timezone.now() + (timedelta(minutes=-1) if due else timedelta(hours=1))
    fields.setdefault("expires_at", when)
    return PaymentRequestFactory(
        organization=org, team=team, customer=customer, created_by=advisor, status=status, **fields
    )


@pytest.mark.django_db
def test_the_sweep_expires_exactly_the_overdue_open_requests(org, team, customer, advisor):
    make = lambda **kw: _request(org, team, customer, advisor, **kw)  # noqa: E731
    overdue = [
        make(status=S.SENT),
        make(status=S.OPENED),
        make(status=S.PARTIALLY_PAID, amount_paid_minor=100),
    ]
    kept = [
        make(status=S.SENT, due=False),
        make(status=S.PAID),
        make(status=S.CANCELLED),
        make(status=S.CREATED),
        make(status=S.SENT, expires_at=None),
    ]
    before = {r.pk: r.status for r in overdue}

    assert sorted(payment_requests_expire_due(limit=100)) == sorted(r.pk for r in overdue)

    for r in overdue:
        r.refresh_from_db()
        assert r.status == S.EXPIRED and r.expired_at is not None
        (row,) = PaymentRequestEvent.objects.filter(payment_request=r)
        assert (row.kind, row.from_status, row.to_status, row.actor_label) == (
            "expired", before[r.pk], S.EXPIRED, "system")  # fmt: skip
        assert row.organization_id == org.pk and row.message
    for r in kept:
        status = r.status
        r.refresh_from_db()
        assert r.status == status
        assert not PaymentRequestEvent.objects.filter(payment_request=r).exists()
    assert payment_requests_expire_due(limit=100) == []  # nothing left: a second run changes nothing


@pytest.mark.django_db
def test_bulk_and_single_expiry_write_the_same_history_and_payment_status(org, team, customer, advisor):
    """The one-request path (on use of the link) and the sweep agree row for row."""
    one, many = (_request(org, team, customer, advisor, status=S.PARTIALLY_PAID) for _ in range(2))
    for r in (one, many):
        PaymentFactory(payment_request=r, status="succeeded", request_status=S.PARTIALLY_PAID)
    payment_request_expire_if_due(payment_request_id=one.pk)
    payment_requests_expire_due(limit=10)
    fields = ("kind", "from_status", "to_status", "actor_label", "message", "actor_id", "payment_id", "data")
    rows = [PaymentRequestEvent.objects.filter(payment_request=r).values(*fields).get() for r in (one, many)]
    assert rows[0] == rows[1]
    assert list(Payment.objects.filter(payment_request__in=[one, many]).values_list("request_status", flat=True)) == [
        S.EXPIRED, S.EXPIRED]  # fmt: skip


@pytest.mark.django_db
def test_each_batch_is_bounded_and_the_oldest_go_first(org, team, customer, advisor):
    requests = [_request(org, team, customer, advisor) for _ in range(5)]
    PaymentRequest.objects.filter(pk=requests[4].pk).update(expires_at=timezone.now() - timedelta(days=2))
    first = payment_requests_expire_due(limit=2)
    assert len(first) == 2 and requests[4].pk in first
    assert PaymentRequest.objects.filter(status=S.EXPIRED).count() == 2
    assert len(payment_requests_expire_due(limit=2)) == 2
    assert len(payment_requests_expire_due(limit=2)) == 1


@pytest.mark.django_db
def test_an_expired_request_with_an_open_checkout_session_queues_its_closing(
    org, team, customer, advisor, django_capture_on_commit_callbacks
):
    with_session = _request(
        org, team, customer, advisor, checkout_session_id="cs_test_1", checkout_session_url="https://x"
    )
    without = _request(org, team, customer, advisor)
    with django_capture_on_commit_callbacks() as callbacks:
        payment_requests_expire_due(limit=10)
    assert len(callbacks) == 1  # one task queued, for the request whose session is still open
    assert {with_session.pk, without.pk} == set(
        PaymentRequest.objects.filter(status=S.EXPIRED).values_list("pk", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_a_request_locked_by_a_payment_is_skipped_not_waited_for(org, team, customer, advisor):
    """A customer's payment holds its request's row lock: the sweep leaves that request for its
    next batch instead of waiting (and holding its other locks meanwhile)."""
    busy, free = _request(org, team, customer, advisor), _request(org, team, customer, advisor)
    locked, release = threading.Event(), threading.Event()

    def pay():
        with transaction.atomic():
            PaymentRequest.objects.select_for_update().get(pk=busy.pk)
            locked.set()
            release.wait(10)
        connection.close()

    payer = threading.Thread(target=pay)
    payer.start()
    try:
        assert locked.wait(10)
        assert payment_requests_expire_due(limit=10) == [free.pk]
    finally:
        release.set()
        payer.join()
    assert payment_requests_expire_due(limit=10) == [busy.pk]
