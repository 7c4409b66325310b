"""Stripe events about report runs (routed here by payments/webhooks/routes.py):
reporting.report_run.succeeded and failed. The poll task may get there first; both are idempotent."""

from payments.reports.services import report_run_apply_event


def handle_report_run(event, obj: dict) -> None:
    report_run_apply_event(report_run=obj)
