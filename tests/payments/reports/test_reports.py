"""Stripe reports on the Payments tab: a report run requested, polled and downloaded; dates checked
before calling Stripe; the report-run webhook completing a run."""

import datetime as dt

import pytest
from django.utils import timezone

from payments.models import ReportRun
from tests.payments.emulator import paid_payment

pytestmark = pytest.mark.django_db


def test_stripe_report_run_is_requested_polled_and_downloaded(
    stripe_server, deliver, account, team, advisor, manager, client, django_capture_on_commit_callbacks
):
    paid_payment(stripe_server, account=account, team=team, advisor=advisor, amount=10_000)
    client.force_login(manager)
    yesterday = timezone.now().date() - dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/payments/reports/",
            {
                "stripe_account": account.pk,
                "report_type": "balance_change_from_activity.itemized.3",
                "interval_start": yesterday - dt.timedelta(days=3),
                "interval_end": yesterday,
            },
        )
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert run.stripe_report_run_id.startswith("frr_")
    assert run.status == ReportRun.Status.SUCCEEDED, run.error
    download = client.get(f"/payments/reports/{run.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "text/csv"
    assert download.content.splitlines()[0].startswith(b"balance_transaction_id") or b"," in download.content


def test_report_dates_are_checked_before_calling_stripe(client, manager, org):
    from tests.factories import StripeAccountFactory

    acc = StripeAccountFactory(organization=org)
    client.force_login(manager)
    today = timezone.now().date()
    response = client.post(
        "/payments/reports/",
        {
            "stripe_account": acc.pk,
            "report_type": "payout_reconciliation.itemized.5",
            "interval_start": today,
            "interval_end": today,
        },
    )
    assert response.status_code == 400
    assert "interval_end" in response.context["form"].errors
    assert not ReportRun.objects.exists()


def test_report_run_event_completes_the_run(stripe_server, deliver, account, admin_user):
    from payments import gateway

    info = gateway.report_run_create(
        account_id=account.stripe_id,
        report_type="payout_reconciliation.itemized.5",
        interval_start=int((timezone.now() - dt.timedelta(days=3)).timestamp()),
        interval_end=int((timezone.now() - dt.timedelta(days=2)).timestamp()),
        idempotency_key="test-run-1",
    )
    run = ReportRun.objects.create(
        organization=admin_user.organization,
        stripe_account=account,
        report_type="payout_reconciliation.itemized.5",
        interval_start=timezone.now().date() - dt.timedelta(days=3),
        interval_end=timezone.now().date() - dt.timedelta(days=2),
        stripe_report_run_id=info.id,
    )
    gateway.report_run_retrieve(account_id=account.stripe_id, report_run_id=info.id)  # lets the run finish
    deliver()
    run.refresh_from_db()
    assert run.status == "succeeded" and run.result_file_url
