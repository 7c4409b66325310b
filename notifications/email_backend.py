"""Email backend used when no SMTP server is configured (EMAIL_URL unset): emails are stored as
OutboundMessage rows and shown on /dev/outbox/, nothing leaves the machine."""

from django.core.mail.backends.base import BaseEmailBackend

from notifications.models import Channel, OutboundMessage

MESSAGE_ID_HEADER = "X-TextPay-Message-Id"


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        sent = 0
        for email in email_messages:
            if email.extra_headers.get(MESSAGE_ID_HEADER):
                # Sent through notifications.services.email_send: the row already exists and
                # message_deliver marks it sent.
                sent += 1
                continue
            html_body = ""
            for content, mimetype in getattr(email, "alternatives", []) or []:
                if mimetype == "text/html":
                    html_body = content
            for recipient in email.recipients():
                OutboundMessage.objects.create(
                    channel=Channel.EMAIL,
                    backend="outbox",
                    to=recipient,
                    subject=email.subject,
                    body=email.body,
                    html_body=html_body,
                    purpose="django",
                    status=OutboundMessage.Status.SENT,
                )
            sent += 1
        return sent
