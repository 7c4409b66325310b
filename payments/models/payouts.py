"""Payouts Stripe made to a dealership's bank, and who is emailed about them."""

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy

from payments.models.accounts import StripeAccount

# Stripe's payout statuses, on the staff pages (in the reader's language).
PAYOUT_STATUS_LABELS = {
    "paid": pgettext_lazy("payout", "Paid"),
    "failed": pgettext_lazy("payout", "Failed"),
    "pending": pgettext_lazy("payout", "Pending"),
    "in_transit": pgettext_lazy("payout", "In transit"),
    "canceled": pgettext_lazy("payout", "Cancelled"),
}


class Payout(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="payouts"
    )
    stripe_account = models.ForeignKey(StripeAccount, on_delete=models.PROTECT, related_name="payouts")
    stripe_payout_id = models.CharField(max_length=255, unique=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20)  # paid, failed, pending, in_transit, canceled
    arrival_date = models.DateField(null=True, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    last_event_created = models.BigIntegerField(default=0)
    notified_status = models.CharField(
        max_length=20, blank=True, help_text="status the payout email went out for"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-arrival_date", "-id"]

    @property
    def status_label(self) -> str:
        label = PAYOUT_STATUS_LABELS.get(self.status)
        return str(label) if label is not None else self.status.replace("_", " ")


class PayoutEmailRecipient(models.Model):
    """A person of the organization who gets an email when a payout is paid or fails, and (unless
    turned off, here or by the link in the email) the daily reconciliation file's email."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="payout_email_recipients"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reconciliation_file_emails = models.BooleanField(
        default=True, help_text="Also email them the daily reconciliation file (a link)"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="unique_payout_email_recipient")
        ]
