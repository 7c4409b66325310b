"""Refunds: from the Payments tab (Managers and Admins) and from Stripe (dashboard refunds and the
status updates of ours).

Flow for a refund made on our page:
1. `refund_create` locks the Payment row, checks what is still refundable (amount minus every
   refund that is pending, needs action or succeeded), writes the Refund row (status pending) and
   commits: that row reserves the amount, so a second person refunding at the same moment sees it
   and can only refund what is left.
2. `refund_submit` calls Stripe with `idempotency_key = refund-<id>` (a retry can never refund
   twice) and applies Stripe's answer through `refund_apply`.
3. The `refund.created` / `refund.updated` / `charge.refunded` webhooks go through `refund_apply`
   too; it finds our row by `stripe_refund_id` or by metadata `refund_id`, so the page and the
   webhook make ONE refund. A refund unknown to us (made in the Stripe dashboard) is recorded.

The platform fee: whether a refund gives it back is the platform's rule
(`settings.PLATFORM_REFUND_APPLICATION_FEE`, sent as Stripe's `refund_application_fee` and kept on
the Refund row, so changing the setting never rewrites old refunds). On by default: a dealer who
gives the customer's money back expects not to pay the platform for a sale that did not happen. Stripe decides how much: all
that is left of the fee with a full refund, a proportional part with a partial one. We record
Stripe's figure, the application fee's `amount_refunded`, read after the refund and again from
`application_fee.refunded`: `Payment.fee_refunded_minor` is that total, and each increase is put
on the refund that caused it (`Refund.fee_refunded_minor`). Net = amount - fee + fee returned - refunds.

Lock order: Payment row first, then its Refund rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from core.errors import ApplicationError, Conflict, PermissionDenied
from core.money import format_minor
from organizations.models import User
from organizations.permissions import can_refund
from payments.models import Payment, Refund
from payments.requests.history import history_record

logger = logging.getLogger(__name__)

RESERVING = (Refund.Status.PENDING, Refund.Status.REQUIRES_ACTION, Refund.Status.SUCCEEDED)
# Allowed status moves; anything else (an older event arriving late) is ignored.
REFUND_MOVES = {
    Refund.Status.PENDING: {
        Refund.Status.SUCCEEDED,
        Refund.Status.FAILED,
        Refund.Status.CANCELED,
        Refund.Status.REQUIRES_ACTION,
    },
    Refund.Status.REQUIRES_ACTION: {Refund.Status.SUCCEEDED, Refund.Status.FAILED, Refund.Status.CANCELED},
    Refund.Status.SUCCEEDED: {Refund.Status.FAILED},  # Stripe can fail a refund after success
    Refund.Status.FAILED: set(),
    Refund.Status.CANCELED: set(),
}


def payment_refundable_minor(*, payment: Payment) -> int:
    """What can still be refunded: the amount minus refunds in flight or done."""
    if payment.status in (Payment.Status.FAILED, Payment.Status.DISPUTED):
        return 0
    reserved = payment.refunds.filter(status__in=RESERVING).aggregate(s=Sum("amount_minor"))["s"] or 0
    return max(payment.amount_minor - max(reserved, payment.refunded_minor), 0)


def refund_application_fee_rule(*, payment: Payment) -> bool:
    """Does a refund of this payment give the platform fee back? (The platform's setting; a
    payment without a fee has nothing to give back.)"""
    return bool(settings.PLATFORM_REFUND_APPLICATION_FEE) and payment.fee_minor > 0


def refund_fee_back_minor(*, payment: Payment, amount_minor: int) -> int:
    """What a refund of `amount_minor` should give back of the platform fee under today's rule,
    for the confirmation page (Stripe's rule: the rest of the fee when the payment is then refunded
    in full, else the proportional part rounded half up). The recorded figure is Stripe's."""
    if not refund_application_fee_rule(payment=payment) or amount_minor <= 0:
        return 0
    left = payment.fee_minor - payment.fee_refunded_minor
    if payment.refunded_minor + amount_minor >= payment.amount_minor:
        return max(left, 0)
    share = (payment.fee_minor * amount_minor * 2 + payment.amount_minor) // (2 * payment.amount_minor)
    return max(min(share, left), 0)


