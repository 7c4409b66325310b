"""Payouts: recorded from `payout.*` events; the payments a payout contains come from its balance
transactions; the payout email goes once per payout status to the recipients an Admin chose."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from core.errors import PermissionDenied
from core.money import format_minor
from organizations.models import User
from organizations.permissions import can_manage_payout_emails
from payments.dealer_webhooks.payloads import outbound_event_for_payout
from payments.models import Payment, PaymentRequestEvent, Payout, PayoutEmailRecipient, Refund, StripeAccount

logger = logging.getLogger(__name__)

NOTIFIED_STATUSES = ("paid", "failed")
EMAIL_MAX_LINES = 500  # payments listed in a payout email; the payout's page has them all


def _arrival(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC).date()


def payout_record(*, account_id: str, payout: dict, event_created: int) -> Payout | None:
    """Create or update our Payout from a Stripe payout object. An older event never overwrites a
    newer one. For a paid payout the contained payments are linked (balance transactions)."""
    account = StripeAccount.objects.filter(stripe_id=account_id).first()
    if account is None:
        logger.warning("payout %s for unknown account %s", payout.get("id"), account_id)
        return None
    status = payout.get("status", "")
    source_ids: list[str] = []
    if status == "paid":
        from payments import gateway

        source_ids = [
            bt.source_id
            for bt in gateway.balance_transactions_list(account_id=account_id, payout_id=payout["id"])
            if bt.source_id
        ]
    with transaction.atomic():
        record, created = Payout.objects.select_for_update().get_or_create(
            stripe_payout_id=payout["id"],
            defaults={
                "organization_id": account.organization_id,
                "stripe_account": account,
                "amount_minor": int(payout.get("amount") or 0),
                "currency": (payout.get("currency") or account.default_currency).upper(),
                "status": status,
                "arrival_date": _arrival(payout.get("arrival_date")),
                "failure_message": (payout.get("failure_message") or "")[:300],
                "last_event_created": event_created,
            },
        )
        old_status = "" if created else record.status
        if not created:
            if event_created < record.last_event_created:
                return record  # older news
            record.amount_minor = int(payout.get("amount") or record.amount_minor)
            record.status = status or record.status
            record.arrival_date = _arrival(payout.get("arrival_date")) or record.arrival_date
            record.failure_message = (payout.get("failure_message") or "")[:300]
            record.last_event_created = event_created
            record.save()
        if source_ids:
            payout_contents_link(payout=record, source_ids=source_ids)
        if record.status != old_status:
            outbound_event_for_payout(payout=record)  # payout.paid / payout.failed to the dealer's systems
        if record.status in NOTIFIED_STATUSES and record.notified_status != record.status:
            from payments.payouts.tasks import payout_email_task

            payout_pk = record.pk
            transaction.on_commit(lambda: payout_email_task.delay(payout_pk))
    return record


def payout_contents_link(*, payout: Payout, source_ids: list[str]) -> int:
    """Point the payments whose charges, and the refunds, that Stripe settled in the payout at it
    (`source_ids`: the sources of its balance transactions), with a history row each. Returns how
    many were linked now; linking again changes nothing."""
    payments = list(
        Payment.objects.filter(stripe_account_id=payout.stripe_account_id, stripe_charge_id__in=source_ids)
        .exclude(payout=payout)
        .only("id", "payment_request_id", "organization_id")
    )
    refunds = list(
        Refund.objects.filter(
            payment__stripe_account_id=payout.stripe_account_id, stripe_refund_id__in=source_ids
        )
        .exclude(payout=payout)
        .select_related("payment")
        .only(
            "id", "amount_minor", "currency", "payment__id", "payment__payment_request_id", "organization_id"
        )
    )
    now = timezone.now()
    Payment.objects.filter(pk__in=[p.pk for p in payments]).update(payout=payout, updated_at=now)
    Refund.objects.filter(pk__in=[r.pk for r in refunds]).update(payout=payout, updated_at=now)
    arrival = payout.arrival_date.isoformat() if payout.arrival_date else "?"
    where = f"payout {payout.stripe_payout_id} ({format_minor(payout.amount_minor, payout.currency)}, arriving {arrival})"
    PaymentRequestEvent.objects.bulk_create(
        [
            PaymentRequestEvent(
                organization_id=p.organization_id,
                payment_request_id=p.payment_request_id,
                payment_id=p.pk,
                kind="payout",
                actor_label="stripe",
                message=f"In {where}",
                data={"payout_id": payout.pk},
            )
            for p in payments
        ]
        + [
            PaymentRequestEvent(
                organization_id=r.organization_id,
                payment_request_id=r.payment.payment_request_id,
                payment_id=r.payment.pk,
                kind="payout",
                actor_label="stripe",
                message=f"Refund of {format_minor(r.amount_minor, r.currency)} deducted in {where}",
                data={"payout_id": payout.pk, "refund_id": r.pk},
            )
            for r in refunds
        ]
    )
    return len(payments) + len(refunds)


def payout_email_send(*, payout_id: int) -> int:
    """Email the chosen recipients once for the payout's current status. Returns emails queued."""
    from notifications.services import email_send

    with transaction.atomic():
        payout = Payout.objects.select_for_update().select_related("organization").get(pk=payout_id)
        if payout.status not in NOTIFIED_STATUSES or payout.notified_status == payout.status:
            return 0
        payout.notified_status = payout.status
        payout.save(update_fields=["notified_status", "updated_at"])
        recipients = list(
            PayoutEmailRecipient.objects.filter(
                organization_id=payout.organization_id, user__is_active=True
            ).select_related("user")
        )
        if not recipients:
            return 0
        subject, body = _payout_email_text(payout=payout)
        for recipient in recipients:
            email_send(
                organization=payout.organization,
                to=recipient.user.email,
                subject=subject,
                body=body,
                purpose="payout",
            )
    return len(recipients)


