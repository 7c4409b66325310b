"""A payment (one charge attempt on a request), its display status on the Payments tab.

Money records: amounts are integer minor units (`*_minor`) with an ISO `currency`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from payments.models.accounts import StripeAccount
from payments.models.requests import PaymentRequest


def card_label(*, card_brand: str, card_last4: str) -> str:
    """The one spelling of a card on pages, emails, the history and the CSV: "Visa •••• 4242";
    "Card •••• 4242" or "Visa" when only half is known; "" when nothing is."""
    brand = (card_brand or "").title()
    if card_last4:
        return f"{brand or 'Card'} •••• {card_last4}"
    return brand


def payment_method_label(*, method: str, card_brand: str, card_last4: str) -> str:
    """How a payment was paid: "Installments" (Afterpay/Clearpay), "Saved card Visa •••• 4242" (charged
    off-session on a card on file), the card, or "Card"."""
    if method == Payment.Method.AFTERPAY:
        return "Installments"
    if method == Payment.Method.SAVED_CARD:
        return f"Saved card {card_label(card_brand=card_brand, card_last4=card_last4)}".strip()
    return card_label(card_brand=card_brand, card_last4=card_last4) or "Card"


class PaymentDisplayStatus(models.TextChoices):
    """A payment's status on the Payments tab: the charge attempt combined with what became of its
    request, so accounting sees what happened to the money (see `Payment.display_status`)."""

    PAID = "paid", _("Paid")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    DISPUTED = "disputed", _("Disputed")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


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
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")
        DISPUTED = "disputed", _("Disputed")

    DisplayStatus = PaymentDisplayStatus

    class Method(models.TextChoices):
        CARD = "card", _("Card")
        AFTERPAY = "afterpay_clearpay", _("Installments (Afterpay/Clearpay)")
        SAVED_CARD = "saved_card", _("Saved card")

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
    # The dealership's receipt number, MRM-2026-000123 (payments/receipts.py): given when the payment
    # succeeds, never changed (a later prefix change leaves it as printed). Blank for a failed attempt.
    receipt_number = models.CharField(max_length=24, blank=True)
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    fee_minor = models.PositiveBigIntegerField(default=0, help_text="Platform application fee")
    refunded_minor = models.PositiveBigIntegerField(default=0)
    # The part of the platform fee Stripe gave back with the refunds (`refund_application_fee`,
    # settings.PLATFORM_REFUND_APPLICATION_FEE): the application fee's `amount_refunded`.
    fee_refunded_minor = models.PositiveBigIntegerField(
        default=0, help_text="Platform fee returned with refunds"
    )
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
    # What the dealership keeps: amount - platform fee + fee returned - refunds; nothing for a failed attempt
    # (no money moved, whatever amount was tried). One definition for the table, the detail
    # page, payouts and both CSV paths.
    net_minor = models.GeneratedField(
        expression=models.Case(
            models.When(status=Status.FAILED, then=models.Value(0)),
            default=models.F("amount_minor")
            - models.F("fee_minor")
            + models.F("fee_refunded_minor")
            - models.F("refunded_minor"),
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
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "receipt_number"],
                condition=~Q(receipt_number=""),
                name="payment_org_receipt_number_unique",
            ),
        ]
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
                    "fee_refunded_minor",
                    "team",
                    "advisor",
                    "reconciled_at",
                ],
                name="payment_org_totals4_idx",
            ),
        ]

    @property
    def display_status_label(self) -> str:
        return PaymentDisplayStatus(self.display_status).label

    @property
    def card_label(self) -> str:
        return card_label(card_brand=self.card_brand, card_last4=self.card_last4)

    @property
    def method_label(self) -> str:
        return payment_method_label(
            method=self.method, card_brand=self.card_brand, card_last4=self.card_last4
        )

    @property
    def fee_kept_minor(self) -> int:
        """The platform fee the dealership paid in the end: the fee less what refunds gave back."""
        return self.fee_minor - self.fee_refunded_minor

    @property
    def refundable_minor(self) -> int:
        if self.status == self.Status.FAILED:
            return 0
        return self.amount_minor - self.refunded_minor
