import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from core.errors import ApplicationError
from core.i18n import amount_parse


def form_add_application_error(
    form: forms.Form, error: ApplicationError, *, field_map: dict[str, str] | None = None
) -> None:
    """Show a service's ApplicationError on a page's form: each message of `extra["fields"]` next to
    its field (`field_map` renames a service field to the form's, e.g. password -> password1), at
    the top when the form has no such field; the error's message at the top when it names none.
    The one helper for this: every page uses it."""
    fields = error.field_errors
    if not fields:
        form.add_error(None, error.message)
    for name, messages in fields.items():
        target = (field_map or {}).get(name, name)
        for text in messages if isinstance(messages, list | tuple) else [messages]:
            form.add_error(target if target in form.fields else None, text)


# Numbers that can't receive a text message, by `phonenumbers`' number type. US and Canadian
# numbers can't be told apart (FIXED_LINE_OR_MOBILE): those are accepted.
_NOT_FOR_SMS = {
    phonenumbers.PhoneNumberType.FIXED_LINE: "not_mobile",
    phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "toll_free",
    phonenumbers.PhoneNumberType.SHARED_COST: "toll_free",
}


class PhoneField(PhoneNumberField):
    """A phone number typed by staff. The `phonenumbers` library reads letters as keypad digits
    (1-800-FLOWERS), so "31255abcde" would become a valid-looking number: we refuse letters.
    With sms=True (a number we text), landlines and toll-free numbers are refused too."""

    default_error_messages = {
        **PhoneNumberField.default_error_messages,
        "letters": _("A phone number has digits only (letters aren't read as keypad digits)."),
        "not_mobile": _(
            "This is a landline number, which can't receive text messages. Enter a mobile number."
        ),
        "toll_free": _("Toll-free and premium numbers can't receive text messages. Enter a mobile number."),
    }

    def __init__(self, *args, sms: bool = False, **kwargs):
        self.sms = sms
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and any(char.isalpha() for char in value):
            raise forms.ValidationError(self.error_messages["letters"], code="letters")
        number = super().to_python(value)
        if self.sms and number and number.is_valid():
            code = _NOT_FOR_SMS.get(phonenumbers.number_type(number))
            if code:
                raise forms.ValidationError(self.error_messages[code], code=code)
        return number


class AmountField(forms.CharField):
    """An amount typed in major units, as the interface's language writes it ("125.50"; in
    French "125,50" or "1 234,56"), cleaned to integer minor units (12550). See
    core.i18n.amount_parse."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return amount_parse(value)
        except ValueError as exc:  # the message names the field: "Amount: "12,34" is ambiguous ..."
            raise forms.ValidationError(f"{self.label}: {exc}" if self.label else str(exc))
