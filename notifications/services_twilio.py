"""What Twilio tells us: delivery status of our SMS, and STOP/START replies."""

from __future__ import annotations

import logging
import unicodedata

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from customers.models import Customer
from notifications.models import OutboundMessage
from notifications.signals import sms_delivery_changed

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

# Twilio's own keywords (its default opt-out handling answers these itself, in English).
TWILIO_OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
TWILIO_OPT_IN_WORDS = {"START", "UNSTOP", "YES", "OPTIN"}
# Ours in every customer language, compared without accents (ARRÊT = ARRET). STOP and START
# also serve German, Italian and Polish speakers, who use them too.
OPT_OUT_WORDS = TWILIO_OPT_OUT_WORDS | {
    "ARRET",  # fr
    "ARRETER",  # fr
    "DESABONNER",  # fr
    "STOPP",  # de
    "ALTO",  # es
    "BAJA",  # es
    "PARAR",  # es, pt
    "PARE",  # pt
    "SAIR",  # pt
    "BASTA",  # it
}
OPT_IN_WORDS = TWILIO_OPT_IN_WORDS | {
    "DEBUT",  # fr (the counterpart of ARRET on Canadian short codes)
    "REPRENDRE",  # fr
    "ALTA",  # es (of BAJA)
    "INICIAR",  # es, pt
    "COMENZAR",  # es
    "VOLTAR",  # pt
    "INIZIA",  # it
    "ANMELDEN",  # de
}


def _keyword(body: str) -> str:
    """The first word, upper case, without accents: ' Arrêt svp' -> 'ARRET'."""
    text = (body or "").strip()
    if not text:
        return ""
    word = unicodedata.normalize("NFKD", text.split(maxsplit=1)[0].upper())
    return "".join(ch for ch in word if not unicodedata.combining(ch)).strip(".!,;")


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
            sms_delivery_changed.send(
                sender=OutboundMessage,
                message=message,
                status=status,
                error=message.error if status != M.DELIVERED else "",
            )
        return message


def sms_inbound_apply(*, from_number: str, body: str) -> str:
    """STOP (or ARRÊT, ALTO, STOPP, PARAR ...) opts the sender out of SMS (every customer with
    that number), START (DÉBUT, ALTA, INICIAR ...) opts back in.
    Returns "opted_out", "opted_in" or "" (any other text)."""
    word = _keyword(body)
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


def sms_inbound_reply(*, from_number: str, body: str, result: str) -> str:
    """The confirmation texted back, in the language of the customer with that number (the most
    recently updated one). Empty when there is nothing to confirm, or when Twilio's own opt-out
    handling already answers (its English keywords, to an English-speaking customer)."""
    from core.i18n import customer_language

    if result not in ("opted_out", "opted_in"):
        return ""
    customer = (
        Customer.objects.filter(phone=from_number)
        .select_related("organization")
        .order_by("-updated_at")
        .first()
    )
    language = customer_language(customer) if customer else "en"
    word = _keyword(body)
    if language == "en" and word in TWILIO_OPT_OUT_WORDS | TWILIO_OPT_IN_WORDS:
        return ""
    with translation.override(language):
        if result == "opted_out":
            return gettext(
                "You will no longer receive text messages from us. Reply START to receive them again."
            )
        return gettext("You will receive our text messages again. Reply STOP to stop them.")
