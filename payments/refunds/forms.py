from __future__ import annotations

from django import forms

from core.money import format_minor, parse_major
from payments.models import Refund


class RefundForm(forms.Form):
    amount = forms.CharField(
        required=False, help_text="Leave empty to refund everything that is still refundable."
    )
    reason = forms.ChoiceField(choices=Refund.Reason.choices, initial=Refund.Reason.REQUESTED_BY_CUSTOMER)
    note = forms.CharField(required=False, max_length=300, widget=forms.TextInput)

    def __init__(self, *args, refundable_minor: int, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.refundable_minor = refundable_minor
        self.currency = currency

    def clean_amount(self):
        raw = (self.cleaned_data.get("amount") or "").strip()
        if not raw:
            return None
        try:
            amount = parse_major(raw)
        except ValueError as exc:
            raise forms.ValidationError(f"Refund amount: {exc}")
        if amount <= 0:
            raise forms.ValidationError("Enter an amount above zero.")
        if amount > self.refundable_minor:
            raise forms.ValidationError(
                f"You can refund at most {format_minor(self.refundable_minor, self.currency)}."
            )
        return amount
