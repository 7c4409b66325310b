"""The platform fee on refunds: `PLATFORM_REFUND_APPLICATION_FEE` is sent as Stripe's
`refund_application_fee`; the emulator gives the fee back as Stripe does (an application fee
refund on the platform, a credit on the connected account's balance) and we record Stripe's figure,
so a refunded payment nets exactly zero."""

import pytest

from payments.models import Payment, PaymentRequestEvent, Refund
from payments.refunds.services import refund_create, refund_fee_back_minor
from tests.payments.emulator import connected_account, paid_payment


@pytest.fixture
def deliver(stripe_server, client, django_capture_on_commit_callbacks):
    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            stripe_server.deliver_held(client, **kwargs)

    return run


@pytest.fixture
def paid(stripe_server, org, team, advisor, customer):
    account = connected_account(stripe_server, org)
    return paid_payment(
        stripe_server, account=account, team=team, advisor=advisor, amount=15_000, customer=customer
    )


def _balance_transactions(stripe_server, account: str | None, type_: str) -> list[dict]:
    status, _, body = stripe_server.api(
        "GET", "/v1/balance_transactions", {"type": type_, "limit": 100}, account=account
    )
    assert status == 200, body
    return body["data"]


@pytest.mark.django_db
def test_a_full_refund_gives_the_whole_fee_back_and_nets_zero(stripe_server, paid, manager, deliver):
    assert paid.fee_minor == 518  # $150 * 3.25 % = 4.875 -> 4.88, + 0.30
    refund = refund_create(payment_id=paid.pk, user=manager)
    assert refund.refund_application_fee is True
    paid.refresh_from_db()
    refund.refresh_from_db()
    assert (paid.refunded_minor, paid.fee_refunded_minor, paid.net_minor) == (15_000, 518, 0)
    assert refund.fee_refunded_minor == 518
    # Stripe's side: the platform's application fee refunded, the dealership's balance credited.
    account = paid.stripe_account.stripe_id
    credit = _balance_transactions(stripe_server, account, "application_fee_refund")
    debit = _balance_transactions(stripe_server, None, "application_fee_refund")
    assert [t["amount"] for t in credit] == [518] and [t["amount"] for t in debit] == [-518]
    assert credit[0]["source"] == debit[0]["source"] and credit[0]["source"].startswith("fr_")
    status, _, fee = stripe_server.api(
        "GET", f"/v1/application_fees/{_charge(stripe_server, paid)['application_fee']}"
    )
    assert status == 200 and fee["amount_refunded"] == 518 and fee["refunded"] is True
    assert fee["refunds"]["data"][0]["object"] == "fee_refund"
    # The product's requests all passed Stripe's definition (refund_application_fee is typed).
    assert stripe_server.product_requests().get("invalid", 0) == 0
    # The events (refund.*, charge.refunded, application_fee.refunded) change nothing more.
    deliver(repeat=2)
    paid.refresh_from_db()
    assert (paid.fee_refunded_minor, paid.net_minor) == (518, 0)
    assert PaymentRequestEvent.objects.filter(payment=paid, kind="fee_refunded").count() == 1


def _charge(stripe_server, payment: Payment) -> dict:
    status, _, charge = stripe_server.api(
        "GET", f"/v1/charges/{payment.stripe_charge_id}", account=payment.stripe_account.stripe_id
    )
    assert status == 200
    return charge


@pytest.mark.django_db
def test_partial_refunds_give_back_a_proportional_part_then_the_rest(stripe_server, paid, manager):
    assert refund_fee_back_minor(payment=paid, amount_minor=5_000) == 173  # 518 / 3 = 172.67
    first = refund_create(payment_id=paid.pk, user=manager, amount_minor=5_000)
    first.refresh_from_db()
    assert first.fee_refunded_minor == 173
    paid.refresh_from_db()
    assert paid.net_minor == 15_000 - 518 + 173 - 5_000
    assert refund_fee_back_minor(payment=paid, amount_minor=10_000) == 345  # the rest
    second = refund_create(payment_id=paid.pk, user=manager)
    second.refresh_from_db()
    paid.refresh_from_db()
    assert second.fee_refunded_minor == 345
    assert (paid.fee_refunded_minor, paid.net_minor) == (518, 0)


