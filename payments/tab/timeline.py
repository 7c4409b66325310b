"""One payment's timeline on its page: the request's append-only history rows and the delivery
of every message sent for it, in the reader's language (payments/requests/history_text.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext

from notifications.models import OutboundMessage
from payments.models import Payment, PaymentRequestEvent
from payments.requests.history_text import actor_text, backend_text, event_text, message_purpose


# --- timeline -------------------------------------------------------------------------------
@dataclass
class TimelineEntry:
    at: dt.datetime
    kind: str
    who: str
    message: str


def payment_timeline(*, payment: Payment) -> list[TimelineEntry]:
    """Everything that happened to the payment's request and this payment: the append-only
    history rows plus the delivery state of every message sent for the request."""
    entries: list[TimelineEntry] = []
    events = (
        PaymentRequestEvent.objects.filter(payment_request_id=payment.payment_request_id)
        .filter(Q(payment__isnull=True) | Q(payment_id=payment.pk) | Q(kind__startswith="attempt"))
        .select_related("actor", "payment")
        .order_by("created_at", "id")
    )
    request = payment.payment_request
    for event in events:  # in the reader's language, from the row's kind and data
        entries.append(
            TimelineEntry(
                event.created_at, event.kind, actor_text(event), event_text(event, payment_request=request)
            )
        )
    messages = OutboundMessage.objects.filter(payment_request_id=payment.payment_request_id).order_by(
        "created_at", "id"
    )
    for msg in messages:
        what = gettext("%(channel)s to %(to)s") % {"channel": msg.get_channel_display(), "to": msg.to}
        if msg.purpose:
            what += f" ({message_purpose(msg.purpose)})"
        entries.append(
            TimelineEntry(msg.sent_at or msg.created_at, "message_sent", backend_text(msg.backend), what)
        )
        if msg.status in (OutboundMessage.Status.DELIVERED, OutboundMessage.Status.UNDELIVERED) or (
            msg.status == OutboundMessage.Status.FAILED
        ):
            entries.append(
                TimelineEntry(
                    msg.status_updated_at or msg.sent_at or msg.created_at,
                    f"message_{msg.status}",
                    backend_text(msg.backend),
                    gettext("%(channel)s to %(to)s: %(status)s")
                    % {
                        "channel": msg.get_channel_display(),
                        "to": msg.to,
                        "status": msg.get_status_display().lower(),
                    }
                    + (f" ({msg.error})" if msg.error else ""),
                )
            )
    entries.sort(key=lambda e: e.at)
    return entries
