"""A bulk run's items are written, sent and recorded a batch at a time (payments/cards/bulk_charging.py,
payments/requests/recording_many.py): the rows are the ones an item charged on its own gets, a decline
or an already-recorded payment inside a batch is handled as for one charge, a batch cut short by
Stripe's 429 keeps what was charged and the rest is sent again with the same keys. All over HTTP
against the emulator."""

import re

import pytest

from core.errors import Conflict
from payments import gateway
from payments.cards import bulk, bulk_charging, charges
from payments.models import BulkChargeItem, CardCharge, Payment, PaymentRequest, PaymentRequestEvent
from payments.receipts import receipt_numbers_take
from payments.requests.recording import payment_record_from_intent_info
from payments.requests.recording_many import payments_record_from_intents
from payments.requests.states import PAYMENT_KIND, LockedMove, payment_requests_move_locked
from tests.factories import CustomerFactory
from tests.payments.cards.test_bulk import saved_card_for


def _run(manager, team, customers, amount=1_000):
    run = bulk.bulk_charge_create(
        user=manager,
        team=team,
        description="Month end",
        reference="ME-7",
        rows=[(c.pk, amount) for c in customers],
    )
    run.status = "running"
    run.save(update_fields=["status"])
    return run


def _shard_items(run):
    """The items as the shard runner reads them."""
    return list(bulk.bulk_charge_shard_items(run=run, shard=0, shards=1))


def _written(item):
    """What a charged item left in the database, without ids, times and keys."""
    item.refresh_from_db()
    charge = CardCharge.objects.get(bulk_item=item)
    request = charge.payment_request
    payment = Payment.objects.get(payment_request=request)
    history = [
        (e.kind, e.from_status, e.to_status, e.actor_label, re.sub(r"\d{4}-\d+", "N", e.message))
        for e in PaymentRequestEvent.objects.filter(payment_request=request).order_by("pk")
    ]
    return {
        "item": (item.status, item.message),
        "charge": (charge.status, charge.kind, charge.attempt, charge.fee_minor, charge.failure_code,
                   charge.api_idempotency_key == f"bulk-item-{item.pk}", charge.stripe_payment_intent_id.startswith("pi_")),
        "request": (request.status, request.amount_minor, request.amount_paid_minor, request.paid_at is not None,
                    request.sent_at, request.channel, request.checkout_session_id, request.checkout_session_url, request.description, request.reference),
        "payment": (payment.status, payment.method, payment.amount_minor, payment.fee_minor, payment.net_minor,
                    payment.request_status, payment.display_status, payment.card_brand, payment.card_last4,
                    payment.advisor_id, payment.team_id, payment.reference, payment.stripe_charge_id.startswith("ch_"),
                    bool(re.fullmatch(r"[A-Z]+-\d{4}-\d{6}", payment.receipt_number))),
        "history": history,
    }  # fmt: skip


