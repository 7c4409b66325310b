"""Money and moments in the active language's conventions (Babel), for templates. One date
format everywhere (the Payments tab, requests, reports, payouts, customer pages):

{% load locale_formats %}
{{ pr.amount_minor|money:pr.currency }}        -> $125.50 / 125,50 $ / 125,50 US$
{{ payment.amount_minor|money_with_currency:payment.currency }} -> $80.00 USD / 80,00 $US (a receipt)
{{ pr.expires_at|local_time:org.time_zone }}   -> Nov 22, 2026, 4:05 PM (Chicago time)
{{ pr.created_at|local_time_short:org.time_zone }} -> Nov 22, 2026, 4:05 PM (a table cell)
{{ org.time_zone|zone_name }}                  -> Chicago time (a table's heading names it once)
{{ payout.arrival_date|local_date }}           -> Nov 30, 2026 / 30 nov. 2026
"""

from django import template

from core.i18n import local_date_text, local_datetime_text, money_text, money_with_currency_text, zone_label

register = template.Library()


@register.filter
def money(minor, currency="USD"):
    if minor in (None, ""):
        return ""
    return money_text(int(minor), currency or "USD")


@register.filter
def money_with_currency(minor, currency="USD"):
    if minor in (None, ""):
        return ""
    return money_with_currency_text(int(minor), currency or "USD")


@register.filter
def local_time(value, time_zone):
    return local_datetime_text(value, time_zone or "UTC") if value else ""


@register.filter
def local_time_short(value, time_zone):
    """Without the zone's name (tables)."""
    return local_datetime_text(value, time_zone or "UTC", named=False) if value else ""


@register.filter
def local_date(value):
    return local_date_text(value) if value else ""


@register.filter
def zone_name(time_zone):
    """America/Chicago -> 'Chicago time', 'heure de Chicago'."""
    return zone_label(time_zone or "UTC")


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
