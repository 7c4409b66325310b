"""Recording what Stripe says about a PaymentIntent of one of our requests: exactly one Payment
per PaymentIntent, whoever reports it first (the success return, a webhook, the missed-event sync,
a Pay click on a completed session); a failed attempt is recorded and the request stays open.
Never moves a request or payment backwards."""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.money import format_minor
from payments import gateway
from payments.fees import application_fee_for
from payments.models import Payment, PaymentRequest, PaymentRequestEvent, card_label
from payments.receipts import payment_receipt_number_assign
from payments.requests.after_payment import payment_after_success_queue
from payments.requests.history import history_record
from payments.requests.states import PAYMENT_KIND, S, payment_request_can_move, payment_request_move

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Recording payments
# ---------------------------------------------------------------------------------------------
def _request_for_intent(*, account_id: str, intent: gateway.PaymentIntentInfo) -> PaymentRequest | None:
    request_id = (intent.metadata or {}).get("payment_request_id")
    if not request_id or not str(request_id).isdigit():
        return None
    request = PaymentRequest.objects.select_related("stripe_account").filter(pk=int(request_id)).first()
    if request is None or request.stripe_account is None or request.stripe_account.stripe_id != account_id:
        logger.warning("PaymentIntent %s names request %s of another account", intent.id, request_id)
        return None
    return request


def _method_of(intent: gateway.PaymentIntentInfo) -> str:
    if (intent.metadata or {}).get("card_charge_id"):
        return Payment.Method.SAVED_CARD  # charged off-session on the customer's saved card
    if intent.payment_method_type == Payment.Method.AFTERPAY:
        return Payment.Method.AFTERPAY
    return Payment.Method.CARD


def _payment_fields(
    *, request: PaymentRequest, intent: gateway.PaymentIntentInfo, checkout_session_id: str
) -> dict:
    return {
        "organization_id": request.organization_id,
        "team_id": request.team_id,
        "payment_request": request,
        "customer_id": request.customer_id,
        "advisor_id": request.created_by_id,
        "stripe_account_id": request.stripe_account_id,
        "stripe_charge_id": intent.latest_charge_id or "",
        "checkout_session_id": checkout_session_id or "",
        "reference": request.reference,
        "request_status": request.status,
        "request_amount_minor": request.amount_minor,
        "currency": (intent.currency or request.currency).upper(),
        "method": _method_of(intent),
        "card_brand": intent.card_brand or "",
        "card_last4": intent.card_last4 or "",
        "card_funding": intent.card_funding or "",
        "occurred_at": _charged_at(intent),
    }


def payment_succeeded_fields(
    *, request: PaymentRequest, intent: gateway.PaymentIntentInfo, checkout_session_id: str
) -> dict:
    """A succeeded PaymentIntent's Payment row: the amount received, the fee Stripe kept (ours when
    the intent doesn't say), no failure."""
    amount = int(intent.amount_received or intent.amount)
    fee = intent.application_fee_amount
    if fee is None:
        fee = application_fee_for(organization=request.organization, amount_minor=amount)
    fields = _payment_fields(request=request, intent=intent, checkout_session_id=checkout_session_id)
    fields.update(
        amount_minor=amount,
        fee_minor=int(fee),
        status=Payment.Status.SUCCEEDED,
        failure_code="",
        failure_message="",
    )
    return fields


def payment_succeeded_history(*, payment: Payment, intent: gateway.PaymentIntentInfo, source: str) -> dict:
    """The message and data of the request's "payment_succeeded" history row."""
    if payment.method in (Payment.Method.CARD, Payment.Method.SAVED_CARD):
        method_text = payment.card_label or "card"
    else:
        method_text = "Afterpay/Clearpay installments"
    return {
        "message": f"Paid {format_minor(payment.amount_minor, payment.currency)} ({method_text})",
        "data": {"payment_intent": intent.id, "source": source, "charge": intent.latest_charge_id},
    }


def _charged_at(intent: gateway.PaymentIntentInfo) -> datetime:
    """When the customer paid (or the attempt failed): Stripe's time of the charge, not when we
    heard of it. A payment recovered hours later by the missed-event sync keeps its real date
    (and day) on the Payments tab and in the reports."""
    if intent.charge_created:
        return datetime.fromtimestamp(intent.charge_created, tz=UTC)
    return timezone.now()


@dataclass(frozen=True, slots=True)
class FailedAttempt:
    """A declined charge as a `payment_intent.payment_failed` event saw it. Checkout retries on the
    SAME PaymentIntent, so by the time a (late) event is processed Stripe may already say
    "succeeded": the event's own snapshot is then the only record of the failed attempt."""

    charge_id: str
    failure_code: str
    failure_message: str
    card_brand: str = ""
    card_last4: str = ""
    occurred_at: datetime | None = None


