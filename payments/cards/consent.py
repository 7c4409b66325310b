"""The authorisation a customer gives before a card is saved. Its text is versioned: a consent record
keeps the version AND the exact words shown, so changing the text never rewrites past consents."""

from django.utils.translation import gettext_lazy as _

CONSENT_VERSION = "2026-12-01"

CONSENT_TEXT = _(
    "I authorise {dealership} to save this card and to charge it later for amounts I owe them "
    "(service plans, installments, deposits, balances), as agreed with them. Each charge comes with "
    "a receipt. I can ask {dealership} to remove the card at any time."
)


def consent_text(*, dealership: str) -> str:
    return str(CONSENT_TEXT).format(dealership=dealership)
