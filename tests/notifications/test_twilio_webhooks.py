"""Twilio callbacks, signed exactly as Twilio signs them (RequestValidator)."""

import pytest
from twilio.request_validator import RequestValidator

from customers.models import Customer
from notifications.models import OutboundMessage
from payments.models import PaymentRequestEvent
from tests.factories import CustomerFactory, PaymentRequestFactory

TOKEN = "twilio-test-auth-token"
SITE = "https://pay.example.com"


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SITE_URL = SITE


def post_signed(client, path, params, *, token=TOKEN):
    signature = RequestValidator(token).compute_signature(SITE + path, params)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def _message(**kwargs):
    pr = PaymentRequestFactory()
    defaults = dict(
        organization=pr.organization,
        channel="sms",
        backend="twilio",
        to=str(pr.customer.phone),
        body="pay",
        purpose="payment_request",
        status="sent",
        provider_id="SM" + "a" * 32,
        payment_request=pr,
    )
    defaults.update(kwargs)
    return OutboundMessage.objects.create(**defaults)


@pytest.mark.django_db
def test_status_callback_marks_delivered_and_writes_history(client):
    message = _message()
    response = post_signed(
        client, "/webhooks/twilio/status/", {"MessageSid": message.provider_id, "MessageStatus": "delivered"}
    )
    assert response.status_code == 204
    message.refresh_from_db()
    assert message.status == "delivered"
    row = PaymentRequestEvent.objects.get(payment_request=message.payment_request, kind="delivered")
    assert row.actor_label == "twilio"

    # the request page shows it
    user = message.payment_request.created_by
    client.force_login(user)
    page = client.get(f"/requests/{message.payment_request_id}/").content.decode()
    assert "Delivered" in page


@pytest.mark.django_db
def test_status_never_moves_backwards_and_history_once(client):
    message = _message()
    for status in ("delivered", "sent", "delivered", "queued"):
        post_signed(
            client, "/webhooks/twilio/status/", {"MessageSid": message.provider_id, "MessageStatus": status}
        )
    message.refresh_from_db()
    assert message.status == "delivered"
    assert PaymentRequestEvent.objects.filter(kind="delivered").count() == 1


@pytest.mark.django_db
def test_undelivered_keeps_error_code(client):
    message = _message()
    post_signed(
        client,
        "/webhooks/twilio/status/",
        {"MessageSid": message.provider_id, "MessageStatus": "undelivered", "ErrorCode": "30003"},
    )
    message.refresh_from_db()
    assert message.status == "undelivered"
    assert "30003" in message.error
    assert PaymentRequestEvent.objects.filter(kind="undelivered", message__contains="30003").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/webhooks/twilio/status/", "/webhooks/twilio/inbound/"])
def test_bad_or_missing_signature_is_403_and_changes_nothing(client, path):
    message = _message()
    customer = CustomerFactory(phone="+13125550111")
    params = {
        "MessageSid": message.provider_id,
        "MessageStatus": "delivered",
        "From": "+13125550111",
        "Body": "STOP",
    }
    assert client.post(path, params).status_code == 403
    assert post_signed(client, path, params, token="wrong-token").status_code == 403
    # signed for other parameters
    signature = RequestValidator(TOKEN).compute_signature(SITE + path, {**params, "Body": "HELLO"})
    assert client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature).status_code == 403
    message.refresh_from_db()
    customer.refresh_from_db()
    assert message.status == "sent"
    assert customer.sms_opted_out is False


@pytest.mark.django_db
def test_stop_opts_out_and_start_opts_back_in(client):
    a = CustomerFactory(phone="+13125550123")
    b = CustomerFactory(phone="+13125550123")  # same person at another dealership
    other = CustomerFactory(phone="+13125550124")
    response = post_signed(client, "/webhooks/twilio/inbound/", {"From": "+13125550123", "Body": " stop "})
    assert response.status_code == 200
    assert b"<Response>" in response.content
    assert set(Customer.objects.filter(sms_opted_out=True).values_list("pk", flat=True)) == {a.pk, b.pk}
    post_signed(client, "/webhooks/twilio/inbound/", {"From": "+13125550123", "Body": "Hello there"})
    assert Customer.objects.filter(sms_opted_out=True).count() == 2
    post_signed(client, "/webhooks/twilio/inbound/", {"From": "+13125550123", "Body": "START"})
    assert not Customer.objects.filter(sms_opted_out=True).exists()
    other.refresh_from_db()
    assert other.sms_opted_out is False


@pytest.mark.django_db
def test_opted_out_customer_cannot_be_sent_an_sms_request(client, advisor, team, customer):
    from payments.models import PaymentRequest
    from tests.factories import StripeAccountFactory

    StripeAccountFactory(organization=team.organization)
    post_signed(client, "/webhooks/twilio/inbound/", {"From": str(customer.phone), "Body": "STOP"})
    client.force_login(advisor)
    response = client.post(
        f"/requests/new/?customer={customer.pk}",
        {
            "confirm": "yes",
            "customer": customer.pk,
            "team": team.pk,
            "amount": "10.00",
            "description": "x",
            "reference": "R1",
            "channel": "sms",
        },
    )
    assert response.status_code == 400
    assert "opted out" in response.content.decode()
    assert not PaymentRequest.objects.exists()


@pytest.mark.django_db
def test_request_sms_through_twilio_then_delivered_callback(
    twilio_server, settings, client, advisor, team, customer, django_capture_on_commit_callbacks
):
    """The request's SMS goes to (a local) Twilio over HTTP with our status callback; Twilio's
    signed callback then marks it delivered on the request."""
    from payments.models import PaymentRequest
    from tests.factories import StripeAccountFactory

    settings.SITE_URL = SITE
    StripeAccountFactory(organization=team.organization)
    client.force_login(advisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/requests/new/?customer={customer.pk}",
            {
                "confirm": "yes",
                "customer": customer.pk,
                "team": team.pk,
                "amount": "10.00",
                "description": "x",
                "reference": "R1",
                "channel": "sms",
            },
        )
    assert response.status_code == 302
    pr = PaymentRequest.objects.get()
    sent = twilio_server.messages[-1]
    assert sent.params["To"] == "+13125550199" and f"/pay/{pr.token}/" in sent.params["Body"]
    assert sent.params["StatusCallback"] == f"{SITE}/webhooks/twilio/status/"
    message = OutboundMessage.objects.get(payment_request=pr)
    assert message.backend == "twilio" and message.provider_id == sent.sid and message.status == "sent"

    client.logout()
    post_signed(
        client,
        "/webhooks/twilio/status/",
        {"MessageSid": sent.sid, "MessageStatus": "delivered", "AccountSid": twilio_server.account_sid},
        token=twilio_server.auth_token,
    )
    message.refresh_from_db()
    assert message.status == "delivered"
    client.force_login(advisor)
    assert 'data-testid="delivery-status">Delivered<' in client.get(f"/requests/{pr.pk}/").content.decode()
