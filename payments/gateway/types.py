"""Provider-neutral values the rest of the code sees (never a Stripe object).

Amounts are integer minor units; `currency` is upper-case ISO (USD/CAD); times are Unix seconds
unless the field is a `datetime`/`date` (UTC)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class PayoutSchedule:
    interval: str  # daily | weekly | monthly | manual
    weekly_anchor: str = ""  # monday..sunday, for weekly
    monthly_anchor: int | None = None  # 1..31, for monthly
    delay_days: int | None = None


@dataclass(frozen=True)
class AccountInfo:
    id: str
    country: str
    default_currency: str
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool
    requirements_currently_due: tuple[str, ...]
    disabled_reason: str
    payout_schedule: PayoutSchedule | None
    statement_descriptor: str
    business_name: str


@dataclass(frozen=True)
class CheckoutSessionInfo:
    id: str
    url: str
    status: str  # open | complete | expired
    payment_status: str  # paid | unpaid | no_payment_required
    payment_intent_id: str
    amount_total: int
    currency: str
    expires_at: datetime | None
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentIntentInfo:
    id: str
    status: str
    amount: int
    amount_received: int
    currency: str
    application_fee_amount: int
    latest_charge_id: str
    payment_method_type: str  # card | afterpay_clearpay | ...
    card_brand: str
    card_last4: str
    card_funding: str  # credit | debit | prepaid | unknown
    failure_code: str
    failure_message: str
    metadata: dict
    created: int
    charge_created: int = 0  # when the latest charge was made (Unix seconds); 0 = no charge


@dataclass(frozen=True)
class ApplicationFeeInfo:
    """The platform's application fee on a charge and how much of it refunds gave back."""

    id: str
    charge_id: str
    amount: int
    amount_refunded: int
    currency: str


@dataclass(frozen=True)
class RefundInfo:
    id: str
    status: str  # pending | succeeded | failed | canceled | requires_action
    amount: int
    currency: str
    payment_intent_id: str
    charge_id: str
    failure_reason: str
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PayoutInfo:
    id: str
    status: str  # paid | pending | in_transit | canceled | failed
    amount: int
    currency: str
    arrival_date: date | None  # UTC date
    failure_message: str


@dataclass(frozen=True)
class BalanceTransactionInfo:
    id: str
    type: str  # charge | payment | refund | payment_refund | payout | adjustment | ...
    amount: int
    fee: int
    net: int
    currency: str
    source_id: str  # ch_... / py_... / re_... / po_...


@dataclass(frozen=True)
class ReportRunInfo:
    id: str
    status: str  # pending | succeeded | failed
    report_type: str
    result_file_url: str
    error: str


@dataclass(frozen=True)
class CustomerInfo:
    id: str  # cus_... on the connected account
    email: str


@dataclass(frozen=True)
class SavedCardInfo:
    """A saved card (PaymentMethod type=card): nothing but what the product may store."""

    id: str  # pm_...
    customer_id: str  # "" once detached
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    fingerprint: str


@dataclass(frozen=True)
class SetupSessionInfo:
    id: str
    url: str
    status: str  # open | complete | expired
    setup_intent_id: str
    expires_at: datetime | None


@dataclass(frozen=True)
class SetupIntentInfo:
    id: str
    status: str  # requires_payment_method | succeeded | canceled | ...
    customer_id: str
    card: SavedCardInfo | None
    metadata: dict = field(default_factory=dict)
