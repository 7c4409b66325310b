"""The Admin tab's Payment settings form: it only parses input; the rules are in services.py."""

from __future__ import annotations

from django import forms

from core.forms import AmountField
from payments.requests.messages import (
    PLACEHOLDERS,
    UNMATCHED_BRACE_MESSAGE,
    template_unknown_placeholders,
)


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
    max_requests_per_customer_hour = forms.IntegerField(
        label="Payment requests to one customer per hour",
        required=False,
        min_value=1,
        max_value=100,
        help_text="A request beyond it is refused, with a message saying when the next one can go.",
    )
    max_requests_per_customer_day = forms.IntegerField(
        label="Payment requests to one customer per day", required=False, min_value=1, max_value=500
    )
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


class MessageTextsForm(forms.Form):
    """One SMS and one email text per customer language (fields sms_<lang>, email_<lang>)."""

    def __init__(self, *args, languages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for language in languages:
            self.fields[f"sms_{language}"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "data-sms": language, "lang": language}),
            )
            self.fields[f"email_{language}"] = forms.CharField(
                required=False, widget=forms.Textarea(attrs={"rows": 6, "lang": language})
            )

    def texts_by_language(self, languages: list[str]) -> dict[str, dict[str, str]]:
        return {
            language: {
                "sms": self.cleaned_data.get(f"sms_{language}", ""),
                "email": self.cleaned_data.get(f"email_{language}", ""),
            }
            for language in languages
        }