_intent_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("intent_memo", default=None)


@contextlib.contextmanager
def payment_intent_memo() -> Iterator[None]:
    """Within the block, each PaymentIntent is retrieved from Stripe once. For a batch of events
    that were all stored before it began (the relay's batches): the one answer is newer than every
    event of the batch, so each is recorded as a fresh retrieve would record it."""
    token = _intent_memo.set({})
    try:
        yield
    finally:
        _intent_memo.reset(token)


def _payment_intent_retrieve(*, account_id: str, payment_intent_id: str) -> gateway.PaymentIntentInfo:
    memo = _intent_memo.get()
    if memo is None:
        return gateway.payment_intent_retrieve(account_id=account_id, payment_intent_id=payment_intent_id)
    key = (account_id, payment_intent_id)
    if key not in memo:
        memo[key] = gateway.payment_intent_retrieve(
            account_id=account_id, payment_intent_id=payment_intent_id
        )
    return memo[key]


def payment_record_from_intent(
    *,
    account_id: str,
    payment_intent_id: str,
    checkout_session_id: str = "",
    source: str,
    failed_attempt: FailedAttempt | None = None,
) -> Payment | None:
    """Record what Stripe says about a PaymentIntent of one of our requests. Called by the
    success return and by webhooks, in any order, concurrently: exactly ONE Payment per
    PaymentIntent (row lock on the request + unique `stripe_payment_intent_id`). A succeeded
    intent moves the request to paid / partially paid; a failed one is recorded as a failed
    attempt and the request stays open. Never moves anything backwards."""
    intent = _payment_intent_retrieve(account_id=account_id, payment_intent_id=payment_intent_id)
    request = _request_for_intent(account_id=account_id, intent=intent)
    if request is None:
        return None
    if intent.status == "succeeded":
        if failed_attempt is not None and failed_attempt.charge_id != (intent.latest_charge_id or ""):
            _payment_attempt_failed_record_late(request_id=request.pk, intent=intent, attempt=failed_attempt)
        return _payment_record_succeeded(
            request_id=request.pk, intent=intent, checkout_session_id=checkout_session_id, source=source
        )
    if (
        intent.failure_code
        or intent.failure_message
        or intent.status in ("requires_payment_method", "canceled")
    ):
        if intent.latest_charge_id or intent.failure_code or intent.failure_message:
            return _payment_record_failed(
                request_id=request.pk, intent=intent, checkout_session_id=checkout_session_id
            )
    return Payment.objects.filter(stripe_payment_intent_id=intent.id).first()


def payment_record_from_intent_info(
    *, account_id: str, intent: gateway.PaymentIntentInfo, source: str
) -> Payment | None:
    """Record a PaymentIntent Stripe just returned (an off-session charge's answer), without asking
    again: the same rules as payment_record_from_intent."""
    request = _request_for_intent(account_id=account_id, intent=intent)
    if request is None:
        return None
    if intent.status == "succeeded":
        return _payment_record_succeeded(
            request_id=request.pk, intent=intent, checkout_session_id="", source=source
        )
    return None


