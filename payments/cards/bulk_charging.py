"""Charging a bulk run's items (bulk.py runs the shards and calls this).

One item (`bulk_charge_item_process`): write (or find) its charge, send it, note the outcome.

A batch of one shard's items (`bulk_charge_batch_process`): the same rows and the same outcomes, in
a few set operations per batch instead of ~18 statements per charge:
1. Prepare, in one transaction: the batch's requests, their "created" history rows and their charges
   (status SENDING, each with its submission key `bulk-item-<id>`, unique per organization). An item
   that already has a charge (a resumed run), whose card can no longer be charged, or whose charge
   another runner wrote meanwhile goes item by item instead.
2. Send each charge to Stripe in turn, through the shared token bucket, with its own idempotency key.
   A decline (or a card that needs the customer) is recorded when it comes, as for one charge.
3. Record the succeeded ones every RECORD_EVERY seconds and at the end, in set operations: the
   charges, their Payments (payments/requests/recording_many.py), their items.
A worker killed between 1 and 3 leaves the batch's charges SENDING: the resumed run sends them again
with the same keys, Stripe replays the same PaymentIntents, and nobody is charged twice."""

from __future__ import annotations

import time
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from payments import gateway
from payments.cards.charges import (
    card_charge_account_id,
    card_charge_created_history,
    card_charge_prepare,
    card_charge_request_row,
    card_charge_row,
    card_charge_send,
    card_charge_submit,
    card_charges_succeeded,
)
from payments.cards.checks import card_charge_validate
from payments.models import BulkCharge, BulkChargeItem, CardCharge, PaymentRequest
from payments.requests.history import history_entry, history_record_many
from payments.requests.recording_many import payments_record_from_intents
from payments.requests.states import PaymentRequestError

RECORD_EVERY = 2.0  # seconds: a batch's successes reach the progress bar at least this often

ITEM_STATUS = {
    CardCharge.Status.SUCCEEDED: BulkChargeItem.Status.SUCCEEDED,
    CardCharge.Status.FAILED: BulkChargeItem.Status.FAILED,
    CardCharge.Status.AUTHENTICATION_REQUIRED: BulkChargeItem.Status.FAILED,
}


def _submission_key(item: BulkChargeItem) -> str:
    return f"bulk-item-{item.pk}"


def _item_charge(item: BulkChargeItem, run: BulkCharge) -> CardCharge:
    return card_charge_prepare(
        user=None,
        created_by=run.created_by,
        saved_card=item.saved_card,
        team=run.team,
        amount_minor=item.amount_minor,
        description=run.description,
        reference=run.reference,
        kind=CardCharge.Kind.BULK,
        submission_key=_submission_key(item),
        bulk_item=item,
        look_first=False,
    )


def _item_outcome_write(item: BulkChargeItem, charge: CardCharge) -> str:
    status = ITEM_STATUS.get(charge.status)
    if status is None:
        return BulkChargeItem.Status.PENDING
    message = "" if status == BulkChargeItem.Status.SUCCEEDED else charge.failure_message
    BulkChargeItem.objects.filter(pk=item.pk).update(
        status=status, message=message[:300], updated_at=timezone.now()
    )
    return status


def _with_backoff(call):
    """Stripe busy (after the gateway's own 429 back-off): wait and send again, the same key."""
    delays = settings.BULK_CHARGE_BACKOFF_SECONDS
    for attempt in range(len(delays) + 1):
        try:
            return call()
        except gateway.GatewayUnavailable:
            if attempt == len(delays):
                raise  # the shard task retries later; the charge keeps its key
            time.sleep(delays[attempt])
    raise AssertionError("unreachable")


def bulk_charge_item_process(*, item: BulkChargeItem, run: BulkCharge) -> str:
    """One customer: write (or find) the charge, send it, note the outcome. Safe to run twice."""
    try:
        charge = _item_charge(item, run)
    except PaymentRequestError as exc:  # the card was removed since the review, ...
        BulkChargeItem.objects.filter(pk=item.pk).update(
            status=BulkChargeItem.Status.FAILED, message=str(exc)[:300]
        )
        return BulkChargeItem.Status.FAILED
    charge = _with_backoff(lambda: card_charge_submit(charge_id=charge.pk, loaded=charge))
    return _item_outcome_write(item, charge)


