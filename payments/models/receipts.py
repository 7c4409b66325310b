"""Receipt numbers: one counter per dealership and year (payments/receipts.py assigns them)."""

from django.db import models


class ReceiptCounter(models.Model):
    """The last receipt number given in `year` by `organization`. Its row is locked
    (`select_for_update`) by the transaction that records a payment, so two payments at once get
    two numbers; a transaction that rolls back gives its number back."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="receipt_counters"
    )
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="receipt_counter_org_year_unique")
        ]
