"""Receipt numbers per dealership (payments/receipts.py): MRM-2026-000123, a prefix from the name
(editable by an Admin), the year in the dealership's time zone, a sequence per organization and
year with no duplicate when payments are recorded at the same moment; shown with Stripe's id."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from organizations.models import receipt_prefix_from_name
from payments.models import Payment, ReceiptCounter
from payments.receipts import payment_receipt_number_assign
from tests.factories import OrganizationFactory, PaymentFactory


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("Maple Ridge Motors", "MRM"),
        ("Lakeview Auto Group", "LAG"),
        ("Garage Côté & Fils", "GCF"),
        ("Lakeview", "LAK"),
        ("The Car Co.", "CC"),
        ("", "TP"),
    ],
)
def test_the_prefix_comes_from_the_dealership_name(name, prefix):
    assert receipt_prefix_from_name(name) == prefix


@pytest.mark.django_db
def test_numbers_follow_each_other_per_organization_and_year_in_its_time_zone():
    org = OrganizationFactory(name="Maple Ridge Motors", time_zone="America/Chicago")
    other = OrganizationFactory(name="Lakeview Auto Group")
    chicago = ZoneInfo("America/Chicago")
    # 2026-12-31 23:30 in Chicago is already 2027 in UTC: the dealership's year counts.
    late = dt.datetime(2026, 12, 31, 23, 30, tzinfo=chicago)
    numbers = []
    for when in (late - dt.timedelta(days=1), late, late + dt.timedelta(hours=1)):
        payment = PaymentFactory(payment_request__organization=org, occurred_at=when)
        numbers.append(payment_receipt_number_assign(payment=payment, organization=org))
    assert numbers == ["MRM-2026-000001", "MRM-2026-000002", "MRM-2027-000001"]
    theirs = PaymentFactory(payment_request__organization=other)
    assert payment_receipt_number_assign(payment=theirs, organization=other).startswith("LAG-")
    assert payment_receipt_number_assign(payment=theirs, organization=other) == theirs.receipt_number  # once
    org.refresh_from_db()
    assert org.receipt_prefix == "MRM"  # derived once, then kept
    # A prefix changed later applies to new receipts; old ones keep what was printed.
    org.receipt_prefix = "MAPLE"
    org.save()
    new = PaymentFactory(payment_request__organization=org, occurred_at=late)
    assert payment_receipt_number_assign(payment=new, organization=org) == "MAPLE-2026-000003"
    assert Payment.objects.filter(receipt_number="MRM-2026-000001").exists()


@pytest.mark.django_db
def test_a_rolled_back_payment_gives_its_number_back():
    org = OrganizationFactory(name="Maple Ridge Motors")
    with pytest.raises(RuntimeError), transaction.atomic():
        payment = PaymentFactory(payment_request__organization=org)
        payment_receipt_number_assign(payment=payment, organization=org)
        raise RuntimeError("the recording failed")
    payment = PaymentFactory(payment_request__organization=org)
    assert payment_receipt_number_assign(payment=payment, organization=org).endswith("-000001")


@pytest.mark.django_db(transaction=True)
def test_payments_recorded_at_the_same_moment_get_different_numbers():
    org = OrganizationFactory(name="Maple Ridge Motors")
    payments = [PaymentFactory(payment_request__organization=org) for _ in range(6)]
    barrier = threading.Barrier(len(payments))
    errors = []

    def record(payment_id):
        try:
            barrier.wait()
            with transaction.atomic():
                payment = Payment.objects.select_for_update().get(pk=payment_id)
                payment_receipt_number_assign(payment=payment, organization=org)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(p.pk,)) for p in payments]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    numbers = sorted(Payment.objects.filter(organization=org).values_list("receipt_number", flat=True))
    year = payments[0].occurred_at.astimezone(ZoneInfo(org.time_zone)).year
    assert numbers == [f"MRM-{year}-{n:06d}" for n in range(1, 7)]
    assert ReceiptCounter.objects.get(organization=org, year=year).last_number == 6


@pytest.mark.django_db
def test_a_paid_request_gets_its_number_on_the_receipt_page_sms_payment_page_csv_and_api(
    stripe_server, client, advisor, customer, team, manager, django_capture_on_commit_callbacks
):
    from notifications.models import OutboundMessage
    from payments.models import PaymentRequest
    from tests.payments.request_helpers import connected_account, request_form

    connected_account(stripe_server, advisor.organization)
    client.force_login(advisor)
    response = client.post(f"/requests/new/?customer={customer.pk}", request_form(customer, team))
    assert response.status_code == 302
    pr = PaymentRequest.objects.latest("id")
    client.logout()
    checkout = client.post(f"/pay/{pr.token}/checkout/")
    assert stripe_server.pay_checkout(checkout["Location"]).paid
    with django_capture_on_commit_callbacks(execute=True):
        stripe_server.deliver_held(client)
    payment = Payment.objects.get(payment_request=pr)
    prefix = receipt_prefix_from_name(advisor.organization.name)
    assert payment.receipt_number.startswith(f"{prefix}-") and payment.receipt_number.endswith("-000001")

    receipt = client.get(f"/pay/{pr.token}/receipt/{payment.pk}/").content.decode()
    assert (
        payment.receipt_number in receipt
        and (payment.stripe_charge_id or payment.stripe_payment_intent_id) in receipt
    )
    sms = OutboundMessage.objects.get(purpose="receipt", channel="sms", payment_request=pr)
    assert payment.receipt_number in sms.body
    email = OutboundMessage.objects.get(purpose="receipt", channel="email", payment_request=pr)
    assert payment.receipt_number in email.body

    client.force_login(manager)
    detail = client.get(f"/payments/{payment.pk}/").content.decode()
    assert payment.receipt_number in detail and payment.stripe_payment_intent_id in detail
    listing = client.get("/payments/").content.decode()
    assert payment.receipt_number in listing
    found = client.get("/payments/", {"q": payment.receipt_number.rsplit("-", 1)[0] + "-1"})
    assert payment.reference in found.content.decode()
    csv_text = b"".join(client.get("/payments/export.csv").streaming_content).decode()
    header, row = csv_text.splitlines()[:2]
    assert header.endswith(",fee_refunded,receipt_number,stripe_id")
    assert row.endswith(f",{payment.receipt_number},{payment.stripe_payment_intent_id}")
