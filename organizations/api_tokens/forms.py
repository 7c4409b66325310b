"""The Admin tab's New API token form."""

from django import forms

from organizations.models import ApiScope, default_api_scopes


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Token name", help_text="e.g. DMS integration")
    acting_user = forms.ModelChoiceField(
        queryset=None, label="Acts as", help_text="Requests made with the token act as this person."
    )
    scopes = forms.MultipleChoiceField(
        choices=ApiScope.choices,
        initial=default_api_scopes,
        widget=forms.CheckboxSelectMultiple,
        label="Scopes",
        help_text="What the token may do; the person it acts as must be allowed too.",
        error_messages={"required": "Pick at least one scope."},
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acting_user"].queryset = users
