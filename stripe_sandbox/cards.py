"""Stripe's published test card numbers (docs.stripe.com/testing). Anything else is refused."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TestCard:
    brand: str
    funding: str
    country: str = "US"
    decline_code: str | None = None  # None = the charge succeeds
    error_code: str = "card_declined"
    dispute: bool = False  # charge succeeds, then a dispute opens
    refund_fails: bool = False  # refunds start succeeded, then fail
    # 3-D Secure: "always" = every charge needs the customer (off-session ones fail with
    # authentication_required); "unless_setup" = only until the card was set up for future use.
    authentication: str | None = None
    saves: bool | None = None  # None = the card can be saved (SetupIntent) only when it never declines

    @property
    def advice_code(self) -> str | None:
        """Stripe's advice for a declined charge (try_again_later / do_not_try_again / confirm_card_data)."""
        return ADVICE_CODES.get(self.decline_code or "")

    @property
    def can_be_saved(self) -> bool:
        """A SetupIntent succeeds: no decline, a decline that only a charge meets (funds), or `saves`."""
        if self.saves is not None:
            return self.saves
        return self.decline_code in (None, "insufficient_funds", "processing_error", "card_velocity_exceeded")


_SUCCEEDS = {
    "4242424242424242": TestCard("visa", "credit"),
    "4000056655665556": TestCard("visa", "debit"),
    "5555555555554444": TestCard("mastercard", "credit"),
    "2223003122003222": TestCard("mastercard", "credit"),
    "5200828282828210": TestCard("mastercard", "debit"),
    "5105105105105100": TestCard("mastercard", "prepaid"),
    "378282246310005": TestCard("amex", "credit"),
    "371449635398431": TestCard("amex", "credit"),
    "6011111111111117": TestCard("discover", "credit"),
    "6011000990139424": TestCard("discover", "credit"),
    "6011981111111113": TestCard("discover", "debit"),
    "3056930009020004": TestCard("diners", "credit"),
    "36227206271667": TestCard("diners", "credit"),
    "3566002020360505": TestCard("jcb", "credit"),
    "6200000000000005": TestCard("unionpay", "credit"),
    "4000001240000000": TestCard("visa", "credit", country="CA"),
    "4000000000000077": TestCard("visa", "credit"),
    "4000000000000259": TestCard("visa", "credit", dispute=True),
    "4000000000005126": TestCard("visa", "credit", refund_fails=True),
    # 3-D Secure (docs.stripe.com/testing#regulatory-cards)
    "4000002500003155": TestCard("visa", "credit", country="IE", authentication="unless_setup"),
    "4000002760003184": TestCard("visa", "credit", country="DE", authentication="always"),
}

_DECLINES = {
    "4000000000000002": TestCard("visa", "credit", decline_code="generic_decline"),
    "4000000000009995": TestCard("visa", "credit", decline_code="insufficient_funds"),
    "4000000000009987": TestCard("visa", "credit", decline_code="lost_card"),
    "4000000000009979": TestCard("visa", "credit", decline_code="stolen_card"),
    "4000000000000069": TestCard("visa", "credit", decline_code="expired_card", error_code="expired_card"),
    "4000000000000127": TestCard("visa", "credit", decline_code="incorrect_cvc", error_code="incorrect_cvc"),
    "4000000000000119": TestCard(
        "visa", "credit", decline_code="processing_error", error_code="processing_error"
    ),
    "4000000000006975": TestCard("visa", "credit", decline_code="card_velocity_exceeded"),
    # attaching to a Customer succeeds, every charge afterwards is declined
    "4000000000000341": TestCard("visa", "credit", decline_code="generic_decline", saves=True),
}

ADVICE_CODES = {
    "insufficient_funds": "try_again_later",
    "processing_error": "try_again_later",
    "card_velocity_exceeded": "try_again_later",
    "lost_card": "do_not_try_again",
    "stolen_card": "do_not_try_again",
    "expired_card": "confirm_card_data",
    "incorrect_cvc": "confirm_card_data",
}

TEST_CARDS: dict[str, TestCard] = {**_SUCCEEDS, **_DECLINES}

DECLINE_MESSAGES = {
    "generic_decline": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
    "lost_card": "Your card was declined.",
    "stolen_card": "Your card was declined.",
    "expired_card": "Your card has expired.",
    "incorrect_cvc": "Your card's security code is incorrect.",
    "processing_error": "An error occurred while processing your card. Try again in a little bit.",
    "card_velocity_exceeded": "Your card was declined for making repeated attempts too frequently or exceeding its amount limit.",
    "authentication_required": "Your card was declined. This transaction requires authentication.",
}


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def normalize(number: str) -> str:
    return "".join(ch for ch in number if not ch.isspace() and ch != "-")
