"""The payment gateway: the one door to Stripe. Import functions from here, e.g.

    from payments import gateway
    info = gateway.account_retrieve(account_id="acct_...")

Types live in `payments.gateway.types`, errors in `payments.gateway.errors`. The functions live by resource in
`accounts.py`, `checkout.py`, `cards.py` (saved cards), `money.py` and `events.py`, on top of `client.py`
(configuration, the SDK client, error translation, retries), the only modules that import `stripe`."""

from payments.gateway.accounts import (
    account_create,
    account_from_event,
    account_link_create,
    account_retrieve,
    account_update,
    login_link_create,
)
from payments.gateway.cards import (
    customer_cards_list,
    customer_create,
    off_session_charge_create,
    payment_method_detach,
    saved_card_from_event,
    setup_intent_retrieve,
    setup_session_create,
)
from payments.gateway.checkout import (
    checkout_session_create,
    checkout_session_expire,
    checkout_session_retrieve,
    payment_intent_retrieve,
)
from payments.gateway.errors import (
    CardError,
    GatewayError,
    GatewayRateLimited,
    GatewayUnavailable,
    IdempotencyConflict,
    InvalidRequest,
    WebhookSignatureInvalid,
)
from payments.gateway.events import events_list, webhook_event_verify
from payments.gateway.money import (
    application_fee_for_charge,
    balance_transactions_list,
    file_download,
    payout_retrieve,
    refund_create,
    refund_retrieve,
    report_run_create,
    report_run_retrieve,
)
from payments.gateway.types import (
    AccountInfo,
    ApplicationFeeInfo,
    BalanceTransactionInfo,
    CheckoutSessionInfo,
    CustomerInfo,
    PaymentIntentInfo,
    PayoutInfo,
    PayoutSchedule,
    RefundInfo,
    ReportRunInfo,
    SavedCardInfo,
    SetupIntentInfo,
    SetupSessionInfo,
)

__all__ = [
    "AccountInfo",
    "ApplicationFeeInfo",
    "BalanceTransactionInfo",
    "CardError",
    "CheckoutSessionInfo",
    "CustomerInfo",
    "GatewayError",
    "GatewayRateLimited",
    "GatewayUnavailable",
    "IdempotencyConflict",
    "InvalidRequest",
    "PaymentIntentInfo",
    "PayoutInfo",
    "PayoutSchedule",
    "RefundInfo",
    "ReportRunInfo",
    "SavedCardInfo",
    "SetupIntentInfo",
    "SetupSessionInfo",
    "WebhookSignatureInvalid",
    "account_create",
    "account_from_event",
    "account_link_create",
    "account_retrieve",
    "account_update",
    "application_fee_for_charge",
    "balance_transactions_list",
    "checkout_session_create",
    "checkout_session_expire",
    "checkout_session_retrieve",
    "customer_cards_list",
    "customer_create",
    "events_list",
    "file_download",
    "login_link_create",
    "off_session_charge_create",
    "payment_intent_retrieve",
    "payment_method_detach",
    "payout_retrieve",
    "refund_create",
    "refund_retrieve",
    "report_run_create",
    "report_run_retrieve",
    "saved_card_from_event",
    "setup_intent_retrieve",
    "setup_session_create",
    "webhook_event_verify",
]