def refund_create(
    *,
    payment_id: int,
    user: User,
    amount_minor: int | None = None,
    reason: str = Refund.Reason.REQUESTED_BY_CUSTOMER,
    note: str = "",
    api_idempotency_key: str = "",
) -> Refund:
    """Refund a payment: in full when `amount_minor` is None, else that part of it."""
    if reason not in Refund.Reason.values:
        raise ApplicationError(
            "Choose a reason for the refund.", extra={"fields": {"reason": ["Choose a reason."]}}
        )
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
        if payment is None or payment.organization_id != user.organization_id:
            raise ApplicationError("No such payment.")
        if not can_refund(user, payment):
            raise PermissionDenied("Only Managers of this team and Admins can refund payments.")
        if payment.status == Payment.Status.FAILED:
            raise Conflict("This payment failed: there is nothing to refund.")
        if payment.status == Payment.Status.DISPUTED:
            raise Conflict("This payment is disputed: answer the dispute in Stripe instead of refunding.")
        refundable = payment_refundable_minor(payment=payment)
        if refundable <= 0:
            raise Conflict("This payment has already been refunded in full.")
        amount = refundable if amount_minor is None else amount_minor
        if amount <= 0:
            raise ApplicationError(
                "Enter an amount above zero.", extra={"fields": {"amount": ["Enter an amount above zero."]}}
            )
        if amount > refundable:
            limit = format_minor(refundable, payment.currency)
            raise ApplicationError(
                f"You can refund at most {limit}.",
                extra={"fields": {"amount": [f"You can refund at most {limit}."]}},
            )
        refund = Refund.objects.create(
            organization_id=payment.organization_id,
            payment=payment,
            amount_minor=amount,
            currency=payment.currency,
            reason=reason,
            note=note[:300],
            created_by=user,
            api_idempotency_key=api_idempotency_key,
            refund_application_fee=refund_application_fee_rule(payment=payment),
        )
        history_record(
            payment_request=payment.payment_request,
            payment=payment,
            kind="refund_requested",
            actor=user,
            message=f"Refund of {format_minor(amount, payment.currency)} requested"
            + (f": {note[:200]}" if note else ""),
            data={"refund_id": refund.pk, "amount_minor": amount, "reason": reason, "note": note[:200]},
        )
    return refund_submit(refund_id=refund.pk)


def refund_submit(*, refund_id: int) -> Refund:
    """Send a pending refund to Stripe (again, on retry: same idempotency key)."""
    from payments import gateway
    from payments.gateway.errors import GatewayError, GatewayUnavailable

    refund = Refund.objects.select_related("payment__stripe_account").get(pk=refund_id)
    if refund.stripe_refund_id or refund.status != Refund.Status.PENDING:
        return refund
    payment = refund.payment
    try:
        info = gateway.refund_create(
            account_id=payment.stripe_account.stripe_id,
            payment_intent_id=payment.stripe_payment_intent_id,
            amount_minor=refund.amount_minor,
            reason=refund.reason,
            metadata={"refund_id": str(refund.pk), "payment_id": str(payment.pk)},
            idempotency_key=refund.idempotency_key,
            refund_application_fee=refund.refund_application_fee,
        )
    except GatewayUnavailable:
        from payments.refunds.tasks import refund_submit_task

        logger.warning("Stripe unavailable for refund %s; retrying later", refund.pk)
        refund_submit_task.apply_async(args=[refund.pk], countdown=30)
        return refund
    except GatewayError as exc:
        _refund_fail_before_stripe(refund_id=refund.pk, message=exc.message)
        raise ApplicationError(f"Stripe refused the refund: {exc.message}")
    fee_total = _fee_refunded_total(payment=payment) if refund.refund_application_fee else None
    return refund_apply(
        payment_id=payment.pk,
        stripe_refund=RefundUpdate(
            id=info.id,
            status=info.status,
            amount_minor=info.amount,
            failure_reason=info.failure_reason or "",
            metadata=dict(info.metadata or {}),
        ),
        fee_refunded_total_minor=fee_total,
    )


