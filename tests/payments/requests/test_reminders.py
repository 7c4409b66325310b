"""The one reminder before a link expires, outside the dealership's quiet hours."""

from datetime import UTC, datetime, timedelta

import pytest

from notifications.models import OutboundMessage
from payments.models import PaymentRequest
from payments.requests.reminders import payment_request_remind
from payments.requests.tasks import send_payment_reminders_task
from tests.payments.requests.helpers import create

S = PaymentRequest.Status


# --- reminders ----------------------------------------------------------------------------------------
def _at_local(org, hour, minute=0):
    from zoneinfo import ZoneInfo

    local = datetime(2026, 6, 10, hour, minute, tzinfo=ZoneInfo(org.time_zone))
    return local.astimezone(UTC)


@pytest.mark.django_db
def test_reminder_once_within_window_outside_quiet_hours(advisor, team, customer, account, org):
    pr = create(advisor, team, customer, channel="sms")
    now = _at_local(org, 14)
    PaymentRequest.objects.filter(pk=pr.pk).update(expires_at=now + timedelta(hours=3))
    assert payment_request_remind(payment_request_id=pr.pk, now=now) is True
    assert payment_request_remind(payment_request_id=pr.pk, now=now + timedelta(minutes=5)) is False
    reminders = OutboundMessage.objects.filter(payment_request=pr, purpose="payment_reminder")
    assert reminders.count() == 1 and "reminder" in reminders.get().body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hour, hours_left, enabled, status, sent",
    [
        (14, 5, True, "sent", False),  # too early (default 4 h before)
        (14, 4, True, "sent", True),
        (14, 1, True, "opened", True),
        (21, 2, True, "sent", False),  # quiet hours start at 21:00
        (7, 2, True, "sent", False),  # ... and end at 08:00
        (8, 2, True, "sent", True),
        (20, 2, True, "sent", True),
        (14, 2, False, "sent", False),  # organization turned reminders off
        (14, 2, True, "partially_paid", False),
    ],
)
def test_reminder_rules(advisor, team, customer, account, org, hour, hours_left, enabled, status, sent):
    org.reminders_enabled = enabled
    org.save()
    pr = create(advisor, team, customer, channel="sms")
    now = _at_local(org, hour)
    PaymentRequest.objects.filter(pk=pr.pk).update(
        expires_at=now + timedelta(hours=hours_left), status=status
    )
    assert payment_request_remind(payment_request_id=pr.pk, now=now) is sent
    assert OutboundMessage.objects.filter(purpose="payment_reminder").exists() is sent


@pytest.mark.django_db
def test_reminder_task_uses_the_organization_hours(advisor, team, customer, account, org, monkeypatch):
    org.reminder_hours_before_expiry = 6
    org.save()
    pr = create(advisor, team, customer, channel="email")
    now = _at_local(org, 12)
    monkeypatch.setattr("payments.requests.tasks.timezone.now", lambda: now)
    PaymentRequest.objects.filter(pk=pr.pk).update(expires_at=now + timedelta(hours=5, minutes=59))
    assert send_payment_reminders_task() == 1
    assert send_payment_reminders_task() == 0
