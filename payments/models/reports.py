"""Stripe report runs (reconciliation reports) requested from the Payments tab."""

from django.conf import settings
from django.db import models

from payments.models.accounts import StripeAccount


class ReportRun(models.Model):
    """A Stripe Reporting report run requested from the Payments tab for a connected account."""

    class ReportType(models.TextChoices):
        PAYOUT_RECONCILIATION = "payout_reconciliation.itemized.5", "Payout reconciliation (itemized)"
        BALANCE_CHANGE = "balance_change_from_activity.itemized.3", "Balance change from activity (itemized)"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Ready"
        FAILED = "failed", "Failed"

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="report_runs"
    )
    stripe_account = models.ForeignKey(StripeAccount, on_delete=models.PROTECT, related_name="report_runs")
    report_type = models.CharField(max_length=60, choices=ReportType.choices)
    interval_start = models.DateField()
    interval_end = models.DateField(help_text="Inclusive")
    stripe_report_run_id = models.CharField(max_length=255, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    result_file_url = models.URLField(max_length=2000, blank=True)
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def idempotency_key(self) -> str:
        return f"report-run-{self.pk}"
