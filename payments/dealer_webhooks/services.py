"""Admin tab -> Developers: endpoints (create, change, delete, rotate the secret), resend a
delivery, send a test event. Every function checks `can_manage_webhooks` and the organization."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError, PermissionDenied
from organizations.permissions import can_manage_webhooks
from payments.dealer_webhooks.delivery import address_refusal
from payments.dealer_webhooks.events import TEST_EVENT_TYPE, EventType, deliveries_queue, outbound_event_emit
from payments.models import WebhookDelivery, WebhookEndpoint
from payments.models.dealer_webhooks import new_signing_secret

ROTATION_OVERLAP = dt.timedelta(hours=24)  # the old secret still signs (and verifies) this long
MAX_ENDPOINTS = 16


def _check(user) -> None:
    if not can_manage_webhooks(user):
        raise PermissionDenied("Only an Admin manages webhook endpoints.")


def _field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={"fields": {field: [message]}})


def _validated(*, url: str, event_types: list[str]) -> tuple[str, list[str]]:
    url = (url or "").strip()
    if not url:
        raise _field_error("url", "Give the URL of your receiver.")
    if len(url) > 2000:
        raise _field_error("url", "The URL must be at most 2000 characters.")
    refusal = address_refusal(url)
    if refusal:
        raise _field_error("url", refusal)
    unknown = sorted(set(event_types) - set(EventType.values))
    if unknown:
        raise _field_error("event_types", f"Unknown event type: {', '.join(unknown)}.")
    if not event_types:
        raise _field_error("event_types", "Pick at least one event type.")
    return url, [value for value in EventType.values if value in event_types]  # stable order


@transaction.atomic
def webhook_endpoint_create(
    *, user, url: str, event_types: list[str], description: str = ""
) -> WebhookEndpoint:
    _check(user)
    url, event_types = _validated(url=url, event_types=event_types)
    if WebhookEndpoint.objects.filter(organization_id=user.organization_id).count() >= MAX_ENDPOINTS:
        raise _field_error("url", f"An organization has at most {MAX_ENDPOINTS} endpoints.")
    return WebhookEndpoint.objects.create(
        organization_id=user.organization_id,
        url=url,
        event_types=event_types,
        description=(description or "").strip()[:200],
        created_by=user,
    )


@transaction.atomic
def webhook_endpoint_update(
    *, user, endpoint: WebhookEndpoint, url: str, event_types: list[str], description: str, enabled: bool
) -> WebhookEndpoint:
    _check(user)
    endpoint = WebhookEndpoint.objects.select_for_update().get(
        pk=endpoint.pk, organization_id=user.organization_id
    )
    endpoint.url, endpoint.event_types = _validated(url=url, event_types=event_types)
    endpoint.description = (description or "").strip()[:200]
    if enabled and not endpoint.enabled:  # switched back on: a fresh start
        endpoint.disabled_at, endpoint.disabled_reason, endpoint.failing_since = None, "", None
    endpoint.enabled = enabled
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, user, endpoint: WebhookEndpoint) -> None:
    _check(user)
    WebhookEndpoint.objects.filter(pk=endpoint.pk, organization_id=user.organization_id).delete()


@transaction.atomic
def webhook_endpoint_secret_rotate(*, user, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret now; the old one keeps signing for 24 h (both signatures are sent)."""
    _check(user)
    endpoint = WebhookEndpoint.objects.select_for_update().get(
        pk=endpoint.pk, organization_id=user.organization_id
    )
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
    endpoint.secret = new_signing_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    return endpoint


@transaction.atomic
def webhook_delivery_resend(*, user, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the same event (same id) to the same endpoint again, now, with a fresh 3 days."""
    _check(user)
    if delivery.organization_id != user.organization_id:
        raise PermissionDenied("Not your organization's delivery.")
    if not delivery.endpoint.enabled:
        raise ApplicationError("Enable the endpoint before resending to it.")
    again = WebhookDelivery.objects.create(
        organization_id=delivery.organization_id, endpoint=delivery.endpoint, event=delivery.event
    )
    deliveries_queue([again])
    return again


def webhook_endpoint_test_send(*, user, endpoint: WebhookEndpoint):
    """A `webhook_endpoint.test` event to this endpoint only, signed like any other."""
    _check(user)
    if endpoint.organization_id != user.organization_id:
        raise PermissionDenied("Not your organization's endpoint.")
    return outbound_event_emit(
        organization_id=endpoint.organization_id,
        type=TEST_EVENT_TYPE,
        object_type="webhook_endpoint",
        object_id=endpoint.pk,
        data={"id": endpoint.pk, "url": endpoint.url, "message": "A test event from TextPay."},
        endpoints=[endpoint],
    )
