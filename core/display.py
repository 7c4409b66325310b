"""How values read on every page: one phone format; the time zones a dealership picks from."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext_lazy as _

# The US and Canadian zones a dealership picks from, first in the time-zone list (west to east is
# how people scan them; the rest of the Americas follows, alphabetically).
US_CANADA_ZONES = (
    ("America/New_York", _("Eastern time (New York)")),
    ("America/Chicago", _("Central time (Chicago)")),
    ("America/Denver", _("Mountain time (Denver)")),
    ("America/Phoenix", _("Mountain time, no daylight saving (Phoenix)")),
    ("America/Los_Angeles", _("Pacific time (Los Angeles)")),
    ("America/Anchorage", _("Alaska time (Anchorage)")),
    ("Pacific/Honolulu", _("Hawaii time (Honolulu)")),
    ("America/Halifax", _("Atlantic time (Halifax)")),
    ("America/St_Johns", _("Newfoundland time (St. John's)")),
    ("America/Toronto", _("Eastern time (Toronto)")),
    ("America/Winnipeg", _("Central time (Winnipeg)")),
    ("America/Regina", _("Central time, no daylight saving (Regina)")),
    ("America/Edmonton", _("Mountain time (Edmonton)")),
    ("America/Vancouver", _("Pacific time (Vancouver)")),
    ("America/Whitehorse", _("Yukon time (Whitehorse)")),
)


def phone_display(number) -> str:
    """One format on every page: national for US/Canadian numbers ("(312) 555-0199"), international
    for the others ("+44 20 7123 4567"). Accepts a PhoneNumber, an E.164 string or anything else
    (an email address, which is returned as it is)."""
    if not number:
        return ""
    text = str(number)
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(parsed):
        return text
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, style)
