"""sms_send / email_send and their delivery: Twilio over real HTTP (tests/twilio_server.py),
the outbox backends, retries on transient errors, idempotent delivery."""

import pytest
from django.core import mail

from notifications.models import OutboundMessage
from notifications.services import email_send, message_deliver, sms_send

OUTBOX_EMAIL = "notifications.email_backend.OutboxEmailBackend"


@pytest.fixture
def no_twilio(settings):
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = settings.TWILIO_FROM_NUMBER = ""


def test_sms_goes_through_the_twilio_sdk_to_the_messages_api(
    org, twilio_server, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://textpay.example"
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(
            organization=org, to="+13125550199", body="Your link: https://x.example/p/1", purpose="test"
        )
    assert message.backend == "twilio"
    message.refresh_from_db()
    assert len(twilio_server.messages) == 1
    received = twilio_server.messages[0]
    assert received.auth == (twilio_server.account_sid, twilio_server.auth_token)
    assert received.params["To"] == "+13125550199"
    assert received.params["From"] == "+15005550006"
    assert received.params["Body"] == "Your link: https://x.example/p/1"
    assert received.params["StatusCallback"] == "https://textpay.example/webhooks/twilio/status/"
    assert message.status == OutboundMessage.Status.SENT
    assert message.provider_id == received.sid and message.provider_id.startswith("SM")
    assert message.sent_at is not None


def test_invalid_number_fails_for_good_with_twilios_error(
    org, twilio_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(organization=org, to="+15005550001", body="hello", purpose="test")
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED
    assert "21211" in message.error and "Invalid 'To' Phone Number" in message.error
    assert twilio_server.requests_seen == 1  # a permanent error is not retried


def _run_delivery_task(message):
    """Run the real task with Celery's retry machinery. Eagerly a retry re-runs at once, but only
    when eager errors don't propagate (the test settings propagate them), so switch that off."""
    from config.celery import app
    from notifications.tasks import message_deliver_task

    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        message_deliver_task.apply(args=[message.pk])
    finally:
        app.conf.task_eager_propagates = propagates
    message.refresh_from_db()


def test_transient_error_is_retried_then_sent(org, twilio_server, django_capture_on_commit_callbacks):
    twilio_server.fail_next(status=503, times=2)
    with django_capture_on_commit_callbacks(execute=False):
        message = sms_send(organization=org, to="+13125550199", body="hello", purpose="test")
    _run_delivery_task(message)
    assert twilio_server.requests_seen == 3
    assert message.status == OutboundMessage.Status.SENT
    assert len(twilio_server.messages) == 1


def test_retries_exhausted_mark_the_message_failed(org, twilio_server, django_capture_on_commit_callbacks):
    from notifications.tasks import MAX_RETRIES

    twilio_server.fail_next(status=429, code=20429, message="Too Many Requests", times=MAX_RETRIES + 1)
    with django_capture_on_commit_callbacks(execute=False):
        message = sms_send(organization=org, to="+13125550199", body="hello", purpose="test")
    _run_delivery_task(message)
    assert twilio_server.requests_seen == MAX_RETRIES + 1
    assert message.status == OutboundMessage.Status.FAILED
    assert "Gave up" in message.error and "20429" in message.error


def test_bad_credentials_fail_without_retry(org, twilio_server, settings, django_capture_on_commit_callbacks):
    settings.TWILIO_AUTH_TOKEN = "wrong"
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(organization=org, to="+13125550199", body="hello", purpose="test")
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED
    assert "20003" in message.error
    assert twilio_server.requests_seen == 1


def test_delivery_is_safe_to_run_twice(org, twilio_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(organization=org, to="+13125550199", body="hello", purpose="test")
    message_deliver(message_id=message.pk)
    message_deliver(message_id=message.pk)
    assert len(twilio_server.messages) == 1


def test_without_twilio_sms_go_to_the_outbox(org, no_twilio, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = sms_send(organization=org, to="+13125550199", body="hello", purpose="test")
    assert len(callbacks) == 1  # delivery queued on commit
    message.refresh_from_db()
    assert (message.backend, message.status, message.provider_id) == ("outbox", "sent", "")


def test_delivery_waits_for_the_commit(org, no_twilio, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = sms_send(organization=org, to="+13125550199", body="hello", purpose="test")
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.QUEUED
    assert len(callbacks) == 1


def test_email_through_django_backend(org, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message = email_send(
            organization=org,
            to="carla@example.net",
            subject="Hi",
            body="Text part",
            html_body="<p>HTML part</p>",
            purpose="test",
        )
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["carla@example.net"] and sent.subject == "Hi" and sent.body == "Text part"
    assert sent.alternatives[0][0] == "<p>HTML part</p>"


def test_outbox_email_backend_keeps_one_row_per_email(org, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = OUTBOX_EMAIL
    with django_capture_on_commit_callbacks(execute=True):
        email_send(organization=org, to="carla@example.net", subject="Hi", body="Body", purpose="test")
    message = OutboundMessage.objects.get()
    assert (message.backend, message.status, message.channel) == ("outbox", "sent", "email")


def test_outbox_email_backend_stores_plain_django_emails(db, settings):
    settings.EMAIL_BACKEND = OUTBOX_EMAIL
    mail.send_mail("Server notice", "Something happened", "from@example.com", ["ops@example.com"])
    message = OutboundMessage.objects.get()
    assert (message.to, message.subject, message.status) == ("ops@example.com", "Server notice", "sent")


def test_smtp_unreachable_is_retried_then_failed(org, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens
    with django_capture_on_commit_callbacks(execute=False):
        message = email_send(
            organization=org, to="carla@example.net", subject="Hi", body="Body", purpose="test"
        )
    _run_delivery_task(message)
    assert message.backend == "smtp"
    assert message.status == OutboundMessage.Status.FAILED and "Gave up" in message.error
