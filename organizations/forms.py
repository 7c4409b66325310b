from zoneinfo import available_timezones

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.forms import PhoneField
from core.i18n import user_language
from organizations.models import LANGUAGE_CHOICES, STAFF_LANGUAGE_CHOICES, Country, Organization, Role, User
from organizations.services import ORGANIZATION_DETAIL_FIELDS
from teams.models import Team

NORTH_AMERICAN_ZONES = sorted(
    z for z in available_timezones() if z.startswith(("America/", "Pacific/Honolulu", "US/", "Canada/"))
)


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
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=[(z, z.replace("_", " ")) for z in NORTH_AMERICAN_ZONES]
    )
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
        }
        help_texts = {
            "country": _("Sets the currency: US → USD, Canada → CAD."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region = (self.instance.country if self.instance else None) or Country.US
        self.fields["support_phone"] = PhoneField(
            region=region,
            required=False,
            label=_("Support phone"),
            widget=forms.TextInput(attrs={"type": "tel"}),
        )
        if self.instance and self.instance.support_phone:
            self.initial["support_phone"] = self.instance.support_phone.as_national


class InvitationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = PhoneField(label=_("Mobile phone"), widget=forms.TextInput(attrs={"type": "tel"}))
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
