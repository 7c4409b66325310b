from django import forms

from payments.dealer_webhooks.events import EventType


class WebhookEndpointForm(forms.Form):
    url = forms.CharField(
        label="Endpoint URL",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://dms.example.com/textpay/webhooks"}),
        help_text="Your system's address that receives the events (https).",
    )
    description = forms.CharField(max_length=200, required=False, help_text="For you: what this endpoint is.")
    event_types = forms.MultipleChoiceField(
        label="Events to send",
        choices=[(value, f"{value} — {label}") for value, label in EventType.choices],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one event type."},
    )


class WebhookEndpointEditForm(WebhookEndpointForm):
    enabled = forms.BooleanField(required=False, label="Enabled (send events to this endpoint)")
