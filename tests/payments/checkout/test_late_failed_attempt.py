"""QA regression: a declined card followed quickly by a good one. Checkout retries on the same
PaymentIntent, so when the `payment_intent.payment_failed` webhook is processed after the
customer's return (worker busy, Stripe retrying the delivery), Stripe already says "succeeded".
The failed attempt used to vanish from the request's Attempts; it must stay, once, before the
payment, dated when it happened. Over real HTTP against the Stripe emulator, signed webhooks."""

import pytest

from payments.models import Payment, PaymentRequest, PaymentRequestEvent
from tests.payments.request_helpers import connected_account, path_of, request_form


@pytest.mark.django_db
def test_failure_webhook_processed_after_the_success_keeps_the_failed_attempt(
    stripe_server, client, advisor, customer, team, org, django_capture_on_commit_callbacks
):
    connected_account(stripe_server, org)
    client.force_login(advisor)
    response = client.post(
        f"/requests/new/?customer={customer.pk}", request_form(customer, team, channel="sms")
    )
    assert response.status_code == 302
    client.logout()
    pr = PaymentRequest.objects.latest("id")
    client.get(f"/pay/{pr.token}/")
    url = client.post(f"/pay/{pr.token}/checkout/")["Location"]

    declined = stripe_server.pay_checkout(url, card="4000 0000 0000 0002")
    assert not declined.paid
    ok = stripe_server.pay_checkout(url)
    assert ok.paid, ok.message
    with django_capture_on_commit_callbacks(execute=True):
        client.get(path_of(ok.location))  # the customer's return records the payment first
    assert "payment_intent.payment_failed" in stripe_server.held_types()
    with django_capture_on_commit_callbacks(execute=True):
        stripe_server.deliver_held(client, repeat=2)  # then every webhook, twice

    pr.refresh_from_db()
    assert pr.status == PaymentRequest.Status.PAID
    assert Payment.objects.get(payment_request=pr).status == "succeeded"
    failed = PaymentRequestEvent.objects.filter(payment_request=pr, kind="attempt_failed")
    assert failed.count() == 1
    assert "declined" in failed.get().message.lower() and "0002" in failed.get().message

    client.force_login(advisor)
    page = client.get(f"/requests/{pr.pk}/")
    attempts = page.context["attempts"]
    assert [a.kind for a in attempts] == ["attempt_failed", "payment_succeeded"]
    html = page.content.decode()
    assert html.index("attempt attempt_failed") < html.index("attempt payment_succeeded")
