from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PhoneField
from core.i18n import organization_language
from customers.models import Language


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = PhoneField(
        sms=True,
        label=_("Mobile phone"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "placeholder": "(312) 555-0123"}),
        help_text=_("Numbers from other countries start with + and the country code."),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=Language.choices,
        initial=Language.EN,
        help_text=_("Their messages, pay page and receipts come in this language."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        # A national number is read in the dealership's country (US or CA).
        self.fields["phone"].region = organization.country
        if "preferred_language" not in self.initial:  # a new customer: the dealership's language
            self.fields["preferred_language"].initial = organization_language(organization)
        phone = self.initial.get("phone")
        if phone and hasattr(phone, "as_national") and phone.country_code == 1:
            self.initial["phone"] = phone.as_national

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("phone") and not cleaned.get("email"):
            self.add_error("phone", _("Enter a mobile phone or an email, so the customer can be reached."))
        return cleaned


class OpportunityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("e.g. 2024 F-150 purchase"))
    reference = forms.CharField(label=_("Reference number"), max_length=64, required=False)
