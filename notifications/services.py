"""Messages: every SMS and email goes through `sms_send` / `email_send`.

Each creates the OutboundMessage row (status queued) and queues its delivery task after the
transaction commits. `message_deliver` (called by the task) hands the message to the SMS adapter
or to Django's email backend and marks it sent, or failed with the error.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from notifications import sms
from notifications.email_backend import MESSAGE_ID_HEADER
from notifications.models import Channel, OutboundMessage

logger = logging.getLogger(__name__)

OUTBOX_EMAIL_BACKEND = "notifications.email_backend.OutboxEmailBackend"


class MessageTemporaryError(Exception):
    """Delivery failed in a way that may work later (provider down, rate limited)."""


def email_backend_name() -> str:
    backend = settings.EMAIL_BACKEND
    if backend == OUTBOX_EMAIL_BACKEND:
        return "outbox"
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        return "smtp"
    return backend.rsplit(".", 2)[-2][:10]  # e.g. "locmem"


def _queue_delivery(message: OutboundMessage) -> None:
    from notifications.tasks import message_deliver_task

    transaction.on_commit(lambda: message_deliver_task.delay(message.pk))


@transaction.atomic
def sms_send(
    *,
    organization,
    to: str,
    body: str,
    purpose: str,
    payment_request=None,
    invitation=None,
) -> OutboundMessage:
    message = OutboundMessage.objects.create(
        organization=organization,
        channel=Channel.SMS,
        backend=sms.sms_backend_name(),
        to=str(to),
        body=body,
        purpose=purpose,
        payment_request=payment_request,
        invitation=invitation,
    )
    _queue_delivery(message)
    return message


@transaction.atomic
def email_send(
    *,
    organization,
    to: str,
    subject: str,
    body: str,
    html_body: str = "",
    purpose: str,
    payment_request=None,
    invitation=None,
) -> OutboundMessage:
    message = OutboundMessage.objects.create(
        organization=organization,
        channel=Channel.EMAIL,
        backend=email_backend_name(),
        to=to,
        subject=subject,
        body=body,
        html_body=html_body,
        purpose=purpose,
        payment_request=payment_request,
        invitation=invitation,
    )
    _queue_delivery(message)
    return message


def _sms_status_callback() -> str:
    return f"{settings.SITE_URL}/webhooks/twilio/status/"


def _deliver_sms(message: OutboundMessage) -> str:
    result = sms.sms_deliver(
        backend=message.backend, to=message.to, body=message.body, status_callback=_sms_status_callback()
    )
    return result.provider_id


def _deliver_email(message: OutboundMessage) -> str:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={MESSAGE_ID_HEADER: str(message.pk)},
        connection=get_connection(),
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise sms.SmsError(f"Recipient refused: {exc.recipients}")
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise MessageTemporaryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}")
        raise sms.SmsError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}")
    except OSError as exc:  # connection refused/reset, timeouts, server disconnected
        raise MessageTemporaryError(f"SMTP unreachable: {exc}")
    return ""


def message_deliver(*, message_id: int) -> OutboundMessage | None:
    """Deliver one queued message. Safe to run twice: only a queued message is sent.

    Raises MessageTemporaryError when it should be retried; a permanent failure marks the
    message failed with the error instead of raising."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            logger.warning("message_deliver: message %s does not exist", message_id)
            return None
        if message.status != OutboundMessage.Status.QUEUED:
            return message
        try:
            if message.channel == Channel.SMS:
                provider_id = _deliver_sms(message)
            else:
                provider_id = _deliver_email(message)
        except sms.SmsTemporaryError as exc:
            raise MessageTemporaryError(exc.message)
        except sms.SmsError as exc:
            message_mark_failed(message=message, error=exc.message)
            return message
        now = timezone.now()
        message.status = OutboundMessage.Status.SENT
        message.provider_id = provider_id
        message.error = ""
        message.sent_at = now
        message.status_updated_at = now
        message.save(update_fields=["status", "provider_id", "error", "sent_at", "status_updated_at"])
        return message


def message_mark_failed(*, message: OutboundMessage, error: str) -> OutboundMessage:
    if message.status != OutboundMessage.Status.QUEUED:
        return message
    message.status = OutboundMessage.Status.FAILED
    message.error = error[:2000]
    message.status_updated_at = timezone.now()
    message.save(update_fields=["status", "error", "status_updated_at"])
    logger.warning("message %s to %s failed: %s", message.pk, message.to, error)
    return message


def message_give_up(*, message_id: int, error: str) -> None:
    """Retries exhausted: record the last transient error as the failure."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is not None:
            message_mark_failed(message=message, error=f"Gave up after retries: {error}")
