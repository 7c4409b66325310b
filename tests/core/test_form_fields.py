"""templates/includes/form_fields.html: help and errors carry the ids Django's widgets point
aria-describedby at, and a radio group is a fieldset whose legend names it (issue 17, item 5)."""

import re

from django import forms
from django.template.loader import render_to_string


class _Form(forms.Form):
    amount = forms.CharField(help_text="In USD")
    channel = forms.ChoiceField(
        choices=[("sms", "SMS"), ("email", "Email")], widget=forms.RadioSelect, help_text="How it's sent"
    )


def test_help_and_errors_are_what_the_widget_points_at():
    form = _Form(data={"amount": "", "channel": ""})
    assert not form.is_valid()
    html = render_to_string("includes/form_fields.html", {"form": form})
    field = re.search(r"<input[^>]*name=\"amount\"[^>]*>", html).group(0)
    assert 'aria-describedby="id_amount_helptext id_amount_error"' in field
    assert 'aria-invalid="true"' in field
    assert 'id="id_amount_helptext"' in html and 'id="id_amount_error"' in html


def test_a_radio_group_is_a_fieldset_with_a_legend():
    form = _Form(data={"amount": "1", "channel": ""})
    form.is_valid()
    html = render_to_string("includes/form_fields.html", {"form": form})
    fieldset = re.search(r"<fieldset[^>]*>\s*<legend>Channel</legend>", html)
    assert fieldset, html
    assert 'aria-describedby="id_channel_helptext id_channel_error"' in fieldset.group(0)
    assert '<label for="id_channel"' not in html  # no empty label for the group
