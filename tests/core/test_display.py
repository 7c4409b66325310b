"""One phone format, named time zones, the US/Canadian zones first (issue 17, item 3)."""

import pytest
from django import forms

from core.display import phone_display
from core.forms import PhoneField
from organizations.forms import OTHER_AMERICAN_ZONES, TIME_ZONE_CHOICES, OrganizationForm
from tests.factories import OrganizationFactory


class _SmsForm(forms.Form):
    phone = PhoneField(region="US", sms=True)


@pytest.mark.parametrize(
    "typed, code",
    [
        ("(800) 555-0100", "toll_free"),  # US toll-free
        ("+1 888 555 1234", "toll_free"),
        ("+1 900 555 0100", "toll_free"),  # premium rate
        ("+44 20 7123 4567", "not_mobile"),  # a London landline
        ("+33 1 23 45 67 89", "not_mobile"),  # a Paris landline
    ],
)
def test_numbers_that_cannot_get_a_text_are_refused_with_a_message(typed, code):
    form = _SmsForm(data={"phone": typed})
    assert not form.is_valid()
    assert form.errors.as_data()["phone"][0].code == code
    assert "can't receive text messages" in form.errors["phone"][0]


@pytest.mark.parametrize(
    "typed", ["(312) 555-0199", "+1 416 555 0123", "+44 7911 123456", "+33 6 12 34 56 78"]
)
def test_mobiles_and_us_canadian_numbers_are_accepted(typed):
    # US/CA numbers are "fixed line or mobile" in phonenumbers: they can't be told apart, so accepted.
    form = _SmsForm(data={"phone": typed})
    assert form.is_valid(), form.errors


def test_a_landline_is_fine_where_nobody_texts_it():
    class SupportForm(forms.Form):
        phone = PhoneField(region="US")

    assert SupportForm(data={"phone": "(800) 555-0100"}).is_valid()


@pytest.mark.django_db
def test_customer_and_invitation_forms_refuse_a_toll_free_mobile(client, admin_user, org):
    client.force_login(admin_user)
    html = client.post(
        "/customers/new/", {"name": "Tollie", "phone": "1-800-555-0100", "preferred_language": "en"}
    ).content.decode()
    assert "Toll-free and premium numbers can&#x27;t receive text messages" in html
    html = client.post(
        "/manage/invitations/new/",
        {"name": "Lana Line", "phone": "+44 20 7123 4567", "email": "lana@example.net", "role": "advisor"},
    ).content.decode()
    assert "This is a landline number" in html


@pytest.mark.parametrize(
    "value, shown",
    [
        ("+13125550199", "(312) 555-0199"),
        ("+14165550123", "(416) 555-0123"),
        ("+447911123456", "+44 7911 123456"),
        ("carla@example.net", "carla@example.net"),
        ("", ""),
    ],
)
def test_phone_display_is_national_for_us_canada_and_international_otherwise(value, shown):
    assert phone_display(value) == shown


def test_the_zone_list_starts_with_the_us_and_canadian_zones_and_has_no_legacy_aliases():
    group, first = TIME_ZONE_CHOICES[0]
    assert group == "United States and Canada"
    ids = [zone for zone, _label in first]
    assert ids[:5] == [
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
    ]
    assert {"America/Toronto", "America/Vancouver", "America/Halifax"} <= set(ids)
    everything = ids + list(OTHER_AMERICAN_ZONES)
    assert not [z for z in everything if z.startswith(("US/", "Canada/"))]
    assert "America/Indianapolis" not in everything and "America/Montreal" not in everything


@pytest.mark.django_db
def test_a_dealership_on_a_legacy_zone_keeps_it_selectable():
    org = OrganizationFactory(time_zone="US/Central")
    form = OrganizationForm(instance=org)
    assert ("US/Central", "US/Central") in form.fields["time_zone"].choices[-1][1]
