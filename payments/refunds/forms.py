from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.i18n import amount_parse, money_text
from payments.models import Refund


class RefundForm(forms.Form):
    amount = forms.CharField(
        label=_("Amount"),
        required=False,
        help_text=_("Leave empty to refund everything that is still refundable."),
    )
    reason = forms.ChoiceField(
        label=_("Reason"), choices=Refund.Reason.choices, initial=Refund.Reason.REQUESTED_BY_CUSTOMER
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300, widget=forms.TextInput)

    def __init__(self, *args, refundable_minor: int, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.refundable_minor = refundable_minor
        self.currency = currency

    def clean_amount(self):
        raw = (self.cleaned_data.get("amount") or "").strip()
        if not raw:
            return None
        try:
            amount = amount_parse(raw)  # in the interface's language: 1 234,56 in French
        except ValueError as exc:
            raise forms.ValidationError(f"Refund amount: {exc}")
        if amount <= 0:
            raise forms.ValidationError(gettext("Enter an amount above zero."))
        if amount > self.refundable_minor:
            raise forms.ValidationError(
                gettext("You can refund at most %(amount)s.")
                % {"amount": money_text(self.refundable_minor, self.currency)}
            )
        return amount
