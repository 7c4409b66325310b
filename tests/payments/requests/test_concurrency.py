"""The customer's return to the success URL and Stripe's webhook at the same moment, in real
threads with real transactions: exactly one Payment, the request paid once."""

import threading

import pytest
from django.db import connection
from django.test import Client

from payments.models import Payment, PaymentRequest, PaymentRequestEvent, WebhookEvent
from payments.requests.recording import payment_record_from_intent
from tests.payments.request_helpers import connected_account, path_of, request_form


def _run_together(*callables):
    barrier = threading.Barrier(len(callables))
    errors = []

    def wrap(fn):
        def run():
            try:
                barrier.wait(timeout=10)
                fn()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in callables]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors


def _paid_session(stripe_server, advisor, customer, team):
    client = Client()
    client.force_login(advisor)
    response = client.post(
        f"/requests/new/?customer={customer.pk}", request_form(customer, team, channel="email")
    )
    assert response.status_code == 302
    pr = PaymentRequest.objects.latest("id")
    checkout = Client().post(f"/pay/{pr.token}/checkout/")
    assert checkout.status_code == 303
    result = stripe_server.pay_checkout(checkout["Location"])
    assert result.paid, result.message
    return pr, result


@pytest.mark.django_db(transaction=True)
def test_success_return_and_webhooks_at_the_same_moment(stripe_server, advisor, customer, team):
    connected = connected_account(stripe_server, team.organization)
    assert connected
    pr, result = _paid_session(stripe_server, advisor, customer, team)
    deliveries = [
        d
        for d in stripe_server.take_held()
        if d.event["type"] in ("checkout.session.completed", "payment_intent.succeeded")
    ]
    assert len(deliveries) == 2

    def customer_returns():
        assert Client().get(path_of(result.location)).status_code == 303

    def webhook(delivery):
        return lambda: stripe_server.deliver(delivery, Client())

    _run_together(
        customer_returns,
        customer_returns,
        *[webhook(d) for d in deliveries],
        *[webhook(d) for d in deliveries],
    )

    assert Payment.objects.filter(payment_request=pr).count() == 1
    pr.refresh_from_db()
    assert pr.status == "paid" and pr.amount_paid_minor == pr.amount_minor
    assert PaymentRequestEvent.objects.filter(payment_request=pr, kind="payment_succeeded").count() == 1
    assert PaymentRequestEvent.objects.filter(payment_request=pr, kind="receipt_sent").count() == 1
    assert WebhookEvent.objects.filter(status="succeeded").count() == 2


@pytest.mark.django_db(transaction=True)
def test_many_recorders_of_the_same_intent_make_one_payment(stripe_server, advisor, customer, team):
    account = connected_account(stripe_server, team.organization)
    pr, result = _paid_session(stripe_server, advisor, customer, team)
    Client().get(f"/pay/{pr.token}/")  # nothing recorded yet: the return URL was not visited
    assert not Payment.objects.exists()
    from payments import gateway

    session = gateway.checkout_session_retrieve(
        account_id=account.stripe_id, session_id=result.location.split("session_id=")[1]
    )
    recorder = lambda: payment_record_from_intent(  # noqa: E731
        account_id=account.stripe_id, payment_intent_id=session.payment_intent_id, source="test"
    )
    _run_together(*[recorder] * 6)
    assert Payment.objects.count() == 1
    pr.refresh_from_db()
    assert pr.amount_paid_minor == 12_550 and pr.status == "paid"


@pytest.mark.django_db(transaction=True)
def test_double_click_at_the_same_moment_makes_one_checkout_session(stripe_server, advisor, customer, team):
    connected_account(stripe_server, team.organization)
    client = Client()
    client.force_login(advisor)
    assert (
        client.post(f"/requests/new/?customer={customer.pk}", request_form(customer, team)).status_code == 302
    )
    pr = PaymentRequest.objects.latest("id")
    urls = []

    def click():
        response = Client().post(f"/pay/{pr.token}/checkout/")
        assert response.status_code == 303
        urls.append(response["Location"])

    _run_together(click, click, click, click)
    assert len(set(urls)) == 1 and len(urls) == 4
    assert PaymentRequestEvent.objects.filter(payment_request=pr, kind="checkout_created").count() == 1
    status, _, listing = stripe_server.api(
        "GET", "/v1/checkout/sessions", {"limit": 100}, account=pr.stripe_account.stripe_id
    )
    assert status == 200 and len(listing["data"]) == 1
