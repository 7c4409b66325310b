"""Stripe constants: the API version we speak and the event types we act on."""

# Pinned: every request sends `Stripe-Version: API_VERSION` (the stripe-python 16.1 default).
API_VERSION = "2026-10-28.endive"

DEFAULT_API_BASE = "https://api.stripe.com"
DEFAULT_CONNECT_BASE = "https://connect.stripe.com"
DEFAULT_FILES_BASE = "https://files.stripe.com"

# The local sandbox (used only when STRIPE_SECRET_KEY is not set).
SANDBOX_SECRET_KEY = "sk_test_sandbox"
SANDBOX_WEBHOOK_SECRET = "whsec_sandbox"
SANDBOX_PATH = "/sandbox/stripe"

MAX_NETWORK_RETRIES = 2  # the SDK's own retries: connection errors, 409, 5xx (not 429)
# Ours, on 429 (rate_limit / lock_timeout), which the SDK doesn't retry: settings.STRIPE_RETRY_BACKOFF_SECONDS
# (client._call), with the same idempotency key on every try.


class EventType:
    ACCOUNT_UPDATED = "account.updated"
    ACCOUNT_DEAUTHORIZED = "account.application.deauthorized"
    CHECKOUT_SESSION_COMPLETED = "checkout.session.completed"
    CHECKOUT_SESSION_EXPIRED = "checkout.session.expired"
    CHECKOUT_SESSION_ASYNC_SUCCEEDED = "checkout.session.async_payment_succeeded"
    CHECKOUT_SESSION_ASYNC_FAILED = "checkout.session.async_payment_failed"
    PAYMENT_INTENT_SUCCEEDED = "payment_intent.succeeded"
    PAYMENT_INTENT_FAILED = "payment_intent.payment_failed"
    CHARGE_REFUNDED = "charge.refunded"
    REFUND_UPDATED = "refund.updated"
    CHARGE_DISPUTE_CREATED = "charge.dispute.created"
    PAYOUT_PAID = "payout.paid"
    PAYOUT_FAILED = "payout.failed"
    SETUP_INTENT_SUCCEEDED = "setup_intent.succeeded"


# Stripe's statement descriptor rules (https://docs.stripe.com/get-started/account/statement-descriptors).
STATEMENT_DESCRIPTOR_MIN = 5
STATEMENT_DESCRIPTOR_MAX = 22
STATEMENT_DESCRIPTOR_FORBIDDEN = "<>\\'\"*"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
