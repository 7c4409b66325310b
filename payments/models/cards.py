"""Card on file: a customer's saved cards on the dealership's Stripe account, the consent behind each,
the "save a card" links, every off-session charge (written BEFORE Stripe is called; its idempotency key
is derived from its id), installment plans and bulk runs.

Only brand, last 4, expiry and fingerprint of a card are ever stored."""

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from payments.models.accounts import StripeAccount


def new_card_token() -> str:
    return secrets.token_urlsafe(24)


class CardSettings(models.Model):
    """An organization's saved-card rules (one row per organization, created on first use)."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="card_settings"
    )
    advisors_may_charge = models.BooleanField(
        default=False, help_text="Advisors may charge saved cards (Managers and Admins always may)"
    )
    retry_days = models.CharField(
        max_length=40, default="1,3,7", help_text="Days after a soft decline to try again, comma-separated"
    )

    def retry_schedule(self) -> list[int]:
        days = []
        for part in (self.retry_days or "").split(","):
            part = part.strip()
            if part.isdigit() and 0 < int(part) <= 60:
                days.append(int(part))
        return days


class StripeCustomer(models.Model):
    """One Stripe Customer per (our customer x the dealership's connected account)."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="stripe_customers"
    )
    stripe_account = models.ForeignKey(StripeAccount, on_delete=models.PROTECT, related_name="+")
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "stripe_account"], name="one_stripe_customer_per_account"
            )
        ]

    @property
    def idempotency_key(self) -> str:
        return f"stripe-customer-{self.pk}"


class SavedCard(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REMOVED = "removed", "Removed"

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="saved_cards")
    stripe_customer = models.ForeignKey(StripeCustomer, on_delete=models.PROTECT, related_name="cards")
    stripe_payment_method_id = models.CharField(max_length=255, unique=True)
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    fingerprint = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "customer", "status"])]

    def __str__(self):
        return f"{self.brand} •••• {self.last4}"

    @property
    def label(self) -> str:
        return f"{self.brand.title()} •••• {self.last4}"

    @property
    def expiry(self) -> str:
        return f"{self.exp_month:02d}/{self.exp_year}"

    def expires_soon(self, today: date | None = None) -> bool:
        """Expires this month or the next two (or already expired)."""
        today = today or date.today()
        months_left = (self.exp_year - today.year) * 12 + (self.exp_month - today.month)
        return months_left <= 2


class CardConsent(models.Model):
    """The customer's authorisation for the dealership to charge a card later: the text they saw
    (and its version), when, from where (IP, user agent) and for which dealership."""

    class Source(models.TextChoices):
        SAVE_LINK = "save_link", "Save-a-card link"
        PAYMENT = "payment", "While paying a request"

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="card_consents")
    saved_card = models.ForeignKey(
        SavedCard, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    source = models.CharField(max_length=12, choices=Source.choices)
    text_version = models.CharField(max_length=20)
    text = models.TextField()
    dealership_name = models.CharField(max_length=200)
    accepted_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    card_request = models.ForeignKey(
        "SavedCardRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    payment_request = models.ForeignKey(
        "PaymentRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="card_consents"
    )
    checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-accepted_at", "-id"]


class SavedCardRequest(models.Model):
    """A "save a card" link sent to the customer (SMS/email): opens a setup-mode Checkout page."""

    class Status(models.TextChoices):
        CREATED = "created", "Created"
        SENT = "sent", "Sent"
        OPENED = "opened", "Opened"
        SAVED = "saved", "Card saved"
        EXPIRED = "expired", "Expired"

    class Reason(models.TextChoices):
        NEW = "new", "New card"
        UPDATE = "update", "Card to update after failed charges"

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="card_requests")
    stripe_account = models.ForeignKey(StripeAccount, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.NEW)
    channel = models.CharField(max_length=5, default="both")
    token = models.CharField(max_length=64, unique=True, default=new_card_token)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CREATED)
    checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    checkout_session_url = models.URLField(max_length=2000, blank=True)
    checkout_attempt = models.PositiveSmallIntegerField(default=0)
    setup_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    session_expires_at = models.DateTimeField(null=True, blank=True)
    saved_card = models.ForeignKey(
        SavedCard, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class CardCharge(models.Model):
    """One off-session charge of a saved card. Written (status SENDING) BEFORE Stripe is called; the
    call carries `idempotency_key` (from this row's id), so a crash, a retry or a double submit can
    never charge twice. Each retry after a decline is a new row (`attempt` + 1) for the same request."""

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SUCCEEDED = "succeeded", "Paid"
        FAILED = "failed", "Declined"
        AUTHENTICATION_REQUIRED = "authentication_required", "Customer must authenticate"

    class Kind(models.TextChoices):
        SINGLE = "single", "Charge on behalf"
        INSTALLMENT = "installment", "Installment"
        BULK = "bulk", "Bulk charge"

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="card_charges")
    saved_card = models.ForeignKey(SavedCard, on_delete=models.PROTECT, related_name="charges")
    payment_request = models.ForeignKey(
        "PaymentRequest", on_delete=models.PROTECT, related_name="card_charges"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    attempt = models.PositiveSmallIntegerField(default=1)
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    fee_minor = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=25, choices=Status.choices, default=Status.SENDING)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    failure_code = models.CharField(max_length=60, blank=True)
    decline_code = models.CharField(max_length=60, blank=True)
    advice_code = models.CharField(max_length=60, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    installment = models.ForeignKey(
        "Installment", null=True, blank=True, on_delete=models.SET_NULL, related_name="charges"
    )
    bulk_item = models.ForeignKey(
        "BulkChargeItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="charges"
    )
    api_idempotency_key = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_retry_at"], name="card_charge_retry_idx"),
            models.Index(fields=["organization", "customer", "-created_at"], name="card_charge_customer_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["payment_request", "attempt"], name="one_card_charge_per_request_attempt"
            ),
            models.UniqueConstraint(
                fields=["organization", "api_idempotency_key"],
                condition=~Q(api_idempotency_key=""),
                name="unique_card_charge_api_key_per_org",
            ),
        ]

    @property
    def idempotency_key(self) -> str:
        return f"card-charge-{self.pk}"


class InstallmentPlan(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="installment_plans"
    )
    saved_card = models.ForeignKey(SavedCard, on_delete=models.PROTECT, related_name="plans")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    total_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=500)
    reference = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    api_idempotency_key = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Installment(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CHARGING = "charging", "Charging"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    plan = models.ForeignKey(InstallmentPlan, on_delete=models.CASCADE, related_name="installments")
    number = models.PositiveSmallIntegerField()
    due_date = models.DateField(help_text="In the dealership's time zone")
    amount_minor = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    payment_request = models.OneToOneField(
        "PaymentRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="installment"
    )

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_installment_number_per_plan")
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="installment_due_idx")]


class BulkCharge(models.Model):
    """A bulk run: many customers' saved cards charged by a background job."""

    class Status(models.TextChoices):
        REVIEW = "review", "To review"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=500)
    reference = models.CharField(max_length=64)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REVIEW)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last progress of a shard")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class BulkChargeItem(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SUCCEEDED = "succeeded", "Paid"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (no saved card with consent)"

    run = models.ForeignKey(BulkCharge, on_delete=models.CASCADE, related_name="items")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    saved_card = models.ForeignKey(
        SavedCard, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount_minor = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["run", "customer"], name="one_bulk_item_per_customer")]
        indexes = [models.Index(fields=["run", "status"], name="bulk_item_status_idx")]
