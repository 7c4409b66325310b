"""The daily reconciliation files, as built by the beat job (payments/reconciliation_files/): one
per organization and day, plus one per team the Admin chose (ReconciliationFileTeam)."""

from django.db import models
from django.db.models import Q


class ReconciliationFile(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="reconciliation_files"
    )
    team = models.ForeignKey(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: the organization's file (every team, and the payouts)",
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
            models.UniqueConstraint(
                fields=["organization", "day"],
                condition=Q(team__isnull=True),
                name="reconciliation_file_unique_day",
            ),
            models.UniqueConstraint(
                fields=["organization", "team", "day"],
                condition=Q(team__isnull=False),
                name="reconciliation_file_unique_team_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.team_id or 'all'} {self.day}"


class ReconciliationFileTeam(models.Model):
    """A team that gets its own daily file, besides the organization's (Admin's choice)."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.OneToOneField("teams.Team", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team__name", "pk"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.team_id}"
