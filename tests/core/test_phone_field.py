import pytest
from django import forms

from core.forms import PhoneField


class _Form(forms.Form):
    phone = PhoneField(region="US")


@pytest.mark.parametrize("typed", ["31255abcde", "1-800-FLOWERS", "(312) 555-O123"])
def test_letters_in_a_phone_are_refused_with_a_message(typed):
    form = _Form(data={"phone": typed})
    assert not form.is_valid()
    assert "digits only" in form.errors["phone"][0]


def test_a_national_number_is_stored_in_e164():
    form = _Form(data={"phone": "(312) 555-0123"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"].as_e164 == "+13125550123"
