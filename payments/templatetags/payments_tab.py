from django import template
from django.utils.translation import gettext_lazy as _

from core.i18n import money_text
from core.money import minor_to_major_text

register = template.Library()


@register.filter
def money(minor, currency="USD"):
    """{{ payment.amount_minor|money:payment.currency }} -> $125.50; 125,50 $US in French (the
    page's language, as locale_formats' money)."""
    if minor in (None, ""):
        return ""
    return money_text(int(minor), currency or "USD")


@register.filter
def major(minor):
    """Minor units as a plain decimal for form fields: 12550 -> 125.50"""
    if minor in (None, ""):
        return ""
    return minor_to_major_text(int(minor))


@register.filter
def kind_label(kind: str) -> str:
    """refund_requested -> Refund requested / Remboursement demandé (the page's language)."""
    from payments.requests.history_text import kind_label as label

    return label(kind)


PAYMENTS_OPTIONAL_COLUMNS = [
    ("advisor", _("Advisor")),
    ("team", _("Team")),
    ("fee", _("Fee")),
    ("net", _("Net")),
    ("method", _("Method")),
    ("reconciled", _("Reconciled")),
]


@register.simple_tag
def payments_optional_columns():
    """The Payments table's columns a user can hide (Columns menu; remembered in the browser)."""
    return PAYMENTS_OPTIONAL_COLUMNS
