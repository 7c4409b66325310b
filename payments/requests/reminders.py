"""The one reminder before a link expires, never in the dealership's quiet hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from payments.models import PaymentRequest
from payments.requests import messages as texts
from payments.requests.customer_messages import customer_message_send
from payments.requests.history import history_record
from payments.requests.states import S

if TYPE_CHECKING:
    pass


QUIET_HOURS = (21, 8)  # no reminders from 21:00 to 08:00 in the dealership's time zone


# ---------------------------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------------------------
def in_quiet_hours(*, when: datetime, time_zone: str) -> bool:
    local = when.astimezone(ZoneInfo(time_zone))
    start, end = QUIET_HOURS
    return local.hour >= start or local.hour < end


def reminder_due_from(*, expires_at: datetime, hours_before: int, time_zone: str) -> datetime:
    """When the reminder becomes due: `hours_before` the expiry; but if that whole window lies in
    one quiet-hours night (e.g. a link expiring at 01:00), from 20:00 the evening before, so the
    customer still gets it before quiet hours start."""
    due_from = expires_at - timedelta(hours=hours_before)
    tz = ZoneInfo(time_zone)
    local = due_from.astimezone(tz)
    start_hour, end_hour = QUIET_HOURS
    if not in_quiet_hours(when=due_from, time_zone=time_zone):
        return due_from
    night = local if local.hour >= start_hour else local - timedelta(days=1)
    quiet_start = night.replace(hour=start_hour, minute=0, second=0, microsecond=0)
    quiet_end = (night + timedelta(days=1)).replace(hour=end_hour, minute=0, second=0, microsecond=0)
    if expires_at.astimezone(tz) <= quiet_end:
        return (quiet_start - timedelta(hours=1)).astimezone(due_from.tzinfo)
    return due_from


def payment_request_remind(*, payment_request_id: int, now: datetime | None = None) -> bool:
    """Send the one reminder if it is due now (organization setting on, within N hours of
    expiry (see `reminder_due_from`), not yet sent, still unpaid, outside quiet hours). True
    when it was sent."""

    now = now or timezone.now()
    with transaction.atomic():
        request = (
            PaymentRequest.objects.select_for_update(of=("self",))
            .select_related("organization", "customer", "created_by")
            .get(pk=payment_request_id)
        )
        org = request.organization
        if (
            not org.reminders_enabled
            or request.reminder_sent_at is not None
            or request.status not in (S.SENT, S.OPENED)
            or request.expires_at is None
            or not (
                reminder_due_from(
                    expires_at=request.expires_at,
                    hours_before=org.reminder_hours_before_expiry,
                    time_zone=org.time_zone,
                )
                <= now
                < request.expires_at
            )
            or in_quiet_hours(when=now, time_zone=org.time_zone)
        ):
            return False
        subject, body = texts.reminder_email_subject_and_body(request)
        sent = customer_message_send(
            payment_request=request,
            purpose="payment_reminder",
            sms_body=texts.reminder_sms_text(request),
            email_subject=subject,
            email_body=body,
        )
        request.reminder_sent_at = now
        request.save(update_fields=["reminder_sent_at", "updated_at"])
        history_record(
            payment_request=request,
            kind="reminder_sent",
            actor_label="system",
            message=f"Reminder sent by {' and '.join(sent) or 'no channel (opted out)'}",
            data={"channels": sent},
        )
        return bool(sent)
