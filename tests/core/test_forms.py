"""The one helper that shows a service's ApplicationError on a page's form."""

from django import forms

from core.errors import ApplicationError
from core.forms import form_add_application_error


class _Form(forms.Form):
    name = forms.CharField(required=False)
    password1 = forms.CharField(required=False)


def _bound() -> _Form:
    form = _Form({"name": "x", "password1": "y"})
    assert form.is_valid()
    return form


def test_field_messages_go_next_to_their_field_and_unknown_fields_to_the_top():
    form = _bound()
    error = ApplicationError(
        "Fix it.", extra={"fields": {"name": ["Too short.", "Taken."], "team": ["Bad."]}}
    )
    form_add_application_error(form, error)
    assert form.errors["name"] == ["Too short.", "Taken."]
    assert form.non_field_errors() == ["Bad."]


def test_an_error_naming_no_field_shows_its_message_at_the_top():
    form = _bound()
    form_add_application_error(form, ApplicationError("Nope.", extra={"status": "paid"}))
    assert form.non_field_errors() == ["Nope."]
    assert "name" not in form.errors


def test_field_map_renames_a_service_field_to_the_form_field():
    form = _bound()
    error = ApplicationError("Weak.", extra={"fields": {"password": ["Too common."]}})
    form_add_application_error(form, error, field_map={"password": "password1"})
    assert form.errors["password1"] == ["Too common."]
