"""A refund of (part of) a payment."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from payments.models.payments import Payment


class Refund(models.Model):
    """Written before Stripe is called; `idempotency_key` is derived from its id so a retry
    never refunds twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Canceled")
        REQUIRES_ACTION = "requires_action", _("Requires action")

    class Reason(models.TextChoices):
        REQUESTED_BY_CUSTOMER = "requested_by_customer", _("Requested by customer")
        DUPLICATE = "duplicate", _("Duplicate")
        FRAUDULENT = "fraudulent", _("Fraudulent")

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="refunds"
    )
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=30, choices=Reason.choices, default=Reason.REQUESTED_BY_CUSTOMER)
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # The platform rule when the refund was made (settings.PLATFORM_REFUND_APPLICATION_FEE): Stripe's
    # `refund_application_fee`; and the part of the platform fee Stripe gave back with this refund.
    refund_application_fee = models.BooleanField(default=False)
    fee_refunded_minor = models.PositiveBigIntegerField(default=0)
    stripe_refund_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # The payout that settled it (from the payout's balance transactions): often a later one than
    # its payment's, so a payout's report counts each refund once, where Stripe deducted it.
    payout = models.ForeignKey(
        "Payout", null=True, blank=True, on_delete=models.SET_NULL, related_name="refunds"
    )
    failure_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the customer's refund notice was queued (sent once)"
    )
    api_idempotency_key = models.CharField(
        max_length=255, blank=True, help_text="The API caller's Idempotency-Key"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_amount_positive"),
            models.UniqueConstraint(
                fields=["organization", "api_idempotency_key"],
                condition=~Q(api_idempotency_key=""),
                name="refund_api_idempotency_key_unique",
            ),
        ]

    @property
    def idempotency_key(self) -> str:
        return f"refund-{self.pk}"
