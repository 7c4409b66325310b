"""Forms of card on file (staff side)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AmountField
from payments.models import CardSettings


class CardChargeForm(forms.Form):
    card = forms.TypedChoiceField(label=_("Saved card"), coerce=int)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    amount = AmountField(label=_("Amount"))
    description = forms.CharField(label=_("Description"), max_length=500)
    reference = forms.CharField(label=_("Reference number"), max_length=64)

    def __init__(self, *args, cards=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["card"].choices = [(c.pk, f"{c.label} ({c.expiry})") for c in cards]
        self.fields["team"].choices = [(t.pk, t.name) for t in teams]


class InstallmentPlanForm(forms.Form):
    card = forms.TypedChoiceField(label=_("Saved card"), coerce=int)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    total = AmountField(label=_("Total"))
    count = forms.IntegerField(label=_("Number of installments"), min_value=1, max_value=36, initial=3)
    first_date = forms.DateField(
        label=_("First installment on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    months_between = forms.IntegerField(
        label=_("Months between installments"), min_value=1, max_value=12, initial=1
    )
    custom_amounts = forms.CharField(
        label=_("Custom amounts (optional)"),
        required=False,
        help_text=_(
            "One amount per installment, separated by commas or semicolons, e.g. 500, 250.50, 249.50"
        ),
    )
    description = forms.CharField(label=_("Description"), max_length=500)
    reference = forms.CharField(label=_("Reference number"), max_length=64)

    def __init__(self, *args, cards=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["card"].choices = [(c.pk, f"{c.label} ({c.expiry})") for c in cards]
        self.fields["team"].choices = [(t.pk, t.name) for t in teams]


class BulkChargeForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    amount = AmountField(label=_("Amount for each selected customer"), required=False)
    customers = forms.CharField(required=False, widget=forms.MultipleHiddenInput)
    csv_file = forms.FileField(label=_("Or a CSV of customer_id,amount"), required=False)
    description = forms.CharField(label=_("Description"), max_length=500)
    reference = forms.CharField(label=_("Reference number"), max_length=64)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.pk, t.name) for t in teams]


class CardSettingsForm(forms.ModelForm):
    class Meta:
        model = CardSettings
        fields = ["advisors_may_charge", "retry_days"]
        labels = {
            "advisors_may_charge": _("Advisors may charge saved cards"),
            "retry_days": _("Retry a soft decline after (days, comma-separated)"),
        }

    def clean_retry_days(self):
        value = self.cleaned_data["retry_days"].strip()
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if len(parts) > 6 or any(not p.isdigit() or not 0 < int(p) <= 60 for p in parts):
            raise forms.ValidationError(_("Give up to 6 numbers of days between 1 and 60, e.g. 1,3,7."))
        days = [int(p) for p in parts]
        if days != sorted(set(days)):
            raise forms.ValidationError(_("Give the days in increasing order, e.g. 1,3,7."))
        return ",".join(parts)
