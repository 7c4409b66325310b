import threading

import pytest
from django.db import connection

from core.errors import ApplicationError, Conflict, PermissionDenied
from notifications.models import OutboundMessage
from payments.models import Payment, PaymentRequestEvent, Refund
from payments.refunds.services import payment_refundable_minor, refund_create
from tests.payments.emulator import connected_account, paid_payment


@pytest.fixture
def deliver(stripe_server, client, django_capture_on_commit_callbacks):
    """POST the held (signed) events to our webhook endpoints and run the processing tasks."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            stripe_server.deliver_held(client, **kwargs)

    return run


@pytest.fixture
def paid(stripe_server, org, team, advisor, customer):
    account = connected_account(stripe_server, org)
    return paid_payment(
        stripe_server, account=account, team=team, advisor=advisor, amount=20_000, customer=customer
    )


@pytest.mark.django_db
def test_partial_refunds_add_up_and_the_rest_is_refundable(
    stripe_server, paid, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = refund_create(
            payment_id=paid.pk, user=manager, amount_minor=7_525, note="brake pads returned"
        )
    assert first.status == Refund.Status.SUCCEEDED and first.stripe_refund_id.startswith("re_")
    paid.refresh_from_db()
    assert paid.refunded_minor == 7_525
    assert paid.status == Payment.Status.PARTIALLY_REFUNDED
    assert paid.net_minor == 20_000 - paid.fee_minor + paid.fee_refunded_minor - 7_525
    assert paid.fee_refunded_minor == (paid.fee_minor * 7_525 * 2 + 20_000) // 40_000  # proportional
    assert payment_refundable_minor(payment=paid) == 12_475

    with pytest.raises(ApplicationError) as exc:
        refund_create(payment_id=paid.pk, user=manager, amount_minor=12_476)
    assert exc.value.extra == {"fields": {"amount": ["You can refund at most $124.75."]}}
    with pytest.raises(ApplicationError):
        refund_create(payment_id=paid.pk, user=manager, amount_minor=0)

    with django_capture_on_commit_callbacks(execute=True):
        rest = refund_create(payment_id=paid.pk, user=manager)  # full = what is left
    assert rest.amount_minor == 12_475
    paid.refresh_from_db()
    assert paid.refunded_minor == 20_000 and paid.status == Payment.Status.REFUNDED
    assert payment_refundable_minor(payment=paid) == 0
    with pytest.raises(Conflict):
        refund_create(payment_id=paid.pk, user=manager)
    # Stripe saw exactly these two refunds, each keyed by our row.
    created = [
        e["data"]["object"]
        for e in stripe_server.events(account=paid.stripe_account.stripe_id)
        if e["type"] == "refund.created"
    ]
    assert sorted(r["amount"] for r in created) == [7_525, 12_475]
    assert {r["metadata"]["refund_id"] for r in created} == {str(first.pk), str(rest.pk)}
    # The customer was told by the request's channel (SMS), once per refund.
    notices = OutboundMessage.objects.filter(purpose="refund", payment_request=paid.payment_request)
    assert notices.count() == 2 and all(m.channel == "sms" for m in notices)
    assert "$75.25" in notices.order_by("id").first().body
    kinds = list(PaymentRequestEvent.objects.filter(payment=paid).values_list("kind", flat=True))
    assert kinds.count("refund_requested") == 2 and kinds.count("refunded") == 2


@pytest.mark.django_db
def test_refund_and_its_webhooks_make_one_refund(stripe_server, paid, manager, deliver):
    refund = refund_create(payment_id=paid.pk, user=manager, amount_minor=5_000)
    deliver(repeat=2)
    deliver(order="reverse")
    assert Refund.objects.filter(payment=paid).count() == 1
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    paid.refresh_from_db()
    assert paid.refunded_minor == 5_000


@pytest.mark.django_db
def test_webhook_before_our_answer_still_one_refund(stripe_server, paid, manager, deliver):
    """The refund.created event lands before we record Stripe's answer: matched by metadata."""
    from payments.refunds.services import RefundUpdate, refund_apply

    refund = refund_create(payment_id=paid.pk, user=manager, amount_minor=3_000)
    Refund.objects.filter(pk=refund.pk).update(stripe_refund_id=None, status="pending")
    deliver()
    refund.refresh_from_db()
    assert refund.stripe_refund_id and refund.status == "succeeded"
    refund_apply(
        payment_id=paid.pk,
        stripe_refund=RefundUpdate(id=refund.stripe_refund_id, status="succeeded", amount_minor=3_000),
    )
    assert Refund.objects.filter(payment=paid).count() == 1