def _fee_refunded_total(*, payment: Payment) -> int | None:
    """Stripe's figure of the platform fee given back so far (None when it can't be read now: the
    `application_fee.refunded` event brings it)."""
    from payments import gateway
    from payments.gateway.errors import GatewayError

    if not payment.fee_minor or not payment.stripe_charge_id:
        return None
    try:
        fee = gateway.application_fee_for_charge(
            account_id=payment.stripe_account.stripe_id, charge_id=payment.stripe_charge_id
        )
    except GatewayError as exc:
        logger.warning("application fee of payment %s not read: %s", payment.pk, exc)
        return None
    return fee.amount_refunded if fee is not None else None


def payment_fee_refunded_record(*, payment_id: int, fee_refunded_total_minor: int) -> Payment:
    """Record Stripe's total of the platform fee given back on a payment (from
    `application_fee.refunded`). Idempotent; the total only grows."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("payment_request").get(pk=payment_id)
        _payment_fee_refunded_set(payment=payment, total_minor=fee_refunded_total_minor, refund=None)
    return payment


def _payment_fee_refunded_set(*, payment: Payment, total_minor: int, refund: Refund | None) -> None:
    """Under the payment's lock: raise `fee_refunded_minor` to Stripe's total; the increase goes
    on `refund` (else the newest refund not failed) and in the history."""
    total = min(int(total_minor), payment.fee_minor)
    increase = total - payment.fee_refunded_minor
    if increase <= 0:
        return
    if refund is None:
        refund = (
            Refund.objects.select_for_update()
            .filter(payment_id=payment.pk)
            .exclude(status__in=[Refund.Status.FAILED, Refund.Status.CANCELED])
            .order_by("-created_at", "-id")
            .first()
        )
    payment.fee_refunded_minor = total
    payment.save(update_fields=["fee_refunded_minor", "updated_at"])
    if refund is not None:
        refund.fee_refunded_minor += increase
        refund.save(update_fields=["fee_refunded_minor", "updated_at"])
    history_record(
        payment_request=payment.payment_request,
        payment=payment,
        kind="fee_refunded",
        actor_label="stripe",
        message=f"Platform fee of {format_minor(increase, payment.currency)} given back with the refund",
        data={"refund_id": refund.pk if refund else None, "fee_refunded_minor": increase},
    )


def _refund_fail_before_stripe(*, refund_id: int, message: str) -> None:
    with transaction.atomic():
        refund = Refund.objects.select_related("payment").get(pk=refund_id)
        Payment.objects.select_for_update().get(pk=refund.payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status != Refund.Status.PENDING or refund.stripe_refund_id:
            return
        refund.status = Refund.Status.FAILED
        refund.failure_reason = message[:200]
        refund.save(update_fields=["status", "failure_reason", "updated_at"])
        history_record(
            payment_request=refund.payment.payment_request,
            payment=refund.payment,
            kind="refund_failed",
            actor_label="stripe",
            message=f"Refund refused: {message}",
            data={"refund_id": refund.pk, "error": message[:200]},
        )


@dataclass(frozen=True)
class RefundUpdate:
    """What Stripe told us about a refund (from an API answer or a webhook)."""

    id: str
    status: str
    amount_minor: int
    failure_reason: str = ""
    metadata: dict | None = None


def refund_apply(
    *,
    payment_id: int,
    stripe_refund: RefundUpdate,
    actor_label: str = "stripe",
    fee_refunded_total_minor: int | None = None,
) -> Refund:
    """Record Stripe's view of one refund of a payment. Idempotent; never moves a refund
    backwards; creates the row for a refund made outside our page. `fee_refunded_total_minor`:
    the application fee's `amount_refunded` read after this refund, when known."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("payment_request").get(pk=payment_id)
        refund = Refund.objects.select_for_update().filter(stripe_refund_id=stripe_refund.id).first()
        if refund is None:
            ours = (stripe_refund.metadata or {}).get("refund_id")
            if ours and str(ours).isdigit():
                refund = (
                    Refund.objects.select_for_update()
                    .filter(pk=int(ours), payment_id=payment.pk, stripe_refund_id__isnull=True)
                    .first()
                )
        if refund is None:  # made in the Stripe dashboard
            refund = Refund.objects.create(
                organization_id=payment.organization_id,
                payment=payment,
                amount_minor=stripe_refund.amount_minor,
                currency=payment.currency,
                status=Refund.Status.PENDING,
                stripe_refund_id=stripe_refund.id,
                note="Made in Stripe",
            )
            history_record(
                payment_request=payment.payment_request,
                payment=payment,
                kind="refund_requested",
                actor_label=actor_label,
                message=f"Refund of {format_minor(refund.amount_minor, payment.currency)} made in Stripe",
                data={
                    "refund_id": refund.pk,
                    "stripe_refund_id": stripe_refund.id,
                    "amount_minor": refund.amount_minor,
                },
            )
        if not refund.stripe_refund_id:
            refund.stripe_refund_id = stripe_refund.id
            refund.save(update_fields=["stripe_refund_id", "updated_at"])
        new_status = stripe_refund.status
        if new_status != refund.status and new_status in REFUND_MOVES.get(refund.status, set()):
            old_status = refund.status
            refund.status = new_status
            refund.failure_reason = (stripe_refund.failure_reason or "")[:200]
            refund.save(update_fields=["status", "failure_reason", "updated_at"])
            money = format_minor(refund.amount_minor, payment.currency)
            history_record(
                payment_request=payment.payment_request,
                payment=payment,
                kind="refunded" if new_status == Refund.Status.SUCCEEDED else f"refund_{new_status}",
                actor_label=actor_label,
                from_status=old_status,
                to_status=new_status,
                message=f"Refund of {money} {Refund.Status(new_status).label.lower()}"
                + (f": {refund.failure_reason}" if refund.failure_reason else ""),
                data={
                    "refund_id": refund.pk,
                    "stripe_refund_id": refund.stripe_refund_id,
                    "amount_minor": refund.amount_minor,
                    "failure_reason": refund.failure_reason,
                },
            )
        _payment_refund_totals_update(payment=payment)
        if fee_refunded_total_minor is not None:
            _payment_fee_refunded_set(payment=payment, total_minor=fee_refunded_total_minor, refund=refund)
        if refund.status == Refund.Status.SUCCEEDED and refund.customer_notified_at is None:
            refund.customer_notified_at = timezone.now()
            refund.save(update_fields=["customer_notified_at", "updated_at"])
            refund_pk = refund.pk
            transaction.on_commit(lambda: refund_notice_send(refund_id=refund_pk))
    return refund


