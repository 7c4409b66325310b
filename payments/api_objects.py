"""The objects of REST API v1 as JSON: what GET returns, and what a webhook's `data.object` holds
(payments/dealer_webhooks/payloads.py serializes with these same classes, so the two never drift).
Amounts are integers in minor units with an ISO currency; times are ISO 8601 with their offset."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from payments.models import Payment, PaymentDisplayStatus, PaymentRequest, Payout, Refund
from payments.requests.messages import pay_link


# --- payment requests (payments/requests/api.py) and their payment attempts
@extend_schema_serializer(component_name="PaymentAttempt")
class PaymentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = [
            "id",
            "status",
            "amount_minor",
            "currency",
            "fee_minor",
            "refunded_minor",
            "method",
            "card_brand",
            "card_last4",
            "card_funding",
            "failure_code",
            "failure_message",
            "occurred_at",
        ]


@extend_schema_serializer(component_name="PaymentRequest")
class PaymentRequestOutputSerializer(serializers.ModelSerializer):
    customer_id = serializers.IntegerField()
    opportunity_id = serializers.IntegerField(allow_null=True)
    team_id = serializers.IntegerField()
    created_by = serializers.CharField(source="created_by.name")
    resent_from_id = serializers.IntegerField(allow_null=True)
    balance_minor = serializers.IntegerField()
    pay_url = serializers.SerializerMethodField()
    payments = PaymentOutputSerializer(many=True, read_only=True)

    class Meta:
        model = PaymentRequest
        fields = [
            "id",
            "status",
            "amount_minor",
            "currency",
            "amount_paid_minor",
            "balance_minor",
            "description",
            "reference",
            "channel",
            "allow_partial",
            "customer_id",
            "opportunity_id",
            "team_id",
            "created_by",
            "resent_from_id",
            "pay_url",
            "created_at",
            "sent_at",
            "opened_at",
            "expires_at",
            "paid_at",
            "cancelled_at",
            "expired_at",
            "payments",
        ]

    def get_pay_url(self, obj) -> str:
        return pay_link(obj)


# --- payments, refunds, payouts
@extend_schema_serializer(component_name="Refund")
class RefundObject(serializers.ModelSerializer):
    payment_id = serializers.IntegerField()
    payout_id = serializers.IntegerField(allow_null=True, help_text="Our id of the payout that deducted it")
    created_by = serializers.CharField(source="created_by.name", allow_null=True, default=None)
    fee_refunded_minor = serializers.IntegerField(help_text="The platform fee this refund gave back")

    class Meta:
        model = Refund
        fields = [
            "id",
            "payment_id",
            "amount_minor",
            "currency",
            "reason",
            "note",
            "status",
            "failure_reason",
            "fee_refunded_minor",
            "stripe_refund_id",
            "payout_id",
            "created_by",
            "created_at",
            "updated_at",
        ]


@extend_schema_serializer(component_name="Payment")
class PaymentObject(serializers.ModelSerializer):
    payment_request_id = serializers.IntegerField()
    customer_id = serializers.IntegerField()
    customer_name = serializers.CharField(source="customer.name")
    team_id = serializers.IntegerField()
    team = serializers.CharField(source="team.name")
    advisor_id = serializers.IntegerField()
    advisor = serializers.CharField(source="advisor.name")
    display_status = serializers.ChoiceField(
        choices=PaymentDisplayStatus.choices, read_only=True, help_text="The status the Payments tab shows"
    )
    net_minor = serializers.IntegerField(
        help_text="amount - platform fee + platform fee given back - refunds; 0 for a failed attempt"
    )
    receipt_number = serializers.CharField(
        help_text="The dealership's receipt number (MRM-2026-000123); empty for a failed attempt"
    )
    fee_refunded_minor = serializers.IntegerField(
        help_text="The part of the platform fee the refunds gave back (Stripe's application fee refunds)"
    )
    payout_id = serializers.IntegerField(allow_null=True, help_text="Our id of the payout that paid it out")
    stripe_payout_id = serializers.CharField(source="payout.stripe_payout_id", allow_null=True, default=None)
    reconciled_by = serializers.CharField(source="reconciled_by.name", allow_null=True, default=None)
    refunds = RefundObject(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "payment_request_id",
            "reference",
            "receipt_number",
            "dms_document_number",
            "customer_id",
            "customer_name",
            "team_id",
            "team",
            "advisor_id",
            "advisor",
            "status",
            "display_status",
            "amount_minor",
            "fee_minor",
            "fee_refunded_minor",
            "refunded_minor",
            "net_minor",
            "currency",
            "method",
            "card_brand",
            "card_last4",
            "card_funding",
            "failure_code",
            "failure_message",
            "dispute_status",
            "occurred_at",
            "stripe_payment_intent_id",
            "stripe_charge_id",
            "payout_id",
            "stripe_payout_id",
            "reconciled_at",
            "reconciled_by",
            "refunds",
        ]


PAYMENT_RELATED = ("customer", "team", "advisor", "payout", "reconciled_by")


def payment_object_queryset(queryset):
    """What PaymentObject reads, in a fixed number of queries."""
    return queryset.select_related(*PAYMENT_RELATED).prefetch_related("refunds__created_by")


@extend_schema_serializer(component_name="Payout")
class PayoutObject(serializers.ModelSerializer):
    """A payout with what Stripe settled in it: gross - fees + fees returned - refunds = net; other = amount - net
    (a dispute debit, an adjustment)."""

    n_payments = serializers.IntegerField(read_only=True)
    gross_minor = serializers.IntegerField(read_only=True)
    fees_minor = serializers.IntegerField(read_only=True)
    refunds_minor = serializers.IntegerField(read_only=True)
    fees_returned_minor = serializers.IntegerField(
        read_only=True, help_text="Platform fees the refunds in this payout gave back"
    )
    net_minor = serializers.IntegerField(read_only=True, help_text="gross - fees + fees returned - refunds")
    other_minor = serializers.IntegerField(read_only=True)

    class Meta:
        model = Payout
        fields = [
            "id",
            "stripe_payout_id",
            "amount_minor",
            "currency",
            "status",
            "arrival_date",
            "failure_message",
            "n_payments",
            "gross_minor",
            "fees_minor",
            "refunds_minor",
            "fees_returned_minor",
            "net_minor",
            "other_minor",
            "created_at",
            "updated_at",
        ]


@extend_schema_serializer(component_name="PayoutDetail")
class PayoutDetailObject(PayoutObject):
    """`api_payments` and `api_refunds` are set by the caller (payouts selectors' payout_contents)."""

    payments = PaymentObject(many=True, read_only=True, source="api_payments")
    refunds = RefundObject(many=True, read_only=True, source="api_refunds")

    class Meta(PayoutObject.Meta):
        fields = [*PayoutObject.Meta.fields, "payments", "refunds"]
