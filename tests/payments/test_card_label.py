"""One spelling of a card everywhere (the Payments tab, the receipt, the request history)."""

import pytest

from payments.models import Payment, card_label, payment_method_label


@pytest.mark.parametrize(
    ("brand", "last4", "label"),
    [("visa", "4242", "Visa •••• 4242"), ("", "4242", "Card •••• 4242"), ("amex", "", "Amex"), ("", "", "")],
)
def test_card_label(brand, last4, label):
    assert card_label(card_brand=brand, card_last4=last4) == label


def test_payment_method_label():
    assert (
        payment_method_label(method=Payment.Method.AFTERPAY, card_brand="", card_last4="") == "Installments"
    )
    assert payment_method_label(method=Payment.Method.CARD, card_brand="", card_last4="") == "Card"
    payment = Payment(method=Payment.Method.CARD, card_brand="mastercard", card_last4="4444")
    assert payment.method_label == payment.card_label == "Mastercard •••• 4444"
