from __future__ import annotations

from django import forms

from organizations.models import User
from payments.models import ReportRun, StripeAccount


class ReportRunForm(forms.Form):
    stripe_account = forms.ModelChoiceField(queryset=StripeAccount.objects.none(), empty_label=None)
    report_type = forms.ChoiceField(choices=ReportRun.ReportType.choices)
    interval_start = forms.DateField(label="From (UTC)", widget=forms.DateInput(attrs={"type": "date"}))
    interval_end = forms.DateField(label="To (UTC, included)", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stripe_account"].queryset = StripeAccount.objects.filter(
            organization_id=user.organization_id
        )