def _payout_email_text(*, payout: Payout) -> tuple[str, str]:
    from organizations.selectors import organization_zone
    from payments.payouts.selectors import payout_contents, payouts_with_figures

    payout = payouts_with_figures(Payout.objects.filter(pk=payout.pk).select_related("organization")).get()
    cur = payout.currency
    money = format_minor(payout.amount_minor, cur)
    arrival = payout.arrival_date.strftime("%b %-d, %Y") if payout.arrival_date else "unknown"
    if payout.status == "paid":
        subject = f"Payout of {money} paid — arriving {arrival}"
        lines = [f"A payout of {money} was sent to your bank account. Expected arrival: {arrival}."]
    else:
        subject = f"Payout of {money} failed"
        lines = [
            f"A payout of {money} (expected {arrival}) failed: {payout.failure_message or 'no reason given'}.",
            "Check the bank account in your Stripe Express dashboard.",
        ]
    zone = organization_zone(payout.organization)
    payments, refunds = payout_contents(payout=payout)
    lines += ["", f"Payments in this payout ({len(payments)}):"]
    for p in payments[:EMAIL_MAX_LINES]:
        lines.append(
            f"- {p.occurred_at.astimezone(zone):%Y-%m-%d} {p.reference} {p.customer.name}: "
            f"{format_minor(p.amount_minor, p.currency)}"
        )
    if len(payments) > EMAIL_MAX_LINES:
        lines.append(f"- ... and {len(payments) - EMAIL_MAX_LINES} more: the payout's page lists them all.")
    if refunds:
        lines += ["", f"Refunds deducted in this payout ({len(refunds)}):"]
        for r in refunds:
            lines.append(
                f"- {r.created_at.astimezone(zone):%Y-%m-%d} {r.payment.reference} {r.payment.customer.name}: "
                f"-{format_minor(r.amount_minor, r.currency)}"
            )
    summary = (
        f"Payments {format_minor(payout.gross_minor, cur)} - platform fees {format_minor(payout.fees_minor, cur)}"
        f" - refunds {format_minor(payout.refunds_minor, cur)} = {format_minor(payout.net_minor, cur)}"
    )
    if payout.other_minor:
        summary += f"; other items (a dispute, an adjustment): {format_minor(payout.other_minor, cur)}"
    lines += ["", summary, "", f"Stripe payout id: {payout.stripe_payout_id}"]
    return subject, "\n".join(lines)


def payout_email_recipients_set(*, user: User, user_ids: list[int]) -> list[PayoutEmailRecipient]:
    """Replace the organization's payout email recipients (Admins only)."""
    if not can_manage_payout_emails(user):
        raise PermissionDenied("Only Admins choose who receives payout emails.")
    wanted = set(
        User.objects.filter(
            organization_id=user.organization_id, is_active=True, pk__in=user_ids
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        PayoutEmailRecipient.objects.filter(organization_id=user.organization_id).exclude(
            user_id__in=wanted
        ).delete()
        have = set(
            PayoutEmailRecipient.objects.filter(organization_id=user.organization_id).values_list(
                "user_id", flat=True
            )
        )
        PayoutEmailRecipient.objects.bulk_create(
            [PayoutEmailRecipient(organization_id=user.organization_id, user_id=uid) for uid in wanted - have]
        )
    return list(PayoutEmailRecipient.objects.filter(organization_id=user.organization_id))