@pytest.mark.django_db
def test_with_the_setting_off_the_platform_keeps_its_fee(stripe_server, paid, manager, settings):
    settings.PLATFORM_REFUND_APPLICATION_FEE = False
    assert refund_fee_back_minor(payment=paid, amount_minor=15_000) == 0
    refund = refund_create(payment_id=paid.pk, user=manager)
    refund.refresh_from_db()
    paid.refresh_from_db()
    assert refund.refund_application_fee is False and refund.fee_refunded_minor == 0
    assert (paid.fee_refunded_minor, paid.net_minor) == (0, -518)
    assert _balance_transactions(stripe_server, paid.stripe_account.stripe_id, "application_fee_refund") == []


@pytest.mark.django_db
def test_a_dashboard_refund_with_the_fee_is_recorded_from_the_platform_event(stripe_server, paid, deliver):
    stripe_server.api(
        "POST",
        "/v1/refunds",
        {"charge": paid.stripe_charge_id, "amount": 15_000, "refund_application_fee": "true"},
        account=paid.stripe_account.stripe_id,
    )
    deliver(repeat=2)
    refund = Refund.objects.get(payment=paid)
    paid.refresh_from_db()
    assert refund.fee_refunded_minor == 518
    assert (paid.refunded_minor, paid.fee_refunded_minor, paid.net_minor) == (15_000, 518, 0)


@pytest.mark.django_db
def test_the_rule_is_on_the_refund_confirmation_and_the_payment_page(
    stripe_server, paid, manager, client, settings
):
    client.force_login(manager)
    confirm = client.post(
        f"/payments/{paid.pk}/refund/", {"amount": "50.00", "reason": "requested_by_customer"}
    )
    text = confirm.content.decode()
    assert 'data-testid="confirm-fee-rule"' in text and "$1.73 of the $5.18 fee" in text
    detail = client.get(f"/payments/{paid.pk}/").content.decode()
    assert "a refund gives the platform fee back" in detail
    done = client.post(
        f"/payments/{paid.pk}/refund/",
        {"amount": "150.00", "reason": "requested_by_customer", "confirm": "yes"},
    )
    assert done.status_code == 302
    detail = client.get(f"/payments/{paid.pk}/").content.decode()
    assert "$5.18 given back with the refunds" in detail
    assert '<span data-testid="net">$0.00</span>' in detail
    settings.PLATFORM_REFUND_APPLICATION_FEE = False
    other = client.get(f"/payments/{paid.pk}/").content.decode()
    assert "the platform keeps its fee" in other


@pytest.mark.django_db
def test_a_refunded_payment_nets_zero_on_the_tab_the_csv_and_the_daily_file(
    stripe_server, paid, manager, client
):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from payments.reconciliation_files.rows import day_rows
    from payments.reconciliation_files.services import rows_csv

    refund_create(payment_id=paid.pk, user=manager)
    client.force_login(manager)
    page = client.get("/payments/", {"date_from": ""})
    totals = page.context["totals"]
    assert (totals.collected_minor, totals.fees_minor, totals.refunds_minor, totals.net_minor) == (
        15_000,
        0,
        15_000,
        0,
    )
    csv_text = b"".join(client.get("/payments/export.csv", {"date_from": ""}).streaming_content).decode()
    header, row = csv_text.splitlines()[:2]
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    assert (cells["amount"], cells["fee"], cells["net"], cells["refunded_amount"], cells["fee_refunded"]) == (
        "150.00",
        "5.18",
        "0.00",
        "150.00",
        "5.18",
    )
    zone = ZoneInfo(paid.organization.time_zone)
    rows = day_rows(
        organization_id=paid.organization_id,
        payments=Payment.objects.filter(organization=paid.organization),
        day=dt.datetime.now(zone).date(),
        zone=zone,
        with_payouts=False,
    )
    assert sorted((r.kind, r.amount_minor) for r in rows) == [
        ("payment", 15_000),
        ("platform_fee", -518),
        ("platform_fee_refund", 518),
        ("refund", -15_000),
    ]
    assert sum(r.amount_minor for r in rows) == 0
    assert "platform_fee_refund" in rows_csv(rows, zone=zone)
