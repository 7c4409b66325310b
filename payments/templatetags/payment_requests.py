from zoneinfo import ZoneInfo

from django import template

from core.i18n import local_datetime_text, money_text

register = template.Library()


@register.filter
def amount(minor, currency="USD"):
    """{{ pr.amount_minor|amount:pr.currency }} -> $125.50; in French 125,50 $US (the page's language)."""
    if minor in (None, ""):
        return ""
    return money_text(int(minor), currency or "USD")


@register.filter
def in_tz(value, time_zone):
    """A datetime in the dealership's time zone, in the page's language, the zone named: 'Nov 22,
    2026, 4:05 PM (Chicago time)', '22 nov. 2026, 16 h 05 (heure de Chicago)' (the one date format;
    core.i18n.local_datetime_text)."""
    if not value:
        return ""
    return local_datetime_text(value, time_zone or "UTC")


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
    """payment_succeeded -> Payment succeeded, in the page's language (history_text.kind_label)."""
    from payments.requests.history_text import kind_label

    return kind_label(kind)


@register.filter
def history_text(event, payment_request=None):
    """A history row's text in the page's language (its stored English message for an old row)."""
    from payments.requests.history_text import event_text

    return event_text(event, payment_request=payment_request)


@register.filter
def history_actor(event):
    from payments.requests.history_text import actor_text

    return actor_text(event)


@register.filter
def status_label(status):
    from payments.requests.history_text import status_label as label

    return label(status)


@register.filter
def message_purpose(purpose):
    """advisor_paid -> 'paid notice to the advisor' (never a raw code on a staff page)."""
    from payments.requests.history_text import message_purpose as purpose_text

    return purpose_text(purpose)
