"""The Admin tab's New API token form."""

from django import forms


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Token name", help_text="e.g. DMS integration")
    acting_user = forms.ModelChoiceField(
        queryset=None, label="Acts as", help_text="Requests made with the token act as this person."
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acting_user"].queryset = users
