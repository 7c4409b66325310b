from django import template

from core.money import format_minor, minor_to_major_text

register = template.Library()


@register.filter
def money(minor, currency="USD"):
    """{{ payment.amount_minor|money:payment.currency }} -> $125.50"""
    if minor in (None, ""):
        return ""
    return format_minor(int(minor), currency or "USD")


@register.filter
def major(minor):
    """Minor units as a plain decimal for form fields: 12550 -> 125.50"""
    if minor in (None, ""):
        return ""
    return minor_to_major_text(int(minor))


@register.filter
def kind_label(kind: str) -> str:
    """refund_requested -> Refund requested"""
    return (kind or "").replace("_", " ").capitalize()
