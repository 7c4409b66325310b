"""The history of a payment request in the reader's language.

History rows are written once, in English (`message`, kept for the API, the outbound webhooks
and as a fallback). Pages render each row again from its `kind`, its `data`, its payment and its
request, in the active language, with amounts and dates in that language's conventions
("Created · Avery Advisor — 1 234,56 $ demandés par texto"). A row written before a kind's data
existed (an old row) shows its stored English message.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext, pgettext_lazy

from core.i18n import money_text
from payments.models import PaymentRequest, PaymentRequestEvent, card_label

_EXPIRED_HOURS = re.compile(r"Link expired (\d+) h after sending")
# Every kind a history row (or a payment's timeline) has, in the reader's language.
KIND_LABELS = {
    "created": pgettext_lazy("history", "Created"),
    "sent": pgettext_lazy("history", "Sent"),
    "opened": pgettext_lazy("history", "Opened"),
    "delivered": pgettext_lazy("history", "Delivered"),
    "undelivered": pgettext_lazy("history", "Not delivered"),
    "failed": pgettext_lazy("history", "Failed"),
    "checkout_created": pgettext_lazy("history", "Checkout started"),
    "checkout_expired": pgettext_lazy("history", "Checkout expired"),
    "attempt_failed": pgettext_lazy("history", "Payment attempt failed"),
    "payment_succeeded": pgettext_lazy("history", "Payment succeeded"),
    "payment_succeeded_extra": pgettext_lazy("history", "Extra payment"),
    "receipt_sent": pgettext_lazy("history", "Receipt sent"),
    "advisor_notified": pgettext_lazy("history", "Advisor notified"),
    "reminder_sent": pgettext_lazy("history", "Reminder sent"),
    "link_sent_again": pgettext_lazy("history", "Link sent again"),
    "cancelled": pgettext_lazy("history", "Cancelled"),
    "expired": pgettext_lazy("history", "Expired"),
    "refund_requested": pgettext_lazy("history", "Refund requested"),
    "refund_failed": pgettext_lazy("history", "Refund failed"),
    "refund_pending": pgettext_lazy("history", "Refund pending"),
    "refund_canceled": pgettext_lazy("history", "Refund cancelled"),
    "refunded": pgettext_lazy("history", "Refunded"),
    "fee_refunded": pgettext_lazy("history", "Platform fee given back"),
    "disputed": pgettext_lazy("history", "Disputed"),
    "dispute_updated": pgettext_lazy("history", "Dispute updated"),
    "reconciled": pgettext_lazy("history", "Reconciled"),
    "unreconciled": pgettext_lazy("history", "Reconciliation undone"),
    "message_sent": pgettext_lazy("history", "Message sent"),
    "message_delivered": pgettext_lazy("history", "Message delivered"),
    "message_undelivered": pgettext_lazy("history", "Message not delivered"),
    "message_failed": pgettext_lazy("history", "Message failed"),
}
# Who did it, when no signed-in person did.
ACTOR_LABELS = {
    "customer": pgettext_lazy("history actor", "customer"),
    "system": pgettext_lazy("history actor", "system"),
    "stripe": "Stripe",
    "twilio": "Twilio",
    "outbox": pgettext_lazy("history actor", "development outbox"),
}
CHANNELS = {
    "SMS": pgettext_lazy("channel", "SMS"),
    "email": pgettext_lazy("channel", "email"),
    PaymentRequest.Channel.SMS: pgettext_lazy("channel", "SMS"),
    PaymentRequest.Channel.EMAIL: pgettext_lazy("channel", "email"),
    PaymentRequest.Channel.BOTH: pgettext_lazy("channel", "SMS and email"),
}
MESSAGE_PURPOSES = {
    "payment_request": pgettext_lazy("message purpose", "payment request"),
    "payment_reminder": pgettext_lazy("message purpose", "reminder"),
    "receipt": pgettext_lazy("message purpose", "receipt"),
    "refund": pgettext_lazy("message purpose", "refund notice"),
    "advisor_paid": pgettext_lazy("message purpose", "paid notice to the advisor"),
    "card_request": pgettext_lazy("message purpose", "request to save a card"),
}
DISPUTE_STATUSES = {
    "warning_needs_response": pgettext_lazy("dispute", "inquiry, needs a response"),
    "warning_under_review": pgettext_lazy("dispute", "inquiry under review"),
    "warning_closed": pgettext_lazy("dispute", "inquiry closed"),
    "needs_response": pgettext_lazy("dispute", "needs a response"),
    "under_review": pgettext_lazy("dispute", "under review"),
    "won": pgettext_lazy("dispute", "won"),
    "lost": pgettext_lazy("dispute", "lost"),
}


def kind_label(kind: str) -> str:
    """refund_requested -> 'Refund requested' / 'Remboursement demandé' (an unknown kind: its words)."""
    label = KIND_LABELS.get(kind or "")
    return str(label) if label is not None else (kind or "").replace("_", " ").capitalize()


def actor_text(event: PaymentRequestEvent) -> str:
    if event.actor_id and event.actor:
        return event.actor.name
    label = ACTOR_LABELS.get(event.actor_label or "")
    return str(label) if label is not None else event.actor_label


def backend_text(backend: str) -> str:
    label = ACTOR_LABELS.get(backend or "")
    return str(label) if label is not None else backend


def message_purpose(purpose: str) -> str:
    """advisor_paid -> 'paid notice to the advisor' (never a raw code on a staff page)."""
    label = MESSAGE_PURPOSES.get(purpose or "")
    return str(label) if label is not None else str(purpose or "message").replace("_", " ")


def _join(parts: list[str]) -> str:
    if len(parts) > 1:
        return gettext("%(first)s and %(second)s") % {"first": ", ".join(parts[:-1]), "second": parts[-1]}
    return parts[0] if parts else ""


def _channels(names) -> str:
    parts = [str(CHANNELS.get(name, name)) for name in names or []]
    if not parts:
        return gettext("no channel (the customer opted out)")
    return _join(parts)


def _money(minor, currency) -> str:
    return money_text(int(minor), currency or "USD")


def event_text(event: PaymentRequestEvent, *, payment_request: PaymentRequest | None = None) -> str:
    """What the row says, in the active language; its stored English message when the row lacks
    what it takes (an old row, a kind this table doesn't know)."""
    try:
        text = _event_text(event, payment_request or event.payment_request)
    except (KeyError, TypeError, ValueError):
        text = None
    return event.message if text is None else text


def _event_text(event: PaymentRequestEvent, request: PaymentRequest) -> str | None:  # noqa: C901 - one table
    kind, data, payment = event.kind, event.data or {}, event.payment if event.payment_id else None
    currency = payment.currency if payment else request.currency
    if kind == "created":
        if "saved_card" in data:
            return gettext("%(amount)s to charge on the saved card %(card)s") % {
                "amount": _money(data["amount_minor"], currency),
                "card": data["saved_card"],
            }
        if "amount_minor" in data:
            amount, channel = data["amount_minor"], data["channel"]
        elif " requested by " in event.message:  # an old row: its request holds the same amount and channel
            amount, channel = request.amount_minor, request.channel
        else:
            return None
        text = gettext("%(amount)s requested by %(channel)s") % {
            "amount": _money(amount, currency),
            "channel": CHANNELS[channel],
        }
        if data.get("resent_from"):
            text += " " + gettext("(re-send of #%(number)s)") % {"number": data["resent_from"]}
        return text
    if kind == "sent" and "sent_to" in data:
        parts = [
            gettext("%(channel)s to %(to)s") % {"channel": CHANNELS[name], "to": to}
            for name, to in data["sent_to"]
        ]
        text = _join(parts)
        return text[:1].upper() + text[1:]
    if kind == "opened":
        return gettext("The customer opened the pay page")
    if kind == "link_sent_again":
        return gettext("Link sent again by %(channel)s") % {"channel": CHANNELS[request.channel]}
    if kind == "cancelled" and not event.actor_label == "system":
        return gettext("Cancelled by the advisor")
    if kind == "expired" and (hours := _EXPIRED_HOURS.fullmatch(event.message or "")):
        return gettext("Link expired %(hours)s h after sending") % {"hours": hours[1]}
    if kind == "checkout_created":
        return gettext("Checkout started for %(amount)s") % {"amount": _money(data["amount_minor"], currency)}
    if kind == "checkout_expired":
        return gettext("The Stripe Checkout page expired")
    if kind in ("payment_succeeded", "payment_succeeded_extra") and payment:
        amount = _money(payment.amount_minor, payment.currency)
        if kind == "payment_succeeded_extra":
            return gettext("Another payment of %(amount)s arrived after the request was paid") % {
                "amount": amount
            }
        if payment.method == payment.Method.AFTERPAY:
            method = gettext("Afterpay/Clearpay installments")
        else:
            method = payment.card_label or gettext("card")
        return gettext("Paid %(amount)s (%(method)s)") % {"amount": amount, "method": method}
    if kind == "attempt_failed" and "failure_message" in data:
        card = card_label(card_brand=data.get("card_brand", ""), card_last4=data.get("card_last4", ""))
        reason = data["failure_message"]
        if not reason or reason == "The payment was declined.":  # ours; Stripe's own reasons are Stripe's
            reason = gettext("The payment was declined.")
        if card:
            return gettext("Payment attempt failed (%(card)s): %(reason)s") % {"card": card, "reason": reason}
        return gettext("Payment attempt failed: %(reason)s") % {"reason": reason}
    if kind in ("receipt_sent", "reminder_sent") and "channels" in data:
        what = (
            gettext("Receipt sent by %(channels)s")
            if kind == "receipt_sent"
            else gettext("Reminder sent by %(channels)s")
        )
        return what % {"channels": _channels(data["channels"])}
    if kind == "advisor_notified" and "advisor" in data:
        return gettext("%(name)s notified in the app and by email") % {"name": data["advisor"]}
    if kind == "refund_requested" and "amount_minor" in data:
        amount = _money(data["amount_minor"], currency)
        if data.get("stripe_refund_id"):
            return gettext("Refund of %(amount)s made in Stripe") % {"amount": amount}
        text = gettext("Refund of %(amount)s requested") % {"amount": amount}
        return f"{text}: {data['note']}" if data.get("note") else text
    if kind == "refund_failed" and "error" in data:
        return gettext("Refund refused: %(error)s") % {"error": data["error"]}
    if (kind == "refunded" or kind.startswith("refund_")) and "amount_minor" in data:
        amount = _money(data["amount_minor"], currency)
        if kind == "refunded":
            text = gettext("Refund of %(amount)s succeeded") % {"amount": amount}
        else:
            text = gettext("Refund of %(amount)s: %(status)s") % {
                "amount": amount,
                "status": kind_label(kind).lower(),
            }
        return f"{text}: {data['failure_reason']}" if data.get("failure_reason") else text
    if kind == "fee_refunded" and "fee_refunded_minor" in data:
        amount = _money(data["fee_refunded_minor"], currency)
        return gettext("Platform fee of %(amount)s given back with the refund") % {"amount": amount}
    if kind in ("disputed", "dispute_updated") and data.get("status"):
        status = str(DISPUTE_STATUSES.get(data["status"], data["status"].replace("_", " ")))
        text = gettext("Dispute %(status)s") % {"status": status}
        if data.get("amount_minor") is not None:
            text += " · " + _money(data["amount_minor"], data.get("currency") or currency)
        return text
    if kind == "reconciled":
        if data.get("document_number"):
            return gettext("Reconciled (document %(number)s)") % {"number": data["document_number"]}
        return gettext("Reconciled")
    if kind == "unreconciled":
        return gettext("Reconciliation undone")
    if kind in ("delivered", "undelivered", "failed") and "message_id" in data:
        status = kind_label(kind).lower()
        if data.get("error"):
            return gettext("SMS %(status)s: %(error)s") % {"status": status, "error": data["error"]}
        return gettext("SMS %(status)s") % {"status": status}
    return None


def status_label(status: str) -> str:
    """A request's status (a history row's → status) in the reader's language."""
    try:
        return str(PaymentRequest.Status(status).label)
    except ValueError:
        return kind_label(status)
