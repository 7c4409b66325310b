"""Money records. Amounts are integer minor units (`*_minor`) with an ISO `currency`."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


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


class WebhookEvent(models.Model):
    """A Stripe event, stored once. Processed asynchronously; failures are kept for replay."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        SUCCEEDED = "succeeded", "Succeeded"
        IGNORED = "ignored", "Ignored (unhandled type)"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        WEBHOOK = "webhook", "Webhook"
        SYNC = "sync", "Missed-event sync"

    stripe_id = models.CharField(max_length=255, unique=True)
    account = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="Connected account, blank = platform"
    )
    type = models.CharField(max_length=100, db_index=True)
    api_version = models.CharField(max_length=40, blank=True)
    created = models.BigIntegerField(help_text="Stripe's `created` (Unix seconds)")
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEBHOOK)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.type} {self.stripe_id}"


def new_pay_token() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits


class PaymentRequest(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        EMAIL = "email", "Email"
        BOTH = "both", "SMS and email"

    class Status(models.TextChoices):
        CREATED = "created", "Created"
        SENT = "sent", "Sent"
        OPENED = "opened", "Opened"
        PARTIALLY_PAID = "partially_paid", "Partially paid"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

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
    from_status = models.CharField(max_length=15, blank=True)
    to_status = models.CharField(max_length=15, blank=True)
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


class PaymentDisplayStatus(models.TextChoices):
    """A payment's status on the Payments tab: the charge attempt combined with what became of its
    request, so accounting sees what happened to the money (see `Payment.display_status`)."""

    PAID = "paid", "Paid"
    PARTIALLY_PAID = "partially_paid", "Partially paid"
    REFUNDED = "refunded", "Refunded"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    DISPUTED = "disputed", "Disputed"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


def _payment_display_status_expression(status):
    """The one definition of the display status, computed by the database on every write:
    - succeeded, for less than its request's amount, the request not paid in full -> partially paid
    - succeeded otherwise (incl. a part of a request that is now paid in full)        -> paid
    - failed, and the request then expired / was cancelled            -> expired / cancelled
    - failed otherwise (the customer may retry), refunded, partially refunded, disputed -> the same
    A request nobody ever tried to pay has no Payment: no money moved."""
    from django.db.models import Case, F, Value, When

    D, R = PaymentDisplayStatus, PaymentRequest.Status
    return Case(
        When(
            Q(status=status.SUCCEEDED, amount_minor__lt=F("request_amount_minor"))
            & ~Q(request_status=R.PAID),
            then=Value(D.PARTIALLY_PAID.value),
        ),
        When(status=status.SUCCEEDED, then=Value(D.PAID.value)),
        When(status=status.FAILED, request_status=R.EXPIRED, then=Value(D.EXPIRED.value)),
        When(status=status.FAILED, request_status=R.CANCELLED, then=Value(D.CANCELLED.value)),
        default=F("status"),
    )


class Payment(models.Model):
    """One charge attempt on Stripe (one PaymentIntent): succeeded or failed."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", "Paid"
        FAILED = "failed", "Failed"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        REFUNDED = "refunded", "Refunded"
        DISPUTED = "disputed", "Disputed"

    DisplayStatus = PaymentDisplayStatus

    class Method(models.TextChoices):
        CARD = "card", "Card"
        AFTERPAY = "afterpay_clearpay", "Installments (Afterpay/Clearpay)"

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="payments"
    )
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="payments")
    payment_request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="payments")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="payments")
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    stripe_account = models.ForeignKey(StripeAccount, on_delete=models.PROTECT, related_name="payments")

    stripe_payment_intent_id = models.CharField(max_length=255, unique=True)
    stripe_charge_id = models.CharField(max_length=255, blank=True, db_index=True)
    checkout_session_id = models.CharField(max_length=255, blank=True)
    reference = models.CharField(max_length=64)  # copied from the request: searchable without a join
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    fee_minor = models.PositiveBigIntegerField(default=0, help_text="Platform application fee")
    refunded_minor = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.CARD)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    card_funding = models.CharField(max_length=10, blank=True)  # credit / debit / prepaid
    failure_code = models.CharField(max_length=60, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    # Copies of the request's status and amount, so the display status is a column of this row
    # (filtered, indexed and summed without joining the request for every payment). The amount
    # never changes; the status is copied by `payment_request_move`, the one place a request
    # changes status, under the request's row lock.
    request_status = models.CharField(max_length=15, choices=PaymentRequest.Status.choices)
    request_amount_minor = models.PositiveBigIntegerField()
    display_status = models.GeneratedField(
        expression=_payment_display_status_expression(Status),
        output_field=models.CharField(max_length=20, choices=PaymentDisplayStatus.choices),
        db_persist=True,
    )
    # What the dealership keeps: amount - platform fee - refunds; nothing for a failed attempt
    # (no money moved, whatever amount was tried). One definition for the table, the detail
    # page, payouts and both CSV paths.
    net_minor = models.GeneratedField(
        expression=models.Case(
            models.When(status=Status.FAILED, then=models.Value(0)),
            default=models.F("amount_minor") - models.F("fee_minor") - models.F("refunded_minor"),
        ),
        output_field=models.BigIntegerField(),
        db_persist=True,
    )
    occurred_at = models.DateTimeField(help_text="When it was paid (or failed)")
    dispute_status = models.CharField(max_length=30, blank=True)
    payout = models.ForeignKey(
        "Payout", null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    reconciled_at = models.DateTimeField(null=True, blank=True)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dms_document_number = models.CharField("dealer system document no.", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-occurred_at", "-id"]),
            models.Index(fields=["team", "-occurred_at", "-id"]),
            models.Index(fields=["advisor", "-occurred_at", "-id"]),
            # Payments tab (D): amount sort, status filter, "not yet reconciled", reference search,
            # and a covering index so the header totals/chart are an index-only scan.
            models.Index(fields=["organization", "-amount_minor", "-id"], name="payment_org_amount_idx"),
            models.Index(
                fields=["organization", "display_status", "-occurred_at"],
                name="payment_org_display_status_idx",
            ),
            models.Index(
                fields=["organization", "-occurred_at", "-id"],
                condition=Q(reconciled_at__isnull=True),
                name="payment_org_unreconciled_idx",
            ),
            models.Index(fields=["organization", "reference"], name="payment_org_reference_idx"),
            # Search (P): payments of the customers whose name/email/phone matched. On PostgreSQL
            # migration 0005 adds trigram indexes on customers and an upper(reference) prefix index.
            models.Index(fields=["organization", "customer"], name="payment_org_customer_idx"),
            # The header totals and chart: every column they read or filter on (the team,
            # advisor and reconciled filters and a Manager's or Advisor's scope included), so
            # they are an index-only scan. Key columns, not INCLUDE: SQLite (make run) has none.
            models.Index(
                fields=[
                    "organization",
                    "occurred_at",
                    "display_status",
                    "amount_minor",
                    "fee_minor",
                    "refunded_minor",
                    "team",
                    "advisor",
                    "reconciled_at",
                ],
                name="payment_org_totals3_idx",
            ),
        ]

    @property
    def display_status_label(self) -> str:
        return PaymentDisplayStatus(self.display_status).label

    @property
    def refundable_minor(self) -> int:
        if self.status == self.Status.FAILED:
            return 0
        return self.amount_minor - self.refunded_minor


class Refund(models.Model):
    """Written before Stripe is called; `idempotency_key` is derived from its id so a retry
    never refunds twice."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"
        REQUIRES_ACTION = "requires_action", "Requires action"

    class Reason(models.TextChoices):
        REQUESTED_BY_CUSTOMER = "requested_by_customer", "Requested by customer"
        DUPLICATE = "duplicate", "Duplicate"
        FRAUDULENT = "fraudulent", "Fraudulent"

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="refunds"
    )
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=30, choices=Reason.choices, default=Reason.REQUESTED_BY_CUSTOMER)
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_amount_positive")]

    @property
    def idempotency_key(self) -> str:
        return f"refund-{self.pk}"


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


class PayoutEmailRecipient(models.Model):
    """A person of the organization who gets an email when a payout is paid or fails."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="payout_email_recipients"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="unique_payout_email_recipient")
        ]


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
