import csv
import io
from decimal import Decimal

import pytest

from notifications.models import OutboundMessage
from payments.models import PaymentRequestEvent, Payout, PayoutEmailRecipient
from tests.payments.emulator import paid_payment

pytestmark = pytest.mark.django_db


def test_paid_payout_links_its_payments_and_emails_the_chosen_people_once(
    stripe_server, deliver, account, team, advisor, admin_user, manager, client
):
    p1 = paid_payment(
        stripe_server, account=account, team=team, advisor=advisor, amount=10_000, reference="RO-1"
    )
    p2 = paid_payment(
        stripe_server, account=account, team=team, advisor=advisor, amount=2_550, reference="RO-2"
    )
    deliver()
    PayoutEmailRecipient.objects.create(organization=admin_user.organization, user=admin_user)
    PayoutEmailRecipient.objects.create(organization=admin_user.organization, user=manager)
    stripe_server.create_payout(account.stripe_id, outcome="paid")
    deliver()
    deliver(repeat=2, order="reverse")  # duplicates and late events change nothing

    payout = Payout.objects.get()
    assert payout.status == "paid" and payout.notified_status == "paid"
    net = 12_550 - p1.fee_minor - p2.fee_minor
    assert payout.amount_minor == net
    assert set(payout.payments.values_list("pk", flat=True)) == {p1.pk, p2.pk}
    assert PaymentRequestEvent.objects.filter(kind="payout", payment=p1).count() == 1
    emails = OutboundMessage.objects.filter(purpose="payout")
    assert sorted(emails.values_list("to", flat=True)) == sorted([admin_user.email, manager.email])
    body = emails.first().body
    assert f"${net // 100}.{net % 100:02d}" in body and "RO-1" in body and "RO-2" in body
    assert payout.arrival_date.isoformat() in emails.first().subject or "arriving" in emails.first().subject

    client.force_login(manager)
    page = client.get(f"/payments/payouts/{payout.pk}/")
    assert page.status_code == 200 and page.context["payout"].gross_minor == 12_550
    assert client.get("/payments/payouts/").status_code == 200
    csv_text = b"".join(client.get("/payments/export.csv").streaming_content).decode()
    assert payout.stripe_payout_id in csv_text


def test_each_payout_counts_what_stripe_settled_in_it_a_later_refund_in_the_next(
    stripe_server, deliver, account, team, advisor, manager, client, django_capture_on_commit_callbacks
):
    """The accountant's check, payout by payout: gross - fees - refunds = payout amount. A refund
    made after its payment was paid out is deducted from the next payout (its balance
    transaction is there), so it is counted there, once, and the first payout stays as it was."""
    from payments.refunds.services import refund_create

    first = paid_payment(stripe_server, account=account, team=team, advisor=advisor, amount=10_000)
    deliver()
    stripe_server.create_payout(account.stripe_id, outcome="paid")
    deliver()
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_create(payment_id=first.pk, user=manager, amount_minor=2_000)
    second = paid_payment(stripe_server, account=account, team=team, advisor=advisor, amount=5_000)
    deliver()
    stripe_server.create_payout(account.stripe_id, outcome="paid")
    deliver()
    deliver(repeat=2)  # duplicates link nothing twice
    old, new = Payout.objects.order_by("id")
    refund.refresh_from_db()
    assert refund.status == "succeeded" and refund.payout_id == new.pk
    # The refund gave back its share of the platform fee, credited in the same payout.
    assert refund.fee_refunded_minor == (first.fee_minor * 2_000 * 2 + 10_000) // 20_000
    assert new.amount_minor == 5_000 - second.fee_minor - 2_000 + refund.fee_refunded_minor

    client.force_login(manager)
    listed = {po.pk: po for po in client.get("/payments/payouts/").context["payouts"]}
    assert (listed[old.pk].gross_minor, listed[old.pk].refunds_minor) == (10_000, 0)
    assert (listed[new.pk].gross_minor, listed[new.pk].refunds_minor) == (5_000, 2_000)
    for po in (old, new):
        assert listed[po.pk].net_minor == po.amount_minor and listed[po.pk].other_minor == 0
    assert listed[new.pk].fees_returned_minor == refund.fee_refunded_minor > 0
    assert listed[new.pk].fees_kept_minor == second.fee_minor - refund.fee_refunded_minor
    page = client.get(f"/payments/payouts/{new.pk}/")
    shown = page.context["payout"]
    assert (shown.gross_minor, shown.refunds_minor, shown.net_minor, shown.other_minor) == (
        5_000,
        2_000,
        new.amount_minor,
        0,
    )
    assert [r.pk for r in page.context["refunds"]] == [refund.pk]
    assert PaymentRequestEvent.objects.filter(kind="payout", payment=first).count() == 2  # paid out, refund
    lines = list(
        csv.reader(io.StringIO(client.get(f"/payments/payouts/{new.pk}/export.csv").content.decode()))
    )
    assert lines[0][:2] == ["type", "date"]
    assert [line[0] for line in lines[1:]] == ["payment", "refund"]
    net = sum(int(Decimal(line[6]) * 100) for line in lines[1:])
    assert net == new.amount_minor  # the CSV ties out to what reached the bank
    assert client.get(f"/payments/payouts/{new.pk + 999}/export.csv").status_code == 404
    from payments.payouts.services import _payout_email_text

    _, body = _payout_email_text(payout=new)  # the payout email's text (no recipients chosen here)
    assert "Refunds deducted in this payout (1):" in body and "-$20.00" in body
    assert f"- refunds $20.00 = ${new.amount_minor // 100}.{new.amount_minor % 100:02d}" in body


def test_failed_payout_email(stripe_server, deliver, account, team, advisor, admin_user):
    paid_payment(stripe_server, account=account, team=team, advisor=advisor, amount=5_000)
    deliver()
    PayoutEmailRecipient.objects.create(organization=admin_user.organization, user=admin_user)
    payout = stripe_server.create_payout(account.stripe_id, outcome="pending")
    deliver()
    assert not OutboundMessage.objects.filter(purpose="payout").exists()
    stripe_server.settle_payout(payout["id"], outcome="failed")
    deliver()
    assert Payout.objects.get().status == "failed"
    (email,) = OutboundMessage.objects.filter(purpose="payout")
    assert email.to == admin_user.email and "failed" in email.subject


def test_payout_email_page_is_admin_only_and_saves_the_choice(client, admin_user, manager, advisor):
    client.force_login(manager)
    assert client.get("/admin-tab/payout-emails/").status_code == 403
    client.force_login(admin_user)
    assert client.get("/admin-tab/payout-emails/").status_code == 200
    response = client.post("/admin-tab/payout-emails/", {"user_ids": [manager.pk, advisor.pk]})
    assert response.status_code == 302
    assert set(PayoutEmailRecipient.objects.values_list("user_id", flat=True)) == {manager.pk, advisor.pk}
    client.post("/admin-tab/payout-emails/", {"user_ids": [admin_user.pk]})
    assert list(PayoutEmailRecipient.objects.values_list("user_id", flat=True)) == [admin_user.pk]


def test_payout_email_ignores_people_of_other_organizations(client, admin_user, other_org):
    from tests.factories import UserFactory

    stranger = UserFactory(organization=other_org)
    client.force_login(admin_user)
    client.post("/admin-tab/payout-emails/", {"user_ids": [stranger.pk]})
    assert not PayoutEmailRecipient.objects.exists()


def test_advisors_see_no_payouts_or_reports(client, advisor):
    client.force_login(advisor)
    assert client.get("/payments/payouts/").status_code == 403
    assert client.get("/payments/reports/").status_code == 403