@pytest.mark.django_db
def test_a_batch_writes_what_one_item_charged_on_its_own_writes(
    stripe_server, manager, org, team, account, settings, django_capture_on_commit_callbacks
):
    customers = [CustomerFactory(organization=org, name=f"Fleet {i}", phone="") for i in range(5)]
    for c in customers:
        saved_card_for(stripe_server, c, account)
    run = _run(manager, team, customers)
    single, *batched = _shard_items(run)
    with django_capture_on_commit_callbacks(execute=True):  # the receipts run, as a worker would run them
        assert bulk_charging.bulk_charge_item_process(item=single, run=run) == "succeeded"
        bulk_charging.bulk_charge_batch_process(items=batched, run=run)
    expected = _written(single)
    assert expected["request"][0] == "paid" and expected["payment"][0] == "succeeded"
    assert [kind for kind, *_ in expected["history"]] == [
        "created",
        "payment_succeeded",
        "receipt_sent",
        "advisor_notified",
    ]
    for item in batched:
        assert _written(item) == expected
    numbers = sorted(Payment.objects.values_list("receipt_number", flat=True))
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [1, 2, 3, 4, 5]  # consecutive, none twice
    assert stripe_server.charges_summary("payment_request_id")["succeeded"] == 5
    bulk.bulk_charge_finish_if_done(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "done"


@pytest.mark.django_db
def test_a_decline_inside_a_batch_is_recorded_as_for_one_charge_and_the_others_are_paid(
    stripe_server, manager, org, team, account
):
    customers = [CustomerFactory(organization=org, name=f"Fleet {i}") for i in range(3)]
    saved_card_for(stripe_server, customers[0], account)
    saved_card_for(stripe_server, customers[1], account, card="4000 0000 0000 0341")  # attaches, then fails
    saved_card_for(stripe_server, customers[2], account)
    run = _run(manager, team, customers)
    bulk_charging.bulk_charge_batch_process(items=_shard_items(run), run=run)
    items = {i.customer_id: i for i in run.items.all()}
    assert [items[c.pk].status for c in customers] == ["succeeded", "failed", "succeeded"]
    declined = CardCharge.objects.get(bulk_item=items[customers[1].pk])
    assert declined.status == "failed" and declined.failure_code == "card_declined"
    assert items[customers[1].pk].message == declined.failure_message != ""
    failed_attempt = Payment.objects.get(payment_request=declined.payment_request)
    assert failed_attempt.status == "failed" and not failed_attempt.receipt_number
    assert declined.payment_request.status == "created" and declined.payment_request.amount_paid_minor == 0
    assert Payment.objects.filter(status="succeeded").count() == 2


@pytest.mark.django_db
def test_the_batch_record_leaves_a_payment_already_recorded_alone_and_checks_the_account(
    stripe_server, manager, org, team, account
):
    customers = [CustomerFactory(organization=org, name=f"Fleet {i}") for i in range(3)]
    cards = [saved_card_for(stripe_server, c, account) for c in customers]
    sent = []
    for card in cards:
        charge = charges.card_charge_prepare(
            user=manager, created_by=manager, saved_card=card, team=team, amount_minor=2_000,
            description="Deposit", reference="D-1",
        )  # fmt: skip
        sent.append((charge, charges.card_charge_send(charge)))
    already = payment_record_from_intent_info(
        account_id=account.stripe_id, intent=sent[0][1], source="webhook"
    )
    payments_record_from_intents(account_id="acct_someone_else", intents=[sent[2][1]], source="card_charge")
    assert not Payment.objects.filter(stripe_payment_intent_id=sent[2][1].id).exists()  # not that account's
    payments_record_from_intents(
        account_id=account.stripe_id, intents=[intent for _, intent in sent], source="card_charge"
    )
    assert (
        Payment.objects.count() == 3
        and Payment.objects.get(pk=already.pk).receipt_number == already.receipt_number
    )
    for charge, _intent in sent:
        request = PaymentRequest.objects.get(pk=charge.payment_request_id)
        assert (request.status, request.amount_paid_minor) == ("paid", 2_000)  # never counted twice
        assert (
            PaymentRequestEvent.objects.filter(payment_request=request, kind="payment_succeeded").count() == 1
        )
    payments_record_from_intents(  # once more, as a retried batch would
        account_id=account.stripe_id, intents=[intent for _, intent in sent], source="card_charge"
    )
    assert Payment.objects.count() == 3 and set(
        PaymentRequest.objects.values_list("amount_paid_minor", flat=True)
    ) == {2_000}


@pytest.mark.django_db
def test_an_item_whose_charge_was_written_before_a_crash_is_sent_again_with_its_key(
    stripe_server, manager, org, team, account
):
    customers = [CustomerFactory(organization=org, name=f"Fleet {i}") for i in range(3)]
    for c in customers:
        saved_card_for(stripe_server, c, account)
    run = _run(manager, team, customers)
    first = _shard_items(run)[0]
    written = bulk_charging._item_charge(first, run)  # written (SENDING), then the worker died
    charges.card_charge_send(written)  # ... or died after Stripe answered, before recording
    bulk.bulk_charge_shard_run(run_id=run.pk, shard=0, shards=1)
    assert set(run.items.values_list("status", flat=True)) == {"succeeded"}
    assert CardCharge.objects.filter(bulk_item__run=run).count() == 3
    assert stripe_server.charges_summary("payment_request_id")["succeeded_by"] == {
        str(pk): 1 for pk in PaymentRequest.objects.values_list("pk", flat=True)
    }  # Stripe replayed the first charge's key: nobody charged twice


@pytest.mark.django_db
def test_a_batch_cut_short_by_429_keeps_what_was_charged_and_sends_the_rest_later_with_the_same_keys(
    stripe_server, manager, org, team, account, settings
):
    customers = [CustomerFactory(organization=org, name=f"Fleet {i}") for i in range(4)]
    for c in customers:
        saved_card_for(stripe_server, c, account)
    run = _run(manager, team, customers)
    settings.STRIPE_RETRY_BACKOFF_SECONDS = ()
    settings.BULK_CHARGE_BACKOFF_SECONDS = ()
    settings.CARD_CHARGE_RATE_PER_SECOND = 1_000
    stripe_server.set_rate_limit(0.001, burst=1)  # one request, then 429 for a long while
    with pytest.raises(gateway.GatewayUnavailable):
        bulk.bulk_charge_shard_run(run_id=run.pk, shard=0, shards=1)
    assert list(run.items.order_by("pk").values_list("status", flat=True)) == ["succeeded"] + ["pending"] * 3
    assert Payment.objects.filter(status="succeeded").count() == 1  # recorded before the task gave up
    assert (
        list(CardCharge.objects.order_by("pk").values_list("status", flat=True))
        == ["succeeded"] + ["sending"] * 3
    )
    stripe_server.set_rate_limit(0)
    bulk.bulk_charge_shard_run(run_id=run.pk, shard=0, shards=1)  # the task's retry
    assert set(run.items.values_list("status", flat=True)) == {"succeeded"}
    assert CardCharge.objects.count() == 4 and Payment.objects.filter(status="succeeded").count() == 4
    assert set(stripe_server.charges_summary("card_charge_id")["succeeded_by"].values()) == {1}


@pytest.mark.django_db
def test_shards_split_the_items_between_them(stripe_server, manager, org, team, account):
    customers = [CustomerFactory(organization=org, name=f"Fleet {i}") for i in range(5)]
    for c in customers:
        saved_card_for(stripe_server, c, account)
    run = _run(manager, team, customers)
    ids = sorted(run.items.values_list("pk", flat=True))
    assert bulk.bulk_charge_shard_run(run_id=run.pk, shard=1, shards=2) == len([i for i in ids if i % 2 == 1])
    assert {i.pk for i in run.items.filter(status="succeeded")} == {i for i in ids if i % 2 == 1}
    assert bulk.bulk_charge_shard_run(run_id=run.pk, shard=0, shards=2) == len([i for i in ids if i % 2 == 0])
    assert set(run.items.values_list("status", flat=True)) == {"succeeded"}


@pytest.mark.django_db
def test_a_locked_move_that_is_not_allowed_writes_nothing(org, team, manager, customer):
    from tests.factories import PaymentRequestFactory

    open_one = PaymentRequestFactory(
        organization=org, team=team, customer=customer, created_by=manager, status="sent"
    )
    paid = PaymentRequestFactory(
        organization=org, team=team, customer=customer, created_by=manager, status="paid"
    )
    moves = [
        LockedMove(request=r, to_status="paid", kind=PAYMENT_KIND, actor_label="customer")
        for r in (open_one, paid)
    ]
    with pytest.raises(Conflict):
        payment_requests_move_locked(moves=moves)
    open_one.refresh_from_db()
    assert open_one.status == "sent" and not PaymentRequestEvent.objects.filter(kind=PAYMENT_KIND).exists()
    payment_requests_move_locked(moves=moves[:1])
    open_one.refresh_from_db()
    assert open_one.status == "paid" and open_one.paid_at is not None
    assert PaymentRequestEvent.objects.get(kind=PAYMENT_KIND).from_status == "sent"


@pytest.mark.django_db
def test_receipt_numbers_taken_together_are_consecutive_and_follow_the_counter(org):
    first = receipt_numbers_take(organization=org, year=2026, count=3)
    then = receipt_numbers_take(organization=org, year=2026, count=1)
    assert [n.rsplit("-", 1)[1] for n in first + then] == ["000001", "000002", "000003", "000004"]
    assert receipt_numbers_take(organization=org, year=2027, count=1)[0].endswith("-2027-000001")
    assert BulkChargeItem.objects.count() == 0
