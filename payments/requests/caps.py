"""How many payment requests one customer may be sent: the organization's caps per hour and per
day (Organization.max_requests_per_customer_hour / _day, Admin tab → Payment settings). A loop of
cancel-then-resend through the API once sent a customer over 200 SMS in 7 minutes."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from customers.models import Customer
from organizations.models import Organization
from organizations.selectors import organization_zone
from payments.models import PaymentRequest

WINDOWS = (("hour", timedelta(hours=1)), ("day", timedelta(days=1)))


def customer_request_cap_error(*, organization: Organization, customer: Customer) -> str:
    """'' when one more request may be sent to `customer`; otherwise a message saying which cap was
    hit and when the next request can go (in the dealership's time zone)."""
    now = timezone.now()
    caps = {
        "hour": organization.max_requests_per_customer_hour,
        "day": organization.max_requests_per_customer_day,
    }
    for name, window in WINDOWS:
        cap = caps[name]
        sent = list(
            PaymentRequest.objects.filter(
                organization=organization, customer=customer, sent_at__gte=now - window
            )
            .order_by("-sent_at")
            .values_list("sent_at", flat=True)[:cap]
        )
        if len(sent) >= cap:
            next_at = (sent[-1] + window).astimezone(organization_zone(organization))
            when = next_at.strftime("%-I:%M %p") if name == "hour" else next_at.strftime("%b %-d, %-I:%M %p")
            return (
                f"{customer.name} was already sent {cap} payment request{'s' if cap != 1 else ''} in the "
                f"last {name} (your dealership's limit). The next one can go at {when}; an Admin can "
                "change the limit in Payment settings."
            )
    return ""
