"""Admin tab -> Payment settings: an organization's message templates, reminder and largest payment."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from core.errors import ApplicationError, PermissionDenied
from core.money import format_minor
from organizations import permissions
from organizations.models import Organization, User
from payments.requests.messages import UNMATCHED_BRACE_MESSAGE, template_unknown_placeholders


@transaction.atomic
def organization_payment_settings_update(
    *,
    user: User,
    sms_template: str,
    email_template: str,
    reminders_enabled: bool,
    reminder_hours_before_expiry: int,
    max_payment_minor: int,
    max_requests_per_customer_hour: int | None = None,
    max_requests_per_customer_day: int | None = None,
) -> Organization:
    if not permissions.can_manage_organization(user):
        raise PermissionDenied("Only Admins change payment settings.")
    organization = Organization.objects.select_for_update().get(pk=user.organization_id)
    errors: dict[str, list[str]] = {}
    for field, value in (("sms_template", sms_template), ("email_template", email_template)):
        unknown = template_unknown_placeholders(value or "")
        if unknown == ["{"]:
            errors[field] = [UNMATCHED_BRACE_MESSAGE]
        elif unknown:
            errors[field] = ["Unknown placeholder(s): " + ", ".join("{" + u + "}" for u in unknown)]
        elif value and "{link}" not in value:
            errors[field] = ["The text must contain {link}, the pay link."]
    if not 1 <= int(reminder_hours_before_expiry) <= settings.PAYMENT_REQUEST_LIFETIME_HOURS - 1:
        errors["reminder_hours_before_expiry"] = [
            f"Choose 1 to {settings.PAYMENT_REQUEST_LIFETIME_HOURS - 1} hours before expiry."
        ]
    platform_max = settings.DEFAULT_MAX_PAYMENT_MINOR
    if not 50 <= int(max_payment_minor) <= platform_max:
        errors["max_payment"] = [
            f"Choose a limit from {format_minor(50, organization.currency)} to {format_minor(platform_max, organization.currency)}."
        ]
    hour = (
        organization.max_requests_per_customer_hour
        if max_requests_per_customer_hour is None
        else int(max_requests_per_customer_hour)
    )
    day = (
        organization.max_requests_per_customer_day
        if max_requests_per_customer_day is None
        else int(max_requests_per_customer_day)
    )
    if hour < 1:
        errors["max_requests_per_customer_hour"] = ["Allow at least one request per hour."]
    if day < hour:
        errors["max_requests_per_customer_day"] = ["The daily limit can't be below the hourly one."]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], extra={"fields": errors})
    organization.max_requests_per_customer_hour = hour
    organization.max_requests_per_customer_day = day
    organization.sms_template = (sms_template or "").strip()
    organization.email_template = (email_template or "").strip()
    organization.reminders_enabled = bool(reminders_enabled)
    organization.reminder_hours_before_expiry = int(reminder_hours_before_expiry)
    organization.max_payment_minor = int(max_payment_minor)
    organization.save(
        update_fields=[
            "sms_template",
            "email_template",
            "reminders_enabled",
            "reminder_hours_before_expiry",
            "max_payment_minor",
            "max_requests_per_customer_hour",
            "max_requests_per_customer_day",
        ]
    )
    return organization
