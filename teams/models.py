from django.conf import settings
from django.db import models


class Team(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(max_length=120)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")
    payments_enabled = models.BooleanField(default=False)
    # Which connected account this team's payments go to; None = the organization's first one.
    stripe_account = models.ForeignKey(
        "payments.StripeAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="teams"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_team_name_per_org")
        ]

    def __str__(self):
        return self.name