@pytest.mark.django_db
def test_refund_made_in_the_stripe_dashboard_is_recorded(stripe_server, paid, deliver):
    stripe_server.api(
        "POST",
        "/v1/refunds",
        {"charge": paid.stripe_charge_id, "amount": 2_500},
        account=paid.stripe_account.stripe_id,
    )
    deliver(repeat=2)
    refund = Refund.objects.get(payment=paid)
    assert refund.amount_minor == 2_500 and refund.status == "succeeded" and refund.created_by is None
    paid.refresh_from_db()
    assert paid.refunded_minor == 2_500 and paid.status == Payment.Status.PARTIALLY_REFUNDED


@pytest.mark.django_db
def test_failed_refund_gives_the_money_back_to_refundable(stripe_server, paid, manager, deliver):
    refund = refund_create(payment_id=paid.pk, user=manager, amount_minor=4_000)
    deliver()
    stripe_server.fail_refund(refund.stripe_refund_id)
    deliver()
    deliver()
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    paid.refresh_from_db()
    assert paid.refunded_minor == 0 and paid.status == Payment.Status.SUCCEEDED
    assert payment_refundable_minor(payment=paid) == 20_000


@pytest.mark.django_db
def test_only_managers_of_the_team_and_admins_refund(stripe_server, paid, advisor, org):
    from organizations.models import Role
    from tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        refund_create(payment_id=paid.pk, user=advisor)
    outsider = UserFactory(organization=org, role=Role.MANAGER)  # a manager of no team
    with pytest.raises(PermissionDenied):
        refund_create(payment_id=paid.pk, user=outsider)
    assert not Refund.objects.exists()


@pytest.mark.parametrize("amounts", [(20_000, 30_000, 20_000, 30_000), (None, None, None, None)])
@pytest.mark.django_db(transaction=True)
def test_parallel_refunds_of_one_payment_make_one_refund(
    stripe_server, org, team, advisor, admin_user, manager, amounts
):
    account = connected_account(stripe_server, org)
    payment = paid_payment(stripe_server, account=account, team=team, advisor=advisor, amount=30_000)
    barrier = threading.Barrier(4)
    outcomes = []

    def attempt(user, amount):
        try:
            barrier.wait()
            refund_create(payment_id=payment.pk, user=user, amount_minor=amount)
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    # Explicit amounts, as the confirmation page posts them ($200 twice and the full $300 twice),
    # or four full refunds (None).
    # Whichever is first, nothing else fits in what is left ($100 or nothing). (A call with
    # amount_minor=None means "whatever is left" and may legitimately refund the rest.)
    users = [admin_user, manager, admin_user, manager]
    threads = [
        threading.Thread(target=attempt, args=(u, amount)) for u, amount in zip(users, amounts, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert outcomes.count("ok") == 1, outcomes
    payment.refresh_from_db()
    refunds = list(Refund.objects.filter(payment=payment))
    assert len(refunds) == 1
    created = [e for e in stripe_server.events(account=account.stripe_id) if e["type"] == "refund.created"]
    assert len(created) == 1
    assert payment.refunded_minor == refunds[0].amount_minor <= 30_000
