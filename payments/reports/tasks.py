"""Celery tasks of Stripe reports: submit a report run, then poll it until the file is ready. Thin:
ids in, services called, transient Stripe errors retried with back-off; each is safe to run twice."""

from celery import shared_task

from payments.gateway.errors import GatewayUnavailable
from payments.task_options import RETRY_WHILE_STRIPE_IS_UNAVAILABLE


@shared_task(name="payments.report_run_submit", max_retries=8, **RETRY_WHILE_STRIPE_IS_UNAVAILABLE)
def report_run_submit_task(self, report_run_id: int) -> None:
    from payments.models import ReportRun
    from payments.reports.services import report_run_submit

    run = report_run_submit(report_run_id=report_run_id)
    if run.status == ReportRun.Status.PENDING:
        report_run_poll_task.apply_async(args=[report_run_id], countdown=10)


@shared_task(name="payments.report_run_poll", bind=True, max_retries=90, soft_time_limit=50, time_limit=60)
def report_run_poll_task(self, report_run_id: int) -> None:
    """Poll until Stripe says the report is ready (the report-run event may come first)."""
    from payments.models import ReportRun
    from payments.reports.services import report_run_refresh

    try:
        run = report_run_refresh(report_run_id=report_run_id)
    except GatewayUnavailable as exc:
        raise self.retry(exc=exc, countdown=30)
    if run.status == ReportRun.Status.PENDING and not self.request.is_eager:
        raise self.retry(countdown=20)
