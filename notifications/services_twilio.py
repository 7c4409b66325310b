"""What Twilio tells us: delivery status of our SMS, and STOP/START replies."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from notifications.models import OutboundMessage

logger = logging.getLogger(__name__)

M = OutboundMessage.Status
# Twilio MessageStatus -> ours. Unknown/intermediate values ("accepted", "scheduled", "read") map
# to the nearest of ours or are ignored.
TWILIO_STATUS = {
    "queued": M.QUEUED,
    "accepted": M.QUEUED,
    "sending": M.SENT,
    "sent": M.SENT,
    "delivered": M.DELIVERED,
    "read": M.DELIVERED,
    "undelivered": M.UNDELIVERED,
    "failed": M.FAILED,
}
RANK = {M.QUEUED: 0, M.SENT: 1, M.DELIVERED: 2, M.UNDELIVERED: 2, M.FAILED: 2}

OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_WORDS = {"START", "UNSTOP", "YES", "OPTIN"}


def sms_status_apply(*, provider_id: str, twilio_status: str, error_code: str = "") -> OutboundMessage | None:
    """Apply a status callback. Never moves a message backwards (a late "sent" after
    "delivered" changes nothing); the request's history gets one row per final outcome."""
    status = TWILIO_STATUS.get((twilio_status or "").lower())
    if not provider_id or status is None:
        return None
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(provider_id=provider_id).first()
        if message is None:
            logger.info("Twilio status for unknown message %s", provider_id)
            return None
        if RANK[status] <= RANK.get(message.status, 0) and not (
            message.status == M.FAILED and status == M.DELIVERED
        ):
            return message
        message.status = status
        message.status_updated_at = timezone.now()
        if error_code:
            message.error = f"Twilio error {error_code}"[:2000]
        message.save(update_fields=["status", "status_updated_at", "error"])
        if message.payment_request_id and status in (M.DELIVERED, M.UNDELIVERED, M.FAILED):
            from payments.requests.history import payment_request_delivery_recorded

            payment_request_delivery_recorded(
                payment_request_id=message.payment_request_id,
                message_id=message.pk,
                status=status,
                error=message.error if status != M.DELIVERED else "",
            )
        return message


def sms_inbound_apply(*, from_number: str, body: str) -> str:
    """STOP opts the sender out of SMS (every customer with that number), START opts back in.
    Returns "opted_out", "opted_in" or "" (any other text)."""
    word = (body or "").strip().split(maxsplit=1)[0].upper() if (body or "").strip() else ""
    if word in OPT_OUT_WORDS:
        value, result = True, "opted_out"
    elif word in OPT_IN_WORDS:
        value, result = False, "opted_in"
    else:
        return ""
    with transaction.atomic():
        count = (
            Customer.objects.filter(phone=from_number)
            .exclude(sms_opted_out=value)
            .update(sms_opted_out=value, updated_at=timezone.now())
        )
    logger.info("SMS %s from %s: %s customer(s) %s", word, from_number, count, result)
    return result
