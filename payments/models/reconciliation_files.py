"""The daily reconciliation file of an organization, as built by the beat job
(payments/reconciliation_files/)."""

from django.db import models


class ReconciliationFile(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="reconciliation_files"
    )
    day = models.DateField(help_text="The business day, in the dealership's time zone")
    row_count = models.PositiveIntegerField(default=0)
    total_minor = models.BigIntegerField(default=0, help_text="Sum of the amount column (net movement)")
    content = models.TextField(help_text="The CSV (UTF-8, no BOM)")
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "day"], name="reconciliation_file_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.day}"
