"""The New payment request form: it only parses input; the rules are in sending.py."""

from __future__ import annotations

import re
import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from core.display import phone_display
from core.forms import AmountField
from core.i18n import amount_input_text
from payments.models import PaymentRequest


class PaymentRequestForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, empty_label=None)
    amount = AmountField(label=_("Amount"), widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    description = forms.CharField(
        label=_("Description"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    reference = forms.CharField(label=_("Reference number (invoice or contract)"), max_length=64)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=PaymentRequest.Channel.choices, widget=forms.RadioSelect, initial="sms"
    )
    allow_partial = forms.BooleanField(label=_("Allow partial payment"), required=False)
    # One random key per rendered form: a second submit of the same form (double click, reload,
    # slow network) finds the request the first one made instead of texting the customer twice.
    submission_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # Where the service reports a problem with the customer's contact details.
    phone = forms.CharField(required=False, disabled=True, label=_("Customer's mobile"))
    email = forms.CharField(required=False, disabled=True, label=_("Customer's email"))

    def __init__(self, *args, teams, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if teams.count() == 1:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = teams.first().pk
        self.fields["phone"].initial = phone_display(customer.phone) if customer.phone else "—"
        self.fields["email"].initial = customer.email or "—"
        self.fields["amount"].help_text = _("In %(currency)s") % {"currency": customer.organization.currency}
        self.fields["amount"].widget.attrs["placeholder"] = amount_input_text(12550)
        if not self.is_bound:
            self.initial.setdefault("submission_key", secrets.token_urlsafe(16))

    def clean_submission_key(self):
        key = self.cleaned_data.get("submission_key") or ""
        return key if re.fullmatch(r"[A-Za-z0-9_-]{16,64}", key) else ""
