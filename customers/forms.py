from django import forms

from core.forms import PhoneField
from customers.models import Language


class CustomerForm(forms.Form):
    name = forms.CharField(max_length=150)
    phone = PhoneField(
        label="Mobile phone",
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "placeholder": "(312) 555-0123"}),
        help_text="Numbers from other countries start with + and the country code.",
    )
    email = forms.EmailField(required=False)
    preferred_language = forms.ChoiceField(choices=Language.choices, initial=Language.EN)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        # A national number is read in the dealership's country (US or CA).
        self.fields["phone"].region = organization.country
        phone = self.initial.get("phone")
        if phone and hasattr(phone, "as_national") and phone.country_code == 1:
            self.initial["phone"] = phone.as_national

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("phone") and not cleaned.get("email"):
            self.add_error("phone", "Enter a mobile phone or an email, so the customer can be reached.")
        return cleaned


class OpportunityForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="e.g. 2024 F-150 purchase")
    reference = forms.CharField(label="Reference number", max_length=64, required=False)
