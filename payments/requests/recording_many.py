"""Recording many succeeded PaymentIntents Stripe has just returned (a bulk run's batch of off-session
charges) in set operations: for each, what `payment_record_from_intent_info` writes (one Payment per
PaymentIntent with its receipt number, the request moved to paid or partially paid with its history
row, the receipt and the advisor's notice queued on commit), in a handful of statements per batch.

Only the plain case goes the set way: a succeeded intent whose request is ours, on that account, has
no Payment for it yet and may move. Anything else (already recorded by a webhook, a second payment of
a request already paid, a failed attempt to overwrite, two intents of one request) is recorded one
by one by `payment_record_from_intent_info` after the batch, by the same rules as ever.

Lock order as everywhere: the requests (in id order), then the receipt counter. A webhook recording
one of these intents at the same moment waits for the request's lock, then finds its Payment."""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from payments.models import Payment, PaymentRequest
from payments.receipts import receipt_numbers_take, receipt_year
from payments.requests.after_payment import payment_after_success_queue
from payments.requests.recording import (
    payment_record_from_intent_info,
    payment_succeeded_fields,
    payment_succeeded_history,
)
from payments.requests.states import (
    PAYMENT_KIND,
    LockedMove,
    S,
    payment_request_can_move,
    payment_requests_move_locked,
)

if TYPE_CHECKING:
    from payments import gateway

logger = logging.getLogger(__name__)


def payments_record_from_intents(
    *, account_id: str, intents: list[gateway.PaymentIntentInfo], source: str
) -> None:
    """`payment_record_from_intent_info` for each of `intents` (PaymentIntents of `account_id` that
    Stripe just returned), the plain ones together."""
    plain: dict[int, gateway.PaymentIntentInfo] = {}
    one_by_one = []
    for intent in intents:
        request_id = str((intent.metadata or {}).get("payment_request_id") or "")
        if intent.status != "succeeded" or not request_id.isdigit() or int(request_id) in plain:
            one_by_one.append(intent)
        else:
            plain[int(request_id)] = intent
    if plain:
        try:
            one_by_one += _plain_record(account_id=account_id, by_request=plain, source=source)
        except IntegrityError:  # not expected under the requests' locks; never lose a payment if it is
            logger.warning("a batch of %s payments is recorded one by one", len(plain), exc_info=True)
            one_by_one += list(plain.values())
    for intent in one_by_one:
        payment_record_from_intent_info(account_id=account_id, intent=intent, source=source)


def _plain_record(
    *, account_id: str, by_request: dict[int, gateway.PaymentIntentInfo], source: str
) -> list[gateway.PaymentIntentInfo]:
    """Record the plain ones in one transaction; return the intents left for one-by-one recording."""
    left: list[gateway.PaymentIntentInfo] = []
    with transaction.atomic():
        requests = list(
            PaymentRequest.objects.select_for_update(of=("self",))
            .select_related("organization", "stripe_account")
            .filter(pk__in=list(by_request))
            .order_by("pk")
        )
        found = {request.pk for request in requests}
        left += [intent for request_id, intent in by_request.items() if request_id not in found]
        recorded = set(
            Payment.objects.filter(
                stripe_payment_intent_id__in=[intent.id for intent in by_request.values()]
            ).values_list("stripe_payment_intent_id", flat=True)
        )
        moves: list[LockedMove] = []
        payments: list[Payment] = []
        for request in requests:
            intent = by_request[request.pk]
            amount = int(intent.amount_received or intent.amount)
            paid_total = request.amount_paid_minor + amount
            to_status = S.PAID if paid_total >= request.amount_minor else S.PARTIALLY_PAID
            if (
                request.stripe_account is None
                or request.stripe_account.stripe_id != account_id
                or intent.id in recorded
                or not payment_request_can_move(
                    from_status=request.status, to_status=to_status, kind=PAYMENT_KIND
                )
            ):
                left.append(intent)  # the one-by-one path knows what to do (or logs why not)
                continue
            payment = _payment_new(request=request, intent=intent, to_status=to_status)
            payments.append(payment)
            moves.append(
                LockedMove(
                    request=request,
                    to_status=to_status,
                    kind=PAYMENT_KIND,
                    actor_label="customer",
                    payment=payment,
                    **payment_succeeded_history(payment=payment, intent=intent, source=source),
                    changes={
                        "amount_paid_minor": paid_total,
                        "checkout_session_id": "",
                        "checkout_session_url": "",
                        "checkout_session_amount_minor": None,
                    },
                )
            )
        if not payments:
            return left
        _receipt_numbers_assign(payments)
        Payment.objects.bulk_create(payments)
        for move in moves:
            move.on_commit.append(functools.partial(payment_after_success_queue, move.payment.pk))
        payment_requests_move_locked(moves=moves)
    return left


def _payment_new(*, request: PaymentRequest, intent: gateway.PaymentIntentInfo, to_status: str) -> Payment:
    """The Payment row `_payment_record_succeeded` writes, with the request's status after the move
    (that function writes the one before, then `_payments_follow` sets this one)."""
    fields = payment_succeeded_fields(request=request, intent=intent, checkout_session_id="")
    return Payment(stripe_payment_intent_id=intent.id, **{**fields, "request_status": to_status})


def _receipt_numbers_assign(payments: list[Payment]) -> None:
    """Consecutive receipt numbers per (organization, year), in the requests' order."""
    groups: dict[tuple[int, int], list[Payment]] = defaultdict(list)
    for payment in payments:
        organization = payment.payment_request.organization
        year = receipt_year(occurred_at=payment.occurred_at, organization=organization)
        groups[(organization.pk, year)].append(payment)
    for (_organization_id, year), members in sorted(groups.items()):
        organization = members[0].payment_request.organization
        numbers = receipt_numbers_take(organization=organization, year=year, count=len(members))
        for payment, number in zip(members, numbers, strict=True):
            payment.receipt_number = number
