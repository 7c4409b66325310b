"""The payments app's models, one module per topic. Import them from here (`from payments.models
import Payment`), as the migrations do (0001 names `payments.models.new_pay_token`).

    accounts.py        StripeAccount (a dealership's connected Stripe account)
    webhook_events.py  WebhookEvent (every Stripe event received, stored once)
    requests.py        PaymentRequest, PaymentRequestEvent (its append-only history), new_pay_token
    payments.py        Payment (one charge attempt), PaymentDisplayStatus, card_label()
    refunds.py         Refund
    payouts.py         Payout, PayoutEmailRecipient
    reports.py         ReportRun
    cards.py           card on file: CardSettings, StripeCustomer, SavedCard, CardConsent, SavedCardRequest,
                       CardCharge, InstallmentPlan, Installment, BulkCharge, BulkChargeItem
    dealer_webhooks.py WebhookEndpoint, OutboundEvent, WebhookDelivery, WebhookDeliveryAttempt
                       (outbound webhooks to the dealer's systems: payments/dealer_webhooks/)
    reconciliation_files.py  ReconciliationFile, ReconciliationFileTeam (the daily files:
                       payments/reconciliation_files/)
    receipts.py        ReceiptCounter (receipt numbers per dealership and year: payments/receipts.py)
"""

from payments.models.accounts import StripeAccount
from payments.models.cards import (
    BulkCharge,
    BulkChargeItem,
    CardCharge,
    CardConsent,
    CardSettings,
    Installment,
    InstallmentPlan,
    SavedCard,
    SavedCardRequest,
    StripeCustomer,
)
from payments.models.dealer_webhooks import (
    OutboundEvent,
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookEndpoint,
)
from payments.models.payments import Payment, PaymentDisplayStatus, card_label, payment_method_label
from payments.models.payouts import Payout, PayoutEmailRecipient
from payments.models.receipts import ReceiptCounter
from payments.models.reconciliation_files import ReconciliationFile, ReconciliationFileTeam
from payments.models.refunds import Refund
from payments.models.reports import ReportRun
from payments.models.requests import PaymentRequest, PaymentRequestEvent, new_pay_token
from payments.models.webhook_events import WebhookEvent

__all__ = [
    "OutboundEvent",
    "WebhookDelivery",
    "WebhookDeliveryAttempt",
    "WebhookEndpoint",
    "BulkCharge",
    "BulkChargeItem",
    "CardCharge",
    "CardConsent",
    "CardSettings",
    "Installment",
    "InstallmentPlan",
    "SavedCard",
    "SavedCardRequest",
    "StripeCustomer",
    "Payment",
    "PaymentDisplayStatus",
    "PaymentRequest",
    "PaymentRequestEvent",
    "Payout",
    "PayoutEmailRecipient",
    "ReceiptCounter",
    "ReconciliationFile",
    "ReconciliationFileTeam",
    "Refund",
    "ReportRun",
    "StripeAccount",
    "WebhookEvent",
    "card_label",
    "payment_method_label",
    "new_pay_token",
]
