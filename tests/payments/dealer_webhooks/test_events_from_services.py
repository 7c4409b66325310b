"""The services emit the events: each change writes its history row, and the row's kind picks
the event (payments/dealer_webhooks/payloads.py). Delivered over HTTP, the object as the API
returns it, numbered per object."""

import pytest

from payments.dealer_webhooks.events import EventType
from payments.dealer_webhooks.services import webhook_endpoint_create
from payments.payouts.services import payout_record
from payments.refunds.disputes import payment_dispute_apply
from payments.refunds.services import refund_create
from tests.factories import StripeAccountFactory
from tests.payments.dealer_api.conftest import checked
from tests.payments.emulator import connected_account, paid_payment
from tests.payments.tab.conftest import make_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(admin_user, webhook_receiver):
    endpoint = webhook_endpoint_create(
        user=admin_user, url=webhook_receiver.url, event_types=EventType.values
    )
    webhook_receiver.secrets = [endpoint.secret]
    return webhook_receiver


def _events(receiver, object_type=None):
    return [e for e in receiver.accepted.values() if object_type is None or e["object_type"] == object_type]


def test_a_request_sent_then_cancelled_through_the_api(
    everything, token_client, advisor, customer, org, django_capture_on_commit_callbacks
):
    StripeAccountFactory(organization=org)
    api = token_client(["read", "request_payments"], acting_user=advisor)
    body = {
        "customer_id": customer.pk,
        "amount_minor": 9_900,
        "description": "Oil",
        "reference": "RO-1",
        "channel": "sms",
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = checked(
            api.post("/api/v1/payment-requests/create/", body, format="json", HTTP_IDEMPOTENCY_KEY="k"), 201
        )
    with django_capture_on_commit_callbacks(execute=True):
        checked(api.post(f"/api/v1/payment-requests/{created['id']}/cancel/"), 200)
    events = _events(everything, "payment_request")
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("payment_request.sent", 1),
        ("payment_request.cancelled", 2),
    ]
    got = checked(api.get(f"/api/v1/payment-requests/{created['id']}/"), 200)
    assert events[1]["data"]["object"] == {**got, "payments": []}  # the object as GET returns it


def test_reconcile_and_undo_are_two_payment_reconciled_events(
    everything, token_client, org, team, advisor, django_capture_on_commit_callbacks
):
    payment = make_payment(org=org, team=team, advisor=advisor)
    api = token_client(["read", "reconcile"])
    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            "/api/v1/payments/reconcile/",
            {"payment_ids": [payment.pk], "document_number": "RO-9"},
            format="json",
        )
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/payments/unreconcile/", {"payment_ids": [payment.pk]}, format="json")
    events = _events(everything, "payment")
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("payment.reconciled", 1),
        ("payment.reconciled", 2),
    ]
    assert (
        events[0]["data"]["object"]["dms_document_number"] == "RO-9"
        and events[0]["data"]["object"]["reconciled_at"]
    )
    assert events[1]["data"]["object"]["reconciled_at"] is None


def test_refund_dispute_and_payout_events(
    everything, stripe_server, org, team, advisor, manager, customer, django_capture_on_commit_callbacks
):
    account = connected_account(stripe_server, org)
    payment = paid_payment(
        stripe_server, account=account, team=team, advisor=advisor, amount=20_000, customer=customer
    )
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_create(payment_id=payment.pk, user=manager, amount_minor=5_000)
    refund.refresh_from_db()
    assert refund.status == "succeeded"  # the emulator answers as Stripe does for a test card
    [event] = _events(everything, "refund")
    assert event["type"] == "refund.succeeded" and event["data"]["object"]["amount_minor"] == 5_000
    disputed = make_payment(org=org, team=team, advisor=advisor, account=account)  # not refunded: see report
    with django_capture_on_commit_callbacks(execute=True):
        payment_dispute_apply(
            payment_id=disputed.pk,
            event_type="charge.dispute.created",
            dispute={"id": "dp_1", "status": "needs_response", "amount": 15_000},
        )
        payment_dispute_apply(
            payment_id=disputed.pk,
            event_type="charge.dispute.updated",
            dispute={"id": "dp_1", "status": "under_review"},
        )
        payment_dispute_apply(
            payment_id=disputed.pk,
            event_type="charge.dispute.closed",
            dispute={"id": "dp_1", "status": "lost"},
        )
    disputes = [e["type"] for e in _events(everything, "payment") if e["type"].startswith("dispute.")]
    assert disputes == ["dispute.created", "dispute.closed"]  # under_review is not closed: no event
    with django_capture_on_commit_callbacks(execute=True):
        payout_record(
            account_id=account.stripe_id,
            payout={
                "id": "po_1",
                "status": "failed",
                "amount": 9_000,
                "currency": "usd",
                "failure_message": "Account closed",
            },
            event_created=1,
        )
        payout_record(
            account_id=account.stripe_id,
            payout={"id": "po_1", "status": "failed", "amount": 9_000, "currency": "usd"},
            event_created=2,
        )
    [payout] = _events(everything, "payout")
    assert (
        payout["type"] == "payout.failed" and payout["data"]["object"]["amount_minor"] == 9_000
    )  # once per status
