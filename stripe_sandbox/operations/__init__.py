"""State changes of the emulator (money movement, onboarding, expiry). Called under `emu.lock`.

One module per resource; callers use `from .. import operations as ops` and `ops.<name>`."""

from .accounts import (
    BUSINESS_REQUIREMENTS,
    ID_REQUIREMENT,
    TEST_ROUTING,
    account_build,
    account_changed,
    account_requirements_satisfy,
    onboarding_bank,
    onboarding_business,
    onboarding_complete,
    onboarding_submit,
)
from .balance import available_balance, balance_transaction_create
from .charges import intent_charge, test_card_of
from .checkout import checkout_attempt, checkout_expire
from .clock import sweep
from .payouts import TEST_BANK_ACCOUNTS, payout_create, payout_finish
from .refunds import dispute_create, refund_create, refund_fail
from .reports import REPORT_TYPES, report_run_create, report_run_finish

__all__ = [
    "BUSINESS_REQUIREMENTS",
    "ID_REQUIREMENT",
    "REPORT_TYPES",
    "TEST_BANK_ACCOUNTS",
    "TEST_ROUTING",
    "account_build",
    "account_changed",
    "account_requirements_satisfy",
    "available_balance",
    "balance_transaction_create",
    "checkout_attempt",
    "checkout_expire",
    "dispute_create",
    "intent_charge",
    "onboarding_bank",
    "onboarding_business",
    "onboarding_complete",
    "onboarding_submit",
    "payout_create",
    "payout_finish",
    "refund_create",
    "refund_fail",
    "report_run_create",
    "report_run_finish",
    "sweep",
    "test_card_of",
]
