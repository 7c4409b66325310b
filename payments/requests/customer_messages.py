"""Messages to the customer of a payment request, by the channel(s) the request uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from notifications.services import email_send, sms_send

if TYPE_CHECKING:
    from payments.models import PaymentRequest


def customer_message_send(
    *, payment_request: PaymentRequest, purpose: str, sms_body: str, email_subject: str, email_body: str
) -> list[str]:
    """Queue the SMS and/or email the request's channel asks for. No SMS to a customer who
    replied STOP or has no phone, no email without an address. Returns what was sent
    (["SMS", "email"], or fewer)."""
    customer = payment_request.customer
    sent = []
    if payment_request.channel in ("sms", "both") and customer.phone and not customer.sms_opted_out:
        sms_send(
            organization=payment_request.organization,
            to=str(customer.phone),
            body=sms_body,
            purpose=purpose,
            payment_request=payment_request,
        )
        sent.append("SMS")
    if payment_request.channel in ("email", "both") and customer.email:
        email_send(
            organization=payment_request.organization,
            to=customer.email,
            subject=email_subject,
            body=email_body,
            purpose=purpose,
            payment_request=payment_request,
        )
        sent.append("email")
    return sent
