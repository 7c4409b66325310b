from zoneinfo import available_timezones

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.display import US_CANADA_ZONES
from core.forms import PhoneField
from core.i18n import user_language
from organizations.models import (
    LANGUAGE_CHOICES,
    STAFF_LANGUAGE_CHOICES,
    Country,
    Organization,
    Role,
    User,
    receipt_prefix_from_name,
)
from organizations.services import ORGANIZATION_DETAIL_FIELDS
from teams.models import Team

_US_CANADA_IDS = {zone for zone, _label in US_CANADA_ZONES}
# The US and Canadian zones first, then the other zones of the Americas. Legacy aliases
# ("US/Central", "Canada/Eastern", "America/Fort_Wayne"...) are not offered.
OTHER_AMERICAN_ZONES = sorted(
    z
    for z in available_timezones()
    if z.startswith("America/")
    and z.count("/") == 1
    and z not in _US_CANADA_IDS
    and z
    not in {
        "America/Fort_Wayne",
        "America/Indianapolis",
        "America/Knox_IN",
        "America/Louisville",
        "America/Atka",
        "America/Ensenada",
        "America/Porto_Acre",
        "America/Rosario",
        "America/Shiprock",
        "America/Virgin",
        "America/Buenos_Aires",
        "America/Catamarca",
        "America/Cordoba",
        "America/Jujuy",
        "America/Mendoza",
        "America/Godthab",
        "America/Santa_Isabel",
        "America/Montreal",
        "America/Coral_Harbour",
    }
)
TIME_ZONE_CHOICES = [
    (_("United States and Canada"), list(US_CANADA_ZONES)),
    (_("Other zones"), [(z, z.removeprefix("America/").replace("_", " ")) for z in OTHER_AMERICAN_ZONES]),
]


class EmailLoginForm(AuthenticationForm):
    """Log in with email and password (emails are stored lower-case)."""

    username = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True}))

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset flow, with the email sent through notifications.email_send (a Celery task,
    the outbox in development)."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email.strip(), is_active=True, organization__isnull=False)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from notifications.services import email_send

        with translation.override(user_language(context["user"])):  # in the person's language
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
        email_send(
            organization=context["user"].organization,
            to=to_email,
            subject=subject,
            body=body,
            purpose="password_reset",
        )


class OrganizationForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    default_language = forms.ChoiceField(
        label=_("Default language"),
        required=False,
        choices=[("", _("Automatic: French in Quebec, English elsewhere"))] + list(LANGUAGE_CHOICES),
        help_text=_("For customers who have not chosen a language, and for staff pages (English or French)."),
    )

    class Meta:
        model = Organization
        fields = list(ORGANIZATION_DETAIL_FIELDS)
        labels = {
            "name": _("Dealership name"),
            "country": _("Country"),
            "time_zone": _("Time zone"),
            "default_language": _("Default language"),
            "legal_name": _("Legal name"),
            "address_line1": _("Address"),
            "address_line2": _("Address (line 2)"),
            "city": _("City"),
            "state": _("State / province"),
            "postal_code": _("Postal code"),
            "support_email": _("Support email"),
            "website": _("Website"),
            "receipt_prefix": _("Receipt prefix"),
        }
        help_texts = {
            "receipt_prefix": _(
                "Starts every receipt number, e.g. MRM-2026-000123 (2 to 6 letters or digits). "
                "Receipts already given keep their number."
            ),
            "country": _("Sets the currency: US → USD, Canada → CAD."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region = (self.instance.country if self.instance else None) or Country.US
        current = self.instance.time_zone if self.instance else ""
        if current and current not in _US_CANADA_IDS and current not in OTHER_AMERICAN_ZONES:
            # A zone set before this list (or in the Django admin) stays selectable as it is.
            self.fields["time_zone"].choices = [*TIME_ZONE_CHOICES, (_("Current"), [(current, current)])]
        self.fields["support_phone"] = PhoneField(
            region=region,
            required=False,
            label=_("Support phone"),
            widget=forms.TextInput(attrs={"type": "tel"}),
        )
        if self.instance and not self.instance.receipt_prefix:
            self.initial["receipt_prefix"] = receipt_prefix_from_name(self.instance.name)
        if self.instance and self.instance.support_phone:
            self.initial["support_phone"] = self.instance.support_phone.as_national


class InvitationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = PhoneField(sms=True, label=_("Mobile phone"), widget=forms.TextInput(attrs={"type": "tel"}))
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ADVISOR)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"), queryset=Team.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].region = organization.country
        self.fields["phone"].widget.attrs["placeholder"] = "(312) 555-0123"
        self.fields["teams"].queryset = Team.objects.filter(organization=organization)


class LanguageForm(forms.Form):
    """The language of the staff interface, chosen by each person."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The dealership's default"))] + list(STAFF_LANGUAGE_CHOICES),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class RegistrationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords don't match."))
        return cleaned
