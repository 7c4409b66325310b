from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from core.errors import ApplicationError
from core.money import parse_major


def form_add_application_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's ApplicationError next to the field(s) it names, or at the top of the form."""
    if not error.extra:
        form.add_error(None, error.message)
    for field, field_messages in error.extra.items():
        for text in field_messages if isinstance(field_messages, list) else [field_messages]:
            form.add_error(field if field in form.fields else None, text)


class PhoneField(PhoneNumberField):
    """A phone number typed by staff. The `phonenumbers` library reads letters as keypad digits
    (1-800-FLOWERS), so "31255abcde" would become a valid-looking number: we refuse letters."""

    default_error_messages = {
        **PhoneNumberField.default_error_messages,
        "letters": _("A phone number has digits only (letters aren't read as keypad digits)."),
    }

    def to_python(self, value):
        if isinstance(value, str) and any(char.isalpha() for char in value):
            raise forms.ValidationError(self.error_messages["letters"], code="letters")
        return super().to_python(value)


class AmountField(forms.CharField):
    """An amount typed in major units ("125.50"), cleaned to integer minor units (12550)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_major(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc))
