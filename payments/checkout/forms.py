"""The pay page's amount form (a partial payment, when the request allows one)."""

from django import forms

from core.forms import AmountField


class PayAmountForm(forms.Form):
    amount = AmountField(required=False, label="Amount to pay now")
    save_card = forms.BooleanField(required=False, label="Save this card for the dealership to use")
