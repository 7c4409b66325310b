"""The daily reconciliation file: the movements of one day in the dealership's zone, whose payment
rows add up to the Payments tab's totals for that day, across the day's boundaries (here the
day Los Angeles moves its clocks forward, a 23-hour day)."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from notifications.models import OutboundMessage
from payments.models import PaymentRequestEvent, Payout, PayoutEmailRecipient, ReconciliationFile, Refund
from payments.reconciliation_files.services import organization_day_rows, reconciliation_files_due, rows_csv
from payments.reconciliation_files.tasks import reconciliation_file_build_task
from payments.tab.filters import payment_filter
from payments.tab.selectors import payment_totals
from tests.factories import CustomerFactory
from tests.payments.dealer_api.conftest import checked
from tests.payments.tab.conftest import make_payment

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")
DAY = dt.date(2026, 3, 8)  # 23 hours long in Los Angeles


def local(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LA)


@pytest.fixture
def day_world(org, team, advisor, admin_user):
    org.time_zone = "America/Los_Angeles"
    org.save(update_fields=["time_zone"])
    marie = CustomerFactory(organization=org, name="Marie-Ève Tremblay", external_id="DMS-42")
    made = {
        "before": make_payment(org=org, team=team, advisor=advisor, amount=1_000, when=local(DAY - dt.timedelta(days=1), 23, 59)),
        "first": make_payment(org=org, team=team, advisor=advisor, amount=12_550, customer=marie, when=local(DAY, 0, 0)),
        "after_dst": make_payment(org=org, team=team, advisor=advisor, amount=20_000, when=local(DAY, 3, 30)),
        "last": make_payment(org=org, team=team, advisor=advisor, amount=5_000, when=local(DAY, 23, 59)),
        "failed": make_payment(org=org, team=team, advisor=advisor, amount=7_000, status="failed", fee_minor=0, when=local(DAY, 9)),
        "next_day": make_payment(org=org, team=team, advisor=advisor, amount=3_000, when=local(DAY + dt.timedelta(days=1), 0, 0)),
    }  # fmt: skip
    refund = Refund.objects.create(
        organization=org, payment=made["before"], amount_minor=400, currency="USD", status="succeeded",
        stripe_refund_id="re_test_1",
    )  # fmt: skip
    Refund.objects.filter(pk=refund.pk).update(created_at=local(DAY, 10))
    made["first"].refunded_minor = 2_550
    made["first"].save(update_fields=["refunded_minor"])  # refunded later: still the tab's figure for the day
    dispute = PaymentRequestEvent.objects.create(
        organization=org, payment_request=made["after_dst"].payment_request, payment=made["after_dst"],
        kind="disputed", data={"dispute_id": "dp_1", "amount_minor": 20_000},
    )  # fmt: skip
    PaymentRequestEvent.objects.filter(pk=dispute.pk).update(created_at=local(DAY, 12))
    Payout.objects.create(
        organization=org, stripe_account=made["first"].stripe_account, stripe_payout_id="po_day",
        amount_minor=9_999, currency="USD", status="paid", arrival_date=DAY,
    )  # fmt: skip
    return made


def test_payment_rows_add_up_to_the_payments_tab_for_the_day(org, admin_user, day_world):
    rows = organization_day_rows(organization=org, day=DAY)
    kinds = [row.kind for row in rows]
    assert kinds.count("payment") == 3 and kinds.count("failed_attempt") == 1
    assert kinds.count("platform_fee") == 3 and kinds.count("refund") == 1
    assert kinds.count("dispute") == 1 and kinds.count("payout") == 1
    ids = {row.values.get("payment_id") for row in rows if row.kind in ("payment", "failed_attempt")}
    assert ids == {day_world[k].pk for k in ("first", "after_dst", "last", "failed")}

    params = QueryDict(mutable=True)
    params.update({"date_from": DAY.isoformat(), "date_to": DAY.isoformat()})
    tab = payment_filter(user=admin_user, params=params)
    assert tab.is_valid()
    totals = payment_totals(queryset=tab.qs, zone=LA)
    payment_rows = [row for row in rows if row.kind == "payment"]
    assert sum(row.amount_minor for row in payment_rows) == totals.collected_minor == 37_550
    assert sum(row.values["fee"] for row in payment_rows) == totals.fees_minor
    assert sum(row.values["refunded"] for row in payment_rows) == totals.refunds_minor == 2_550
    assert sum(row.values["net"] for row in payment_rows) == totals.net_minor
    assert len(payment_rows) + kinds.count("failed_attempt") == totals.count


def test_the_csv_has_offsets_ids_and_every_column_of_the_table(org, day_world):
    content = rows_csv(organization_day_rows(organization=org, day=DAY), zone=LA)
    table = list(csv.DictReader(io.StringIO(content)))
    first = next(r for r in table if r["kind"] == "payment" and r["payment_id"] == str(day_world["first"].pk))
    assert first["occurred_at"] == "2026-03-08T00:00:00-08:00"
    assert first["customer"] == "Marie-Ève Tremblay" and first["customer_external_id"] == "DMS-42"
    assert (first["advisor"], first["team"], first["method"]) == (
        "Avery Advisor",
        "Service",
        "Visa •••• 4242",
    )
    assert first["amount"] == "125.50" and first["stripe_id"] == day_world["first"].stripe_payment_intent_id
    after = next(
        r for r in table if r["payment_id"] == str(day_world["after_dst"].pk) and r["kind"] == "payment"
    )
    assert after["occurred_at"] == "2026-03-08T03:30:00-07:00"  # after the clocks moved
    failed = next(r for r in table if r["kind"] == "failed_attempt")
    assert (failed["failed"], failed["amount"], failed["attempted"]) == ("yes", "0.00", "70.00")
    assert next(r for r in table if r["kind"] == "refund")["amount"] == "-4.00"
    assert next(r for r in table if r["kind"] == "dispute")["amount"] == "-200.00"
    assert next(r for r in table if r["kind"] == "payout")["stripe_payout_id"] == "po_day"

    excel = rows_csv(organization_day_rows(organization=org, day=DAY), zone=LA, excel=True)
    assert excel.startswith("\ufeffkind,") and "\r\n" in excel
    assert excel.encode("utf-8").decode("utf-8-sig").splitlines()[0] == content.splitlines()[0]


def test_the_beat_job_builds_yesterdays_file_once_and_emails_the_payout_recipients(
    org, admin_user, day_world, django_capture_on_commit_callbacks
):
    PayoutEmailRecipient.objects.create(organization=org, user=admin_user)
    now = local(DAY + dt.timedelta(days=1), 1)  # 1 AM the next day in Los Angeles
    assert reconciliation_files_due(now=now) == [(org.pk, DAY)]
    for _ in range(2):  # the beat job at 1 AM, then an hour later (the file exists: nothing new)
        with django_capture_on_commit_callbacks(execute=True):
            for organization_id, day in reconciliation_files_due(now=now):
                reconciliation_file_build_task(organization_id, day.isoformat())
    stored = ReconciliationFile.objects.get()
    assert stored.day == DAY and stored.row_count == 10 and stored.emailed_at is not None
    [email] = OutboundMessage.objects.filter(purpose="reconciliation_file")
    assert email.to == admin_user.email and "/payments/reconciliation-files/2026-03-08/" in email.body


def test_download_from_the_payments_tab_and_the_api(
    client, org, admin_user, manager, advisor, day_world, token_client
):
    client.force_login(admin_user)
    assert "Daily files" in client.get("/payments/").content.decode()
    assert client.get("/payments/reconciliation-files/").status_code == 200
    picked = client.get("/payments/reconciliation-files/", {"day": "2026-03-08", "excel": "1"})
    assert picked.status_code == 302 and picked.url == "/payments/reconciliation-files/2026-03-08/?excel=1"
    response = client.get(picked.url)
    assert response["Content-Type"].startswith("text/csv") and response.content.startswith("\ufeff".encode())
    assert "Marie-Ève" in response.content.decode("utf-8-sig")
    client.force_login(advisor)
    assert client.get("/payments/reconciliation-files/2026-03-08/").status_code == 403
    text = checked(token_client(["read"]).get("/api/v1/reconciliation-files/2026-03-08/"), 200)
    assert text.splitlines()[0].startswith("kind,occurred_at,amount") and len(text.splitlines()) == 11
    assert checked(token_client(["read"]).get("/api/v1/reconciliation-files/2026-13-08/"), 400)