def _payment_record_succeeded(
    *, request_id: int, intent: gateway.PaymentIntentInfo, checkout_session_id: str, source: str
) -> Payment:
    try:
        with transaction.atomic():
            request = (
                PaymentRequest.objects.select_for_update(of=("self",))
                .select_related("organization")
                .get(pk=request_id)
            )
            payment = (
                Payment.objects.select_for_update(of=("self",))
                .filter(stripe_payment_intent_id=intent.id)
                .first()
            )
            if payment is not None and payment.status != Payment.Status.FAILED:
                return payment  # already recorded (the other of return/webhook got here first)
            fields = payment_succeeded_fields(
                request=request, intent=intent, checkout_session_id=checkout_session_id
            )
            amount = fields["amount_minor"]
            if payment is None:
                payment = Payment.objects.create(stripe_payment_intent_id=intent.id, **fields)
            else:  # the same PaymentIntent failed first, then a card went through
                for name, value in fields.items():
                    setattr(payment, name, value)
                payment.save()
            payment_receipt_number_assign(payment=payment, organization=request.organization)
            paid_total = request.amount_paid_minor + amount
            to_status = S.PAID if paid_total >= request.amount_minor else S.PARTIALLY_PAID
            payment_id = payment.pk
            changes = {"amount_paid_minor": paid_total}
            if request.checkout_session_id == checkout_session_id or not checkout_session_id:
                changes.update(
                    checkout_session_id="", checkout_session_url="", checkout_session_amount_minor=None
                )
            if not payment_request_can_move(
                from_status=request.status, to_status=to_status, kind=PAYMENT_KIND
            ):
                # Already paid in full and another charge succeeded: keep it (refund is the Payments
                # tab's call), never drop money that was taken.
                request.amount_paid_minor = paid_total
                request.save(update_fields=["amount_paid_minor", "updated_at"])
                history_record(
                    payment_request=request,
                    kind="payment_succeeded_extra",
                    actor_label="customer",
                    payment=payment,
                    message=f"Another payment of {format_minor(amount, payment.currency)} arrived after the request was paid",
                    data={"payment_intent": intent.id, "source": source},
                )
                transaction.on_commit(lambda: payment_after_success_queue(payment_id))
                return payment
            payment_request_move(
                payment_request_id=request.pk,
                locked=request,  # read under its row lock above, in this transaction
                to_status=to_status,
                kind=PAYMENT_KIND,
                actor_label="customer",
                payment=payment,
                **payment_succeeded_history(payment=payment, intent=intent, source=source),
                changes=changes,
                on_commit=[lambda: payment_after_success_queue(payment_id)],
            )
            return payment
    except IntegrityError:
        # A concurrent recorder won the unique constraint: theirs is the one payment.
        return Payment.objects.get(stripe_payment_intent_id=intent.id)


def _payment_record_failed(
    *, request_id: int, intent: gateway.PaymentIntentInfo, checkout_session_id: str
) -> Payment:
    try:
        with transaction.atomic():
            request = PaymentRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
            payment = (
                Payment.objects.select_for_update(of=("self",))
                .filter(stripe_payment_intent_id=intent.id)
                .first()
            )
            if payment is not None and payment.status != Payment.Status.FAILED:
                return payment  # succeeded later (or refunded): never move back to failed
            if payment is not None and payment.stripe_charge_id == (intent.latest_charge_id or ""):
                return payment  # this very attempt is already recorded
            fields = _payment_fields(request=request, intent=intent, checkout_session_id=checkout_session_id)
            fields.update(
                amount_minor=int(intent.amount),
                fee_minor=0,
                status=Payment.Status.FAILED,
                failure_code=(intent.failure_code or "")[:60],
                failure_message=(intent.failure_message or "The payment was declined.")[:300],
            )
            if payment is None:
                payment = Payment.objects.create(stripe_payment_intent_id=intent.id, **fields)
            else:
                for name, value in fields.items():
                    setattr(payment, name, value)
                payment.save()
            card = payment.card_label
            history_record(
                payment_request=request,
                kind="attempt_failed",
                actor_label="customer",
                payment=payment,
                message=f"Payment attempt failed{f' ({card})' if card else ''}: {payment.failure_message}",
                data={
                    "payment_intent": intent.id,
                    "charge": intent.latest_charge_id,
                    "failure_code": intent.failure_code,
                    "failure_message": payment.failure_message,
                    "card_brand": payment.card_brand,
                    "card_last4": payment.card_last4,
                },
            )
            return payment
    except IntegrityError:
        return Payment.objects.get(stripe_payment_intent_id=intent.id)


def _payment_attempt_failed_record_late(
    *, request_id: int, intent: gateway.PaymentIntentInfo, attempt: FailedAttempt
) -> None:
    """The PaymentIntent already succeeded when its earlier failure was processed: keep the
    failed attempt in the history (once per charge), dated when it happened. The Payment row
    is the succeeded one and is left alone."""
    with transaction.atomic():
        request = PaymentRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
        recorded = PaymentRequestEvent.objects.filter(payment_request=request, kind="attempt_failed")
        if attempt.charge_id and any(
            (data or {}).get("charge") == attempt.charge_id
            for data in recorded.values_list("data", flat=True)
        ):
            return
        card = card_label(card_brand=attempt.card_brand, card_last4=attempt.card_last4)
        message = attempt.failure_message or "The payment was declined."
        history_record(
            payment_request=request,
            kind="attempt_failed",
            actor_label="customer",
            payment=Payment.objects.filter(stripe_payment_intent_id=intent.id).first(),
            message=f"Payment attempt failed{f' ({card})' if card else ''}: {message}",
            data={
                "payment_intent": intent.id,
                "charge": attempt.charge_id,
                "failure_code": attempt.failure_code,
                "failure_message": attempt.failure_message,
                "card_brand": attempt.card_brand,
                "card_last4": attempt.card_last4,
                "occurred_at": attempt.occurred_at.isoformat() if attempt.occurred_at else None,
            },
        )
