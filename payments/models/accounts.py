"""A dealership's connected Stripe account (Connect Express)."""

from django.conf import settings
from django.db import models


class StripeAccount(models.Model):
    """A Stripe Connect Express account of an organization (one per store, say)."""

    class Status(models.TextChoices):
        ONBOARDING = "onboarding", "Onboarding incomplete"
        RESTRICTED = "restricted", "Restricted"
        CONNECTED = "connected", "Connected"
        DISCONNECTED = "disconnected", "Disconnected"

    class PayoutInterval(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        MANUAL = "manual", "Manual"

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="stripe_accounts"
    )
    stripe_id = models.CharField(max_length=64, unique=True)
    display_name = models.CharField(
        max_length=120, blank=True, help_text="e.g. the store this account is for"
    )
    country = models.CharField(max_length=2)
    default_currency = models.CharField(max_length=3)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    requirements_currently_due = models.JSONField(default=list, blank=True)
    requirements_disabled_reason = models.CharField(max_length=100, blank=True)
    payout_interval = models.CharField(
        max_length=10, choices=PayoutInterval.choices, default=PayoutInterval.DAILY
    )
    payout_weekly_anchor = models.CharField(max_length=10, blank=True)
    payout_monthly_anchor = models.PositiveSmallIntegerField(null=True, blank=True)
    payout_delay_days = models.PositiveSmallIntegerField(null=True, blank=True)
    statement_descriptor = models.CharField(max_length=22, blank=True)
    customer_label = models.CharField(
        max_length=80, blank=True, help_text="What customers see, e.g. 'Pay by card'"
    )
    authorized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    authorized_at = models.DateTimeField(null=True, blank=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)
    # `created` of the newest Stripe event applied, so an older event never overwrites a newer state.
    last_event_created = models.BigIntegerField(default=0)
    # The missed-event sync's cursor: this account's events created before it (Unix s) were listed.
    events_synced_until = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.display_name or self.stripe_id

    @property
    def status(self) -> str:
        if self.disconnected_at:
            return self.Status.DISCONNECTED
        if self.charges_enabled and self.payouts_enabled:
            return self.Status.CONNECTED
        if self.details_submitted:
            return self.Status.RESTRICTED
        return self.Status.ONBOARDING
