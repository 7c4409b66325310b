"""The payments app's models, one module per topic; import them from here (`from payments.models
import Payment`), as migrations do (0001 names `payments.models.new_pay_token`)."""

from payments.models.payments import (
    Payment,
    PaymentDisplayStatus,
    PaymentRequest,
    PaymentRequestEvent,
    Payout,
    PayoutEmailRecipient,
    Refund,
    ReportRun,
    StripeAccount,
    WebhookEvent,
    new_pay_token,
)

__all__ = [
    "Payment",
    "PaymentDisplayStatus",
    "PaymentRequest",
    "PaymentRequestEvent",
    "Payout",
    "PayoutEmailRecipient",
    "Refund",
    "ReportRun",
    "StripeAccount",
    "WebhookEvent",
    "new_pay_token",
]
