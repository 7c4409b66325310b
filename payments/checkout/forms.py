"""The pay page's amount form (a partial payment, when the request allows one)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AmountField


class PayAmountForm(forms.Form):
    amount = AmountField(required=False, label=_("Amount to pay now"))
    save_card = forms.BooleanField(required=False, label=_("Save this card for the dealership to use"))
