from django import forms

from core.errors import ApplicationError


def form_add_application_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's ApplicationError next to the field(s) it names, or at the top of the form."""
    if not error.extra:
        form.add_error(None, error.message)
    for field, field_messages in error.extra.items():
        for text in field_messages if isinstance(field_messages, list) else [field_messages]:
            form.add_error(field if field in form.fields else None, text)