def bulk_charge_batch_process(*, items: list[BulkChargeItem], run: BulkCharge) -> None:
    """Charge these items of one shard (read by bulk.bulk_charge_shard_items). Safe to run twice, and
    beside another runner of the same items."""
    prepared, one_by_one = _batch_prepare(items, run)
    for item in one_by_one:
        bulk_charge_item_process(item=item, run=run)
    sent: list[tuple[BulkChargeItem, CardCharge, gateway.PaymentIntentInfo]] = []
    recorded_at = time.monotonic()
    try:
        for item, charge in prepared:
            intent = _with_backoff(lambda charge=charge: card_charge_send(charge))
            if intent is None:
                _item_outcome_write(item, charge)  # declined, or the card was removed
            else:
                sent.append((item, charge, intent))
            if sent and time.monotonic() - recorded_at >= RECORD_EVERY:
                _batch_record(sent)
                sent, recorded_at = [], time.monotonic()
    except gateway.GatewayUnavailable:
        _batch_record(sent)  # what was charged is recorded now; the rest is sent again later
        raise
    _batch_record(sent)


def _batch_prepare(
    items: list[BulkChargeItem], run: BulkCharge
) -> tuple[list[tuple[BulkChargeItem, CardCharge]], list[BulkChargeItem]]:
    """Write the charges of the plain items together; return them and the items to take one by one."""
    earlier = set(
        CardCharge.objects.filter(
            organization_id=run.organization_id, api_idempotency_key__in=[_submission_key(i) for i in items]
        ).values_list("api_idempotency_key", flat=True)
    )
    ready, one_by_one = [], []
    for item in items:
        plain = (
            item.saved_card is not None
            and _submission_key(item) not in earlier
            and not card_charge_validate(
                user=None,
                saved_card=item.saved_card,
                team=run.team,
                amount_minor=item.amount_minor,
                description=run.description,
                reference=run.reference,
            )
        )
        (ready if plain else one_by_one).append(item)
    if not ready:
        return [], one_by_one
    try:
        with transaction.atomic():
            requests = PaymentRequest.objects.bulk_create(
                card_charge_request_row(
                    saved_card=item.saved_card,
                    team=run.team,
                    created_by=run.created_by,
                    amount_minor=item.amount_minor,
                    description=run.description,
                    reference=run.reference,
                )
                for item in ready
            )
            history_record_many(
                [
                    history_entry(
                        payment_request_id=request.pk,
                        organization_id=request.organization_id,
                        **card_charge_created_history(request, saved_card=item.saved_card),
                    )
                    for request, item in zip(requests, ready, strict=True)
                ]
            )
            charges = CardCharge.objects.bulk_create(
                card_charge_row(
                    request,
                    saved_card=item.saved_card,
                    kind=CardCharge.Kind.BULK,
                    submission_key=_submission_key(item),
                    bulk_item=item,
                )
                for request, item in zip(requests, ready, strict=True)
            )
    except IntegrityError:  # another runner wrote one of these charges meanwhile: take them one by one
        return [], one_by_one + ready
    return list(zip(ready, charges, strict=True)), one_by_one


def _batch_record(sent: list[tuple[BulkChargeItem, CardCharge, gateway.PaymentIntentInfo]]) -> None:
    if not sent:
        return
    card_charges_succeeded([(charge, intent.id) for _, charge, intent in sent])
    by_account = defaultdict(list)
    for _, charge, intent in sent:
        by_account[card_charge_account_id(charge)].append(intent)
    for account_id, intents in by_account.items():
        payments_record_from_intents(account_id=account_id, intents=intents, source="card_charge")
    paid = [item.pk for item, charge, _ in sent if charge.status == CardCharge.Status.SUCCEEDED]
    BulkChargeItem.objects.filter(pk__in=paid).update(
        status=BulkChargeItem.Status.SUCCEEDED, message="", updated_at=timezone.now()
    )
    for item, charge, _ in sent:
        if charge.status != CardCharge.Status.SUCCEEDED:
            _item_outcome_write(item, charge)
