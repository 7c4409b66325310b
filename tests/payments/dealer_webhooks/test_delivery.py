"""Outbound webhooks over real HTTP to a receiver started by the test that verifies signatures."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ApplicationError, PermissionDenied
from notifications.models import OutboundMessage
from payments.dealer_webhooks.delivery import webhook_deliveries_sweep
from payments.dealer_webhooks.events import outbound_event_emit
from payments.dealer_webhooks.services import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_test_send,
)
from payments.models import OutboundEvent, WebhookDelivery, WebhookEndpoint
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _emit(org, *, type="payment.succeeded", object_id=7, data=None):
    return outbound_event_emit(
        organization_id=org.pk,
        type=type,
        object_type=type.split(".")[0],
        object_id=object_id,
        data=data or {"id": object_id, "amount_minor": 12550, "customer": "Marie-Ève Tremblay"},
    )


def _due_now(delivery):
    """What the passing of time does: the retry is due (the sweep then queues it)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_an_event_is_delivered_signed_after_commit(
    org, endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = _emit(org)
    assert webhook_receiver.received == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert list(webhook_receiver.accepted) == [event.public_id]
    body = webhook_receiver.accepted[event.public_id]
    assert body["type"] == "payment.succeeded" and body["sequence"] == 1 and body["api_version"] == "v1"
    assert body["data"]["object"]["customer"] == "Marie-Ève Tremblay"
    assert body["created"] == int(event.created_at.timestamp())
    delivery = WebhookDelivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
    [line] = delivery.log.all()
    assert (line.succeeded, line.response_status) == (True, 200)


def test_only_subscribed_enabled_endpoints_of_the_organization_get_the_event(
    org, other_org, endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    other_admin = UserFactory(organization=other_org, role="admin")
    webhook_endpoint_create(user=other_admin, url=webhook_receiver.url, event_types=["payment.succeeded"])
    with django_capture_on_commit_callbacks(execute=True):
        _emit(org, type="payout.paid")  # endpoint did not pick payout.paid
        event = _emit(org)
    assert list(webhook_receiver.accepted) == [event.public_id]  # not the other org's endpoint either
    assert WebhookDelivery.objects.filter(event=event).count() == 1


def test_sequence_counts_the_events_of_one_object(
    org, endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = _emit(org, object_id=7), _emit(org, type="refund.succeeded", object_id=7)
        third, other = _emit(org, object_id=7), _emit(org, object_id=8)
    assert [first.sequence, third.sequence, other.sequence] == [1, 2, 1]
    assert second.sequence == 1  # a refund is another object than the payment with the same id
    assert webhook_receiver.highest_sequence[("payment", 7)] == 2


def test_a_500_is_retried_on_the_schedule_and_then_delivered(
    org, endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook_receiver.fail_next(2, status=500)
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(org)
    delivery = WebhookDelivery.objects.get(event=event)
    assert delivery.status == "retrying" and delivery.attempts == 1
    assert delivery.next_attempt_at - delivery.last_attempt_at == dt.timedelta(minutes=1)
    assert webhook_deliveries_sweep() == 0  # not due yet

    _due_now(delivery)
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_deliveries_sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == "retrying" and delivery.attempts == 2
    assert delivery.next_attempt_at - delivery.last_attempt_at == dt.timedelta(minutes=4)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).failing_since is not None

    _due_now(delivery)
    with django_capture_on_commit_callbacks(execute=True):
        webhook_deliveries_sweep()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempts == 3
    assert [line.response_status for line in delivery.log.order_by("pk")] == [500, 500, 200]
    assert list(webhook_receiver.accepted) == [event.public_id] and webhook_receiver.duplicates == 0
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).failing_since is None  # a success clears it


def test_a_timeout_is_retried(org, endpoint, webhook_receiver, django_capture_on_commit_callbacks):
    webhook_receiver.hang_next(1, seconds=2.5)  # the client gives up after 1 s
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(org)
    delivery = WebhookDelivery.objects.get(event=event)
    [line] = delivery.log.all()
    assert (delivery.status, line.error, line.response_status) == ("retrying", "Timed out", None)
    _due_now(delivery)
    with django_capture_on_commit_callbacks(execute=True):
        webhook_deliveries_sweep()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"


def test_after_rotation_both_secrets_sign_for_24_hours_then_only_the_new_one(
    org, admin_user, endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    old_secret = endpoint.secret
    rotated = webhook_endpoint_secret_rotate(user=admin_user, endpoint=endpoint)
    assert rotated.secret != old_secret and rotated.previous_secret == old_secret
    assert rotated.previous_secret_expires_at - timezone.now() > dt.timedelta(hours=23, minutes=59)

    webhook_receiver.secrets = [old_secret]  # a receiver not yet updated
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(org)
    assert event.public_id in webhook_receiver.accepted
    assert webhook_receiver.received[-1].signature.count("v1=") == 2
    webhook_receiver.secrets = [rotated.secret]  # an updated one
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(org)
    assert event.public_id in webhook_receiver.accepted

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        previous_secret_expires_at=timezone.now()
    )  # 24 h later
    webhook_receiver.secrets = [old_secret]
    with django_capture_on_commit_callbacks(execute=True):
        late = _emit(org)
    assert late.public_id not in webhook_receiver.accepted and webhook_receiver.rejected == 1
    assert webhook_receiver.last_signature.count("v1=") == 1
    assert WebhookDelivery.objects.get(event=late).log.get().response_status == 400


def test_an_endpoint_failing_for_three_days_is_disabled_and_the_admins_are_emailed(
    org, admin_user, endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    second_admin = UserFactory(organization=org, role="admin", email="second-admin@smith.example")
    webhook_receiver.fail_next(10, status=503)
    with django_capture_on_commit_callbacks(execute=True):
        first = _emit(org)
        waiting = _emit(org, object_id=8)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).enabled  # failing, not yet for 3 days
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - dt.timedelta(days=3))
    _due_now(WebhookDelivery.objects.get(event=first))
    with django_capture_on_commit_callbacks(execute=True):
        webhook_deliveries_sweep()  # queues both; the first failure disables, the second is not sent

    endpoint.refresh_from_db()
    assert not endpoint.enabled and "Failed for 3 days" in endpoint.disabled_reason
    assert WebhookDelivery.objects.get(event=waiting).status == "cancelled"
    emails = OutboundMessage.objects.filter(purpose="webhook_endpoint_disabled")
    assert sorted(emails.values_list("to", flat=True)) == sorted([admin_user.email, second_admin.email])
    assert endpoint.url in emails.first().body
    with django_capture_on_commit_callbacks(execute=True):
        _emit(org)
    assert (
        OutboundEvent.objects.count() == 3 and WebhookDelivery.objects.count() == 2
    )  # disabled: no delivery


def test_a_delivery_that_fails_past_three_days_gives_up(
    org, endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook_receiver.fail_next(1, status=500)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = _emit(org)
    started = timezone.now() - dt.timedelta(days=3, seconds=1)
    WebhookDelivery.objects.filter(event=event).update(first_attempt_at=started, attempts=11)
    for callback in callbacks:
        callback()
    delivery = WebhookDelivery.objects.get(event=event)
    assert (delivery.status, delivery.next_attempt_at, delivery.attempts) == ("failed", None, 12)


def test_resend_from_the_log_sends_the_same_event_again(
    org, admin_user, endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(org)
    delivery = WebhookDelivery.objects.get(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        again = webhook_delivery_resend(user=admin_user, delivery=delivery)
    again.refresh_from_db()
    assert again.pk != delivery.pk and again.status == "succeeded"
    assert [r.event["id"] for r in webhook_receiver.received] == [event.public_id, event.public_id]
    assert webhook_receiver.duplicates == 1  # same id: a careful receiver drops it


def test_send_a_test_event(org, admin_user, endpoint, webhook_receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = webhook_endpoint_test_send(user=admin_user, endpoint=endpoint)
    assert webhook_receiver.accepted[event.public_id]["type"] == "webhook_endpoint.test"


def test_only_an_admin_of_the_organization_manages_endpoints(org, other_org, manager, admin_user, endpoint):
    with pytest.raises(PermissionDenied):
        webhook_endpoint_create(
            user=manager, url="https://dms.example.com/hooks", event_types=["payment.succeeded"]
        )
    other_admin = UserFactory(organization=other_org, role="admin")
    with pytest.raises(WebhookEndpoint.DoesNotExist):
        webhook_endpoint_secret_rotate(user=other_admin, endpoint=endpoint)
    with pytest.raises(PermissionDenied):
        webhook_endpoint_test_send(user=other_admin, endpoint=endpoint)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://dms.example.com/hooks", "https://"),
        ("https://127.0.0.1/hooks", "127.0.0.1 is a loopback address; only public addresses"),
        ("https://10.1.2.3/hooks", "10.1.2.3 is a private address"),
        ("https://169.254.169.254/latest", "169.254.169.254 is a link-local address"),
        ("https://[::1]:8443/hooks", r"\[::1\] is a loopback address"),
        ("ftp://dms.example.com/", "https://"),
    ],
)
def test_outside_development_only_public_https_receivers(settings, admin_user, url, message):
    settings.OUTBOUND_WEBHOOKS_ALLOW_INSECURE = False
    with pytest.raises(ApplicationError, match=message) as caught:
        webhook_endpoint_create(user=admin_user, url=url, event_types=["payment.succeeded"])
    assert list(caught.value.extra["fields"]) == ["url"]


def test_unknown_event_types_are_named(admin_user, webhook_receiver):
    with pytest.raises(ApplicationError, match="payment.teleported") as caught:
        webhook_endpoint_create(user=admin_user, url=webhook_receiver.url, event_types=["payment.teleported"])
    assert list(caught.value.extra["fields"]) == ["event_types"]