def _payment_refund_totals_update(*, payment: Payment) -> None:
    """Payment.refunded_minor = sum of succeeded refunds; status follows (a dispute wins)."""
    refunded = (
        payment.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(s=Sum("amount_minor"))["s"] or 0
    )
    status = payment.status
    if status not in (Payment.Status.FAILED, Payment.Status.DISPUTED):
        if refunded >= payment.amount_minor:
            status = Payment.Status.REFUNDED
        elif refunded > 0:
            status = Payment.Status.PARTIALLY_REFUNDED
        else:
            status = Payment.Status.SUCCEEDED
    if refunded != payment.refunded_minor or status != payment.status:
        payment.refunded_minor = refunded
        payment.status = status
        payment.save(update_fields=["refunded_minor", "status", "updated_at"])


def refund_notice_send(*, refund_id: int) -> None:
    """Tell the customer, by the channel their request used, that money is coming back."""
    from payments.requests.customer_messages import customer_message_send

    refund = Refund.objects.select_related(
        "payment__payment_request__customer__organization", "payment__payment_request__organization"
    ).get(pk=refund_id)
    from payments.requests.messages import refund_notice_texts

    sms_body, email_subject, email_body = refund_notice_texts(refund)  # in the customer's language
    customer_message_send(
        payment_request=refund.payment.payment_request,
        purpose="refund",
        sms_body=sms_body,
        email_subject=email_subject,
        email_body=email_body,
    )
