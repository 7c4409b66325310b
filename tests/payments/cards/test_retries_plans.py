"""Retries of declined saved-card charges with time travel (+1 d, +3 d, +7 d), hard declines never
retried, the "update your card" link and the staff notification; installment plans charged by the
scheduler in the dealership's zone; a parallel double submit makes one charge."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import Notification, OutboundMessage
from payments.cards import charges, plans, retries
from payments.models import CardCharge, CardSettings, Installment, SavedCard, SavedCardRequest
from tests.payments.cards.test_card_flows import save_card_from_link


def _charge(manager, team, card, key="k", amount=5_000):
    return charges.card_charge_on_behalf(
        user=manager,
        saved_card=card,
        team=team,
        amount_minor=amount,
        description="Fleet, month end",
        reference="FL-1",
        submission_key=key,
    )


@pytest.mark.django_db
def test_soft_decline_is_retried_on_the_schedule_then_the_customer_is_asked_for_a_new_card(
    client, stripe_server, manager, admin_user, customer, team, account, deliver
):
    save_card_from_link(client, stripe_server, manager, customer, card="4000 0000 0000 9995", deliver=deliver)
    card = SavedCard.objects.get(customer=customer)
    first = _charge(manager, team, card)
    assert (first.status, first.decline_code, first.advice_code) == (
        "failed",
        "insufficient_funds",
        "try_again_later",
    )
    start = first.updated_at
    assert first.next_retry_at == start + timedelta(days=1)
    assert retries.card_retries_run(now=start + timedelta(hours=23)) == []  # not yet
    tries = [first]
    for days, next_in in ((1, 3), (3, 7), (7, None)):
        made = retries.card_retries_run(now=start + timedelta(days=days, minutes=1))
        assert len(made) == 1
        retry = CardCharge.objects.get(pk=made[0])
        assert retry.status == "failed" and retry.attempt == len(tries) + 1
        # the next try is counted from the first decline; after the last one, nothing more
        assert (retry.next_retry_at - start if retry.next_retry_at else None) == (
            timedelta(days=next_in) if next_in else None
        )
        tries.append(retry)
    assert [c.attempt for c in tries] == [1, 2, 3, 4]
    assert len({c.payment_request_id for c in tries}) == 1  # one request, four attempts
    assert retries.card_retries_run(now=start + timedelta(days=30)) == []
    update = SavedCardRequest.objects.get(customer=customer, reason="update")
    sms = OutboundMessage.objects.filter(purpose="card_request").latest("id")
    assert "update it here" in sms.body and update.token in sms.body
    assert Notification.objects.filter(user=manager, title__contains="Saved card charge failed").count() == 1
    assert Notification.objects.filter(user=admin_user, title__contains="Saved card charge failed").exists()
    assert (
        stripe_server.charges_summary()["succeeded"] == 0 and stripe_server.charges_summary()["failed"] == 4
    )


@pytest.mark.django_db
def test_hard_decline_is_never_retried(client, stripe_server, manager, customer, team, account, deliver):
    save_card_from_link(client, stripe_server, manager, customer, card="4000 0000 0000 0341", deliver=deliver)
    card = SavedCard.objects.get(customer=customer)
    charge = _charge(manager, team, card)
    assert (
        charge.status == "failed"
        and charge.decline_code == "generic_decline"
        and charge.next_retry_at is None
    )
    assert retries.card_retries_run(now=timezone.now() + timedelta(days=10)) == []
    assert SavedCardRequest.objects.filter(customer=customer, reason="update").count() == 1


@pytest.mark.django_db
def test_retry_schedule_is_an_organization_setting(
    client, stripe_server, manager, customer, team, account, deliver
):
    CardSettings.objects.create(organization=customer.organization, retry_days="2")
    save_card_from_link(client, stripe_server, manager, customer, card="4000 0000 0000 9995", deliver=deliver)
    charge = _charge(manager, team, SavedCard.objects.get(customer=customer))
    assert charge.next_retry_at == charge.updated_at + timedelta(days=2)
    made = retries.card_retries_run(now=charge.updated_at + timedelta(days=2, minutes=1))
    assert CardCharge.objects.get(pk=made[0]).next_retry_at is None  # only one retry in this schedule


@pytest.mark.django_db
def test_installment_plan_first_part_today_then_the_scheduler_in_the_dealership_zone(
    client, stripe_server, manager, customer, team, account, deliver, django_capture_on_commit_callbacks
):
    save_card_from_link(client, stripe_server, manager, customer, deliver=deliver)
    card = SavedCard.objects.get(customer=customer)
    today = plans.organization_today(customer.organization)
    client.force_login(manager)
    form = {
        "card": card.pk,
        "team": team.pk,
        "total": "100.00",
        "count": "3",
        "first_date": today.isoformat(),
        "months_between": "1",
        "custom_amounts": "",
        "description": "Service plan",
        "reference": "SP-9",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/cards/customers/{customer.pk}/plan/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = card.plans.get()
    parts = list(plan.installments.order_by("number"))
    assert [p.amount_minor for p in parts] == [3334, 3333, 3333]
    assert [p.status for p in parts] == ["paid", "scheduled", "scheduled"]
    assert parts[1].due_date > today
    assert plans.installments_due_run(now=timezone.now()) == 0  # nothing else due today
    later = timezone.now() + (parts[1].due_date - today) + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert plans.installments_due_run(now=later) == 1
    parts[1].refresh_from_db()
    assert parts[1].status == "paid"
    page = client.get(f"/cards/plans/{plan.pk}/").content.decode()
    assert 'data-testid="installments"' in page and "Paid" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/cards/plans/{plan.pk}/", {"action": "cancel"})
    plan.refresh_from_db()
    assert plan.status == "cancelled" and plan.installments.filter(status="cancelled").count() == 1
    assert stripe_server.charges_summary()["succeeded"] == 2


def test_equal_installments_take_the_remainder_first():
    assert plans.installment_amounts_equal(total_minor=10_000, count=3) == [3334, 3333, 3333]
    assert sum(plans.installment_amounts_equal(total_minor=99_999, count=7)) == 99_999


@pytest.mark.django_db(transaction=True)
def test_parallel_double_submit_of_the_same_charge_makes_one_charge(
    client, stripe_server, manager, customer, team, account, deliver
):
    save_card_from_link(client, stripe_server, manager, customer, deliver=deliver)
    card = SavedCard.objects.get(customer=customer)
    results, errors = [], []
    barrier = threading.Barrier(4)

    def submit():
        try:
            barrier.wait()
            results.append(_charge(manager, team, card, key="form-same").pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(results)) == 1
    assert CardCharge.objects.count() == 1
    assert stripe_server.charges_summary("card_charge_id")["succeeded_by"] == {str(results[0]): 1}
    assert Installment.objects.count() == 0 and date.today()


@pytest.mark.parametrize(
    ("language", "typed", "minor"),
    [
        ("en", "500, 250.50, 249.50", [50_000, 25_050, 24_950]),
        ("en", "1,000.00; 250; 250", [100_000, 25_000, 25_000]),  # semicolons let a thousands comma through
        ("fr", "500 ; 250,50 ; 249,50", [50_000, 25_050, 24_950]),  # the French decimal comma
        ("fr-ca", "1 000,00;250;250", [100_000, 25_000, 25_000]),
    ],
)
def test_custom_installment_amounts_are_read_as_the_users_language_writes_them(language, typed, minor):
    from django.utils import translation

    with translation.override(language):
        assert plans.installment_amounts_read(typed) == minor


@pytest.mark.parametrize(
    ("language", "typed"), [("en", "12,34; 5"), ("fr", "1.234 ; 5"), ("en", "🚗, 5"), ("fr", "1e3 ; 5")]
)
def test_an_ambiguous_custom_amount_is_refused_not_guessed(language, typed):
    from django.utils import translation

    with translation.override(language), pytest.raises(ValueError):
        plans.installment_amounts_read(typed)
