"""Disputes (chargebacks): what Stripe says about a dispute, applied to the payment once and never
backwards. A dispute makes the payment Disputed; a won dispute gives it back the status its refunds
give it; a closed dispute (won or lost) is final, so an older update arriving late changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from core.money import format_minor
from organizations.models import Role, User
from payments.models import Payment, PaymentRequestEvent
from payments.requests.history import history_record

# What Stripe's dispute reasons and statuses mean, as the payment page and the notification say them.
REASONS = {
    "fraudulent": "the cardholder says they did not make this payment",
    "product_not_received": "the customer says they did not receive what they paid for",
    "product_unacceptable": "the customer says what they received was defective or not as described",
    "duplicate": "the customer says they were charged twice",
    "subscription_canceled": "the customer says they cancelled",
    "credit_not_processed": "the customer says a refund or credit was promised but not made",
    "unrecognized": "the cardholder does not recognise the payment",
    "general": "no specific reason given",
}
STATUSES = {
    "warning_needs_response": "Inquiry: needs a response",
    "warning_under_review": "Inquiry: under review",
    "warning_closed": "Inquiry closed (no chargeback)",
    "needs_response": "Needs a response",
    "under_review": "Under review by the card network",
    "won": "Won: the money stays with you",
    "lost": "Lost: the money went back to the cardholder",
}
NOTIFY_ON = {"needs_response", "warning_needs_response", "won", "lost", "warning_closed"}


def payment_dispute_apply(*, payment_id: int, event_type: str, dispute: dict) -> None:
    """Apply a charge.dispute.* event's dispute object to the payment (row lock, history row)."""
    status = dispute.get("status", "")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("payment_request").get(pk=payment_id)
        if payment.dispute_status == status:
            return
        if payment.dispute_status in ("won", "lost") and event_type != "charge.dispute.closed":
            return  # a closed dispute is final; an older update arrived late
        old = payment.status
        payment.dispute_status = status
        if status == "won":
            payment.status = (
                Payment.Status.REFUNDED
                if payment.refunded_minor >= payment.amount_minor
                else Payment.Status.PARTIALLY_REFUNDED
                if payment.refunded_minor
                else Payment.Status.SUCCEEDED
            )
        else:
            payment.status = Payment.Status.DISPUTED
        payment.save(update_fields=["dispute_status", "status", "updated_at"])
        history_record(
            payment_request=payment.payment_request,
            payment=payment,
            kind="disputed" if event_type == "charge.dispute.created" else "dispute_updated",
            actor_label="stripe",
            from_status=old,
            to_status=payment.status,
            message=f"Dispute {status.replace('_', ' ')}"
            + (f" ({dispute.get('reason')})" if dispute.get("reason") else ""),
            data=_dispute_data(dispute),
        )
        if status in NOTIFY_ON or event_type == "charge.dispute.created":
            _dispute_notify(payment=payment, dispute=dispute, created=event_type == "charge.dispute.created")


def _dispute_data(dispute: dict) -> dict:
    due_by = (dispute.get("evidence_details") or {}).get("due_by")
    return {
        "dispute_id": dispute.get("id"),
        "amount_minor": dispute.get("amount"),
        "currency": (dispute.get("currency") or "").upper(),
        "reason": dispute.get("reason") or "",
        "status": dispute.get("status") or "",
        "evidence_due_by": int(due_by) if due_by else None,
    }


def payment_dispute_latest(*, payment: Payment) -> dict | None:
    """The payment's dispute as last reported (None when never disputed): amount, reason, evidence
    deadline (an aware datetime), status and its label, plus the states it went through."""
    events = list(
        PaymentRequestEvent.objects.filter(
            payment=payment, kind__in=("disputed", "dispute_updated")
        ).order_by("created_at", "id")
    )
    if not events:
        return None
    data = dict(events[-1].data or {})
    due = data.get("evidence_due_by")
    data["evidence_due"] = datetime.fromtimestamp(due, tz=UTC) if due else None
    data["reason_text"] = REASONS.get(data.get("reason", ""), data.get("reason", "").replace("_", " "))
    data["status_label"] = STATUSES.get(data.get("status", ""), data.get("status", "").replace("_", " "))
    data["open"] = data.get("status") in (
        "needs_response",
        "warning_needs_response",
        "under_review",
        "warning_under_review",
    )
    # Stripe takes the disputed amount from the balance while a (non-inquiry) dispute is open and
    # keeps it when lost; an inquiry (warning_*) moves no money; a won dispute gives it back.
    status = data.get("status", "")
    data["debited_minor"] = (
        int(data.get("amount_minor") or 0) if status in ("needs_response", "under_review", "lost") else 0
    )
    data["net_after_minor"] = payment.net_minor - data["debited_minor"]
    data["states"] = [
        {"at": e.created_at, "label": STATUSES.get((e.data or {}).get("status", ""), e.message)}
        for e in events
    ]
    return data


def _dispute_notify(*, payment: Payment, dispute: dict, created: bool) -> None:
    """In-app notification and email to the organization's Admins and the Managers of the payment's team."""
    from notifications.models import Notification
    from notifications.services import email_send
    from organizations.selectors import organization_zone

    request = payment.payment_request
    organization = request.organization
    people = (
        User.objects.filter(organization=organization, is_active=True)
        .filter(Q(role=Role.ADMIN) | Q(role=Role.MANAGER, teams__id=payment.team_id))
        .distinct()
    )
    amount = format_minor(int(dispute.get("amount") or payment.amount_minor), payment.currency)
    status = dispute.get("status", "")
    reason = REASONS.get(dispute.get("reason", ""), dispute.get("reason", ""))
    due_by = (dispute.get("evidence_details") or {}).get("due_by")
    due_text = (
        datetime.fromtimestamp(int(due_by), tz=UTC)
        .astimezone(organization_zone(organization))
        .strftime("%b %-d, %Y %-I:%M %p %Z")
        if due_by
        else ""
    )
    if created or status in ("needs_response", "warning_needs_response"):
        title = f"Payment disputed: {amount} from {request.customer.name} (ref {request.reference})"
        body = f"Reason: {reason}." + (f" Evidence is due by {due_text}." if due_text else "")
        body += " Respond from Stripe's Express dashboard (Admin tab → Connections → Open Stripe dashboard)."
    else:
        title = f"Dispute {STATUSES.get(status, status).split(':')[0].lower()}: {amount} from {request.customer.name}"
        body = STATUSES.get(status, status) + "."
    url = f"/payments/{payment.pk}/"
    for person in people:
        Notification.objects.create(
            user=person, title=title[:200], body=body, url=url, payment_request=request
        )
        if person.email:
            email_send(
                organization=organization,
                to=person.email,
                subject=title[:200],
                body=f"{body}\n\nThe payment: {_site()}{url}\n",
                purpose="dispute",
                payment_request=request,
            )


def _site() -> str:
    return settings.SITE_URL
