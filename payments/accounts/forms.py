"""Forms of Admin tab -> Connections. They only coerce input; the rules live in
payments.accounts.services (errors come back as ApplicationError.extra["fields"] and are shown per field)."""

from django import forms

from payments.gateway.consts import WEEKDAYS
from payments.models import StripeAccount


class ConnectForm(forms.Form):
    authorized = forms.BooleanField(required=False, label="I am authorised to sign for the organization")
    display_name = forms.CharField(
        required=False, max_length=120, label="Name of this account (e.g. the store)"
    )


class PayoutScheduleForm(forms.Form):
    interval = forms.ChoiceField(choices=StripeAccount.PayoutInterval.choices, label="Payouts")
    weekly_anchor = forms.ChoiceField(
        required=False,
        choices=[("", "—")] + [(day, day.capitalize()) for day in WEEKDAYS],
        label="Day of the week (weekly)",
    )
    monthly_anchor = forms.IntegerField(required=False, label="Day of the month (monthly)")
    delay_days = forms.IntegerField(required=False, label="Delay days")


class StatementDescriptorForm(forms.Form):
    statement_descriptor = forms.CharField(
        max_length=100,
        label="Statement descriptor",
        help_text="What customers see on their card statement: 5–22 characters, at least one letter, "
        "none of < > \\ ' \" *",
    )


class LabelForm(forms.Form):
    display_name = forms.CharField(required=False, max_length=200, label="Name of this account")
    customer_label = forms.CharField(
        required=False,
        max_length=200,
        label="Label customers see",
        help_text='e.g. "Pay by card — Smith Tractors"',
    )
