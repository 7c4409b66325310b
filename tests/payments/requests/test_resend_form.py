"""Re-send opens the request form pre-filled (nothing goes out until the advisor sends it), and an
open request's link can be sent again (same request, same link) (issue 17, item 3)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import OutboundMessage
from payments.models import PaymentRequest
from payments.requests.sending import payment_request_create
from tests.factories import StripeAccountFactory


@pytest.fixture
def sent(advisor, team, customer, org, django_capture_on_commit_callbacks):
    StripeAccountFactory(organization=org)
    with django_capture_on_commit_callbacks(execute=True):
        return payment_request_create(
            user=advisor, team=team, customer=customer, amount_minor=12_550, description="Brake service",
            reference="RO-1001", channel="both", allow_partial=True,
        )  # fmt: skip


@pytest.mark.django_db
def test_resend_opens_the_form_prefilled_and_sends_what_was_edited(client, advisor, customer, sent):
    PaymentRequest.objects.filter(pk=sent.pk).update(status="expired", expired_at=timezone.now())
    client.force_login(advisor)
    detail = client.get(f"/requests/{sent.pk}/").content.decode()
    assert f'href="/requests/new/?customer={customer.pk}&amp;resend={sent.pk}"' in detail
    form = client.get(f"/requests/new/?customer={customer.pk}&resend={sent.pk}").content.decode()
    assert 'value="125.50"' in form and 'value="RO-1001"' in form and "Brake service" in form
    assert 'name="resend"' in form
    assert PaymentRequest.objects.count() == 1  # opening the form sent nothing

    edited = {"customer": customer.pk, "resend": sent.pk, "team": sent.team_id, "amount": "99.00",
              "description": "Brake service (balance)", "reference": "RO-1001", "channel": "sms"}  # fmt: skip
    # The edited re-send is confirmed like a new request: nothing is sent before the advisor confirms.
    confirm = client.post(f"/requests/new/?customer={customer.pk}", edited)
    page = confirm.content.decode()
    assert confirm.status_code == 200 and 'data-testid="request-confirm"' in page
    assert f'name="resend" value="{sent.pk}"' in page and "$99.00" in page
    assert PaymentRequest.objects.count() == 1
    response = client.post(f"/requests/new/?customer={customer.pk}", {**edited, "confirm": "yes"})
    new = PaymentRequest.objects.exclude(pk=sent.pk).get()
    assert response.status_code == 302 and response.url == f"/requests/{new.pk}/"
    assert (new.resent_from_id, new.amount_minor, new.channel, new.allow_partial) == (
        sent.pk,
        9_900,
        "sms",
        False,
    )
    # Once: a second re-send of the same request is refused while the first is open.
    again = client.post(
        f"/requests/new/?customer={customer.pk}",
        {"customer": customer.pk, "resend": sent.pk, "team": sent.team_id, "amount": "99.00",
         "description": "x", "reference": "RO-1001", "channel": "sms"},
    )  # fmt: skip
    assert again.status_code == 400 and "already re-sent" in again.content.decode()
    assert PaymentRequest.objects.count() == 2


@pytest.mark.django_db
def test_an_open_requests_link_is_sent_again_on_the_same_request(
    client, advisor, sent, django_capture_on_commit_callbacks
):
    client.force_login(advisor)
    assert 'data-testid="send-again"' in client.get(f"/requests/{sent.pk}/").content.decode()
    before = OutboundMessage.objects.filter(payment_request=sent).count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/requests/{sent.pk}/send-again/")
    assert response.status_code == 302
    messages = OutboundMessage.objects.filter(payment_request=sent).order_by("id")
    assert messages.count() == before + 2  # SMS and email again
    assert f"/pay/{sent.token}/" in messages.last().body
    assert PaymentRequest.objects.count() == 1
    assert sent.history.filter(kind="link_sent_again").count() == 1

    PaymentRequest.objects.filter(pk=sent.pk).update(
        status="paid", paid_at=timezone.now() - timedelta(minutes=1)
    )
    client.post(f"/requests/{sent.pk}/send-again/")
    assert OutboundMessage.objects.filter(payment_request=sent).count() == before + 2  # a paid one: no
