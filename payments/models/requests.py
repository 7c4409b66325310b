"""A payment request (the pay link sent to a customer) and its append-only history."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from payments.models.accounts import StripeAccount


def new_pay_token() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits


class PaymentRequest(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Email")
        BOTH = "both", _("SMS and email")

    class Status(models.TextChoices):
        CREATED = "created", _("Created")
        SENT = "sent", _("Sent")
        OPENED = "opened", _("Opened")
        PARTIALLY_PAID = "partially_paid", _("Partially paid")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="payment_requests"
    )
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="payment_requests")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="payment_requests"
    )
    opportunity = models.ForeignKey(
        "customers.Opportunity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payment_requests",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_requests"
    )
    stripe_account = models.ForeignKey(
        StripeAccount, null=True, on_delete=models.PROTECT, related_name="payment_requests"
    )

    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=500)
    reference = models.CharField("reference number", max_length=64)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    allow_partial = models.BooleanField(default=False)
    amount_paid_minor = models.PositiveBigIntegerField(default=0)

    status = models.CharField(max_length=15, choices=Status.choices, default=Status.CREATED, db_index=True)
    token = models.CharField(max_length=64, unique=True, default=new_pay_token)
    expires_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    # The Checkout Session currently offered to the customer (created on the first click on Pay).
    checkout_session_id = models.CharField(max_length=255, blank=True)
    checkout_session_url = models.URLField(max_length=2000, blank=True)
    checkout_session_amount_minor = models.PositiveBigIntegerField(null=True, blank=True)

    resent_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="resends"
    )
    api_idempotency_key = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "created_by", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "api_idempotency_key"],
                condition=~Q(api_idempotency_key=""),
                name="unique_api_idempotency_key_per_org",
            ),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payment_request_amount_positive"),
        ]

    def __str__(self):
        return f"{self.reference} ({self.amount_minor} {self.currency})"

    @property
    def balance_minor(self) -> int:
        return max(self.amount_minor - self.amount_paid_minor, 0)


class PaymentRequestEvent(models.Model):
    """Append-only history of a payment request and its payments: who did what, when.
    Rows are only ever inserted (see payments.requests.history.history_record)."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    payment_request = models.ForeignKey(PaymentRequest, on_delete=models.CASCADE, related_name="history")
    payment = models.ForeignKey(
        "Payment", null=True, blank=True, on_delete=models.CASCADE, related_name="history"
    )
    kind = models.CharField(
        max_length=40
    )  # created, sent, delivered, opened, attempt_failed, paid, refunded, ...
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=60, blank=True, help_text="customer, stripe, system, or the user's name"
    )
    message = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
