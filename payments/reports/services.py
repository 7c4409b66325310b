"""Stripe Reporting report runs for a connected account: requested from the Payments tab, polled
by a task (or completed by the `reporting.report_run.*` event), downloaded through our page."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError, PermissionDenied
from organizations.models import User
from organizations.permissions import can_download_reports
from payments.models import ReportRun, StripeAccount

logger = logging.getLogger(__name__)


def _epoch(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC).timestamp())


def report_run_request(
    *, user: User, stripe_account_id: int, report_type: str, interval_start: dt.date, interval_end: dt.date
) -> ReportRun:
    """Ask Stripe for a report of [interval_start, interval_end] (UTC days, both included)."""
    if not can_download_reports(user):
        raise PermissionDenied("Only Managers and Admins can download reports.")
    if report_type not in ReportRun.ReportType.values:
        raise ApplicationError("Choose a report.", extra={"fields": {"report_type": ["Choose a report."]}})
    account = StripeAccount.objects.filter(organization_id=user.organization_id, pk=stripe_account_id).first()
    if account is None:
        raise ApplicationError(
            "Choose a Stripe account.", extra={"fields": {"stripe_account": ["Choose an account."]}}
        )
    if interval_end < interval_start:
        raise ApplicationError(
            "The end date is before the start date.",
            extra={"fields": {"interval_end": ["Must be on or after the start."]}},
        )
    if interval_end >= timezone.now().date():
        raise ApplicationError(
            "Stripe reports cover finished days: choose an end date before today (UTC).",
            extra={"fields": {"interval_end": ["Choose a day before today."]}},
        )
    with transaction.atomic():
        run = ReportRun.objects.create(
            organization_id=user.organization_id,
            stripe_account=account,
            report_type=report_type,
            interval_start=interval_start,
            interval_end=interval_end,
            requested_by=user,
        )
        from payments.reports.tasks import report_run_submit_task

        run_pk = run.pk
        transaction.on_commit(lambda: report_run_submit_task.delay(run_pk))
    return run


def report_run_submit(*, report_run_id: int) -> ReportRun:
    from payments import gateway

    run = ReportRun.objects.select_related("stripe_account").get(pk=report_run_id)
    if run.stripe_report_run_id:
        return run
    info = gateway.report_run_create(
        account_id=run.stripe_account.stripe_id,
        report_type=run.report_type,
        interval_start=_epoch(run.interval_start),
        interval_end=_epoch(run.interval_end + dt.timedelta(days=1)),
        idempotency_key=run.idempotency_key,
    )
    run.stripe_report_run_id = info.id
    run.save(update_fields=["stripe_report_run_id"])
    return report_run_apply(
        report_run_id=run.pk, status=info.status, file_url=info.result_file_url, error=info.error
    )


def report_run_refresh(*, report_run_id: int) -> ReportRun:
    from payments import gateway

    run = ReportRun.objects.select_related("stripe_account").get(pk=report_run_id)
    if run.status != ReportRun.Status.PENDING or not run.stripe_report_run_id:
        return run
    info = gateway.report_run_retrieve(
        account_id=run.stripe_account.stripe_id, report_run_id=run.stripe_report_run_id
    )
    return report_run_apply(
        report_run_id=run.pk, status=info.status, file_url=info.result_file_url, error=info.error
    )


def report_run_apply(*, report_run_id: int, status: str, file_url: str = "", error: str = "") -> ReportRun:
    """Record a report run's state; a finished run never goes back to pending."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=report_run_id)
        if run.status == ReportRun.Status.PENDING and status in (
            ReportRun.Status.SUCCEEDED,
            ReportRun.Status.FAILED,
        ):
            run.status = status
            run.result_file_url = file_url or ""
            run.error = (error or "")[:500]
            run.completed_at = timezone.now()
            run.save(update_fields=["status", "result_file_url", "error", "completed_at"])
    return run


def report_run_apply_event(*, report_run: dict) -> ReportRun | None:
    run = ReportRun.objects.filter(stripe_report_run_id=report_run.get("id", "")).first()
    if run is None:
        return None
    result = report_run.get("result") or {}
    return report_run_apply(
        report_run_id=run.pk,
        status=report_run.get("status", ""),
        file_url=(result.get("url") if isinstance(result, dict) else "") or "",
        error=report_run.get("error") or "",
    )


def report_run_file(*, report_run: ReportRun) -> bytes:
    """The report's CSV from Stripe (fetched when asked; not stored)."""
    from payments import gateway

    if report_run.status != ReportRun.Status.SUCCEEDED or not report_run.result_file_url:
        raise ApplicationError("This report isn't ready yet.")
    return gateway.file_download(file_url=report_run.result_file_url)
