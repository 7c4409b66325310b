"""Money and moments in the active language's conventions (Babel), for templates:

{% load locale_formats %}
{{ pr.amount_minor|money:pr.currency }}        -> $125.50 / 125,50 $ / 125,50 US$
{{ pr.expires_at|local_time:org.time_zone }}   -> Nov 22, 2026, 4:05 PM (Chicago time)
"""

from django import template

from core.i18n import local_datetime_text, money_text

register = template.Library()


@register.filter
def money(minor, currency="USD"):
    if minor in (None, ""):
        return ""
    return money_text(int(minor), currency or "USD")


@register.filter
def local_time(value, time_zone):
    return local_datetime_text(value, time_zone or "UTC") if value else ""


@register.filter
def local_time_short(value, time_zone):
    """Without the zone's name (tables)."""
    return local_datetime_text(value, time_zone or "UTC", named=False) if value else ""


@register.filter
def utc(value):
    """2026-11-22 21:05 UTC (the same in every language)."""
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M UTC") if value else ""


@register.filter
def amount_input(minor):
    """Minor units as the language types them in a field: 125050 -> 1250,50 in French."""
    from core.i18n import amount_input_text

    return amount_input_text(int(minor)) if minor not in (None, "") else ""
