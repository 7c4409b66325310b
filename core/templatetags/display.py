from django import template

from core.display import phone_display

register = template.Library()


@register.filter
def phone(number):
    """{{ customer.phone|phone }} -> (312) 555-0199 (national for US/CA, international otherwise)."""
    return phone_display(number)
