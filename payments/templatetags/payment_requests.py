from zoneinfo import ZoneInfo

from django import template

from core.i18n import money_text

register = template.Library()


@register.filter
def amount(minor, currency="USD"):
    """{{ pr.amount_minor|amount:pr.currency }} -> $125.50; in French 125,50 $US (the page's language)."""
    if minor in (None, ""):
        return ""
    return money_text(int(minor), currency or "USD")


@register.filter
def in_tz(value, time_zone):
    """A datetime in the dealership's time zone: 'Nov 22, 2026, 4:05 PM CST'."""
    if not value:
        return ""
    local = value.astimezone(ZoneInfo(time_zone or "UTC"))
    return local.strftime("%b %-d, %Y, %-I:%M %p %Z")


@register.filter
def utc(value):
    if not value:
        return ""
    return value.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M UTC")


@register.inclusion_tag("payments/_customer_requests.html", takes_context=True)
def customer_payment_requests(context, customer):
    """The customer page's list of payment requests the viewer may see."""
    from payments.accounts.selectors import teams_without_ready_account
    from payments.requests.selectors import customer_payment_request_list, requestable_teams

    user = context["request"].user
    teams = list(requestable_teams(user))
    return {
        "customer_payment_requests": customer_payment_request_list(user=user, customer=customer),
        # Said before anyone presses Send: no team of this user can take a payment now.
        "payments_unavailable": bool(teams) and len(teams_without_ready_account(teams)) == len(teams),
    }


@register.filter
def event_label(kind):
    """payment_succeeded -> Payment succeeded"""
    return str(kind or "").replace("_", " ").capitalize()


_MESSAGE_PURPOSES = {
    "payment_request": "payment request",
    "payment_reminder": "reminder",
    "receipt": "receipt",
    "refund": "refund notice",
    "advisor_paid": "paid notice to the advisor",
}


@register.filter
def message_purpose(purpose):
    """advisor_paid -> 'paid notice to the advisor' (never a raw code on a staff page)."""
    return _MESSAGE_PURPOSES.get(purpose or "", str(purpose or "message").replace("_", " "))
