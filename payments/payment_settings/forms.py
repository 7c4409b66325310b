"""Forms of the payment-request pages: they only parse input; the rules are in the services."""

from __future__ import annotations

import re
import secrets

from django import forms

from core.money import parse_major
from payments.models import PaymentRequest
from payments.requests.messages import (
    PLACEHOLDERS,
    UNMATCHED_BRACE_MESSAGE,
    template_unknown_placeholders,
)


class AmountField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_major(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc))


class PaymentRequestForm(forms.Form):
    team = forms.ModelChoiceField(queryset=None, empty_label=None)
    amount = AmountField(
        label="Amount", widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "125.50"})
    )
    description = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    reference = forms.CharField(label="Reference number (invoice or contract)", max_length=64)
    channel = forms.ChoiceField(
        choices=PaymentRequest.Channel.choices, widget=forms.RadioSelect, initial="sms"
    )
    allow_partial = forms.BooleanField(label="Allow partial payment", required=False)
    # One random key per rendered form: a second submit of the same form (double click, reload,
    # slow network) finds the request the first one made instead of texting the customer twice.
    submission_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # Where the service reports a problem with the customer's contact details.
    phone = forms.CharField(required=False, disabled=True, label="Customer's mobile")
    email = forms.CharField(required=False, disabled=True, label="Customer's email")

    def __init__(self, *args, teams, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if teams.count() == 1:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = teams.first().pk
        self.fields["phone"].initial = str(customer.phone) if customer.phone else "—"
        self.fields["email"].initial = customer.email or "—"
        self.fields["amount"].help_text = f"In {customer.organization.currency}"
        if not self.is_bound:
            self.initial.setdefault("submission_key", secrets.token_urlsafe(16))

    def clean_submission_key(self):
        key = self.cleaned_data.get("submission_key") or ""
        return key if re.fullmatch(r"[A-Za-z0-9_-]{16,64}", key) else ""


class PayAmountForm(forms.Form):
    amount = AmountField(required=False, label="Amount to pay now")


class PaymentSettingsForm(forms.Form):
    sms_template = forms.CharField(
        label="SMS text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Leave empty for the default (fits one SMS). Placeholders: "
        + ", ".join("{" + k + "}" for k in PLACEHOLDERS),
    )
    email_template = forms.CharField(
        label="Email text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Leave empty for the default.",
    )
    reminders_enabled = forms.BooleanField(label="Send one reminder before the link expires", required=False)
    reminder_hours_before_expiry = forms.IntegerField(label="Hours before expiry", min_value=1, max_value=23)
    max_payment = AmountField(label="Largest payment per request")

    def _check_template(self, name):
        value = self.cleaned_data.get(name, "")
        unknown = template_unknown_placeholders(value)
        if unknown == ["{"]:
            raise forms.ValidationError(UNMATCHED_BRACE_MESSAGE)
        if unknown:
            raise forms.ValidationError(
                "Unknown placeholder(s): "
                + ", ".join("{" + u + "}" for u in unknown)
                + ". Use: "
                + ", ".join("{" + k + "}" for k in PLACEHOLDERS)
            )
        return value

    def clean_max_payment(self):
        from django.conf import settings

        from core.money import format_minor

        value = self.cleaned_data.get("max_payment")
        if value is not None and not 50 <= value <= settings.DEFAULT_MAX_PAYMENT_MINOR:
            raise forms.ValidationError(
                f"Choose a limit from {format_minor(50, 'USD')} to {format_minor(settings.DEFAULT_MAX_PAYMENT_MINOR, 'USD')}."
            )
        return value

    def clean_sms_template(self):
        value = self._check_template("sms_template")
        if value and "{link}" not in value:
            raise forms.ValidationError("The SMS must contain {link}, the pay link.")
        return value

    def clean_email_template(self):
        value = self._check_template("email_template")
        if value and "{link}" not in value:
            raise forms.ValidationError("The email must contain {link}, the pay link.")
        return value


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Token name", help_text="e.g. DMS integration")
    acting_user = forms.ModelChoiceField(
        queryset=None, label="Acts as", help_text="Requests made with the token act as this person."
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acting_user"].queryset = users
