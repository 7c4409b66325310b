"""Sending one delivery: claim it, POST the signed event, record the attempt, schedule the retry.

An attempt first takes a lease (`locked_until`) in its own transaction, then POSTs outside any
transaction, then records the result. A worker killed mid-POST leaves the lease behind; once it
expires the sweep (every minute) queues the delivery again, so the event arrives later. The
receiver may then see the same event id twice (it answers and we never heard): that is why events
carry an id and a per-object sequence. A delivery that succeeded is never sent again, except by an
Admin's "Resend" (a new delivery of the same event, same id).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from payments.dealer_webhooks.events import deliveries_queue, event_body
from payments.dealer_webhooks.schedule import RETRY_WINDOW, retry_at
from payments.dealer_webhooks.signing import HEADER, signature_header
from payments.dealer_webhooks.transport import AddressRefused, target_resolve, webhook_post
from payments.models import WebhookDelivery, WebhookDeliveryAttempt, WebhookEndpoint

logger = logging.getLogger(__name__)

USER_AGENT = "TextPay-Webhooks/1.0 (+https://textpay.example/docs/webhooks)"
RESPONSE_KEPT = 1000  # characters of the receiver's answer kept in the log


def endpoint_signing_secrets(endpoint: WebhookEndpoint, *, now: dt.datetime) -> list[str]:
    """The current secret, then the previous one while its 24 h after a rotation last."""
    valid = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_expires_at
        and endpoint.previous_secret_expires_at > now
    ):
        valid.append(endpoint.previous_secret)
    return valid


def address_refusal(url: str) -> str:
    """Why we won't POST to this URL ('' when fine): outside development only public HTTPS
    addresses (transport.py; checked again, and connected to, at every attempt)."""
    try:
        target_resolve(url)
    except AddressRefused as exc:
        return str(exc)
    return ""


def _claim(*, delivery_id: int, now: dt.datetime) -> WebhookDelivery | None:
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint", "event")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status in (
            WebhookDelivery.Status.SUCCEEDED,
            WebhookDelivery.Status.FAILED,
            WebhookDelivery.Status.CANCELLED,
        ):
            return None
        if delivery.locked_until and delivery.locked_until > now:
            return None  # another worker's attempt is in flight
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None  # not due yet (queued twice)
        if not delivery.endpoint.enabled:
            delivery.status = WebhookDelivery.Status.CANCELLED
            delivery.save(update_fields=["status"])
            return None
        delivery.attempts += 1
        delivery.first_attempt_at = delivery.first_attempt_at or now
        delivery.last_attempt_at = now
        delivery.locked_until = now + dt.timedelta(seconds=settings.OUTBOUND_WEBHOOK_LEASE_SECONDS)
        delivery.save(update_fields=["attempts", "first_attempt_at", "last_attempt_at", "locked_until"])
        return delivery


def _post(delivery: WebhookDelivery, *, now: dt.datetime) -> dict:
    body = json.dumps(event_body(delivery.event), separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        HEADER: signature_header(
            secrets=endpoint_signing_secrets(delivery.endpoint, now=now),
            timestamp=int(time.time()),
            body=body,
        ),
        "TextPay-Event-Id": delivery.event.public_id,
        "TextPay-Event-Type": delivery.event.type,
    }
    return webhook_post(
        url=delivery.endpoint.url,
        body=body,
        headers=headers,
        timeout=settings.OUTBOUND_WEBHOOK_TIMEOUT_SECONDS,
    )


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """One attempt of one delivery (the task calls this). Safe to run twice."""
    now = timezone.now()
    delivery = _claim(delivery_id=delivery_id, now=now)
    if delivery is None:
        return None
    result = _post(delivery, now=now)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
        WebhookDeliveryAttempt.objects.create(
            delivery=delivery,
            succeeded=result["succeeded"],
            response_status=result.get("response_status"),
            response_body=result.get("response_body", "")[:RESPONSE_KEPT],
            error=result.get("error", "")[:300],
            duration_ms=result.get("duration_ms", 0),
        )
        delivery.locked_until = None
        finished = timezone.now()
        if result["succeeded"]:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.delivered_at = finished
            delivery.next_attempt_at = None
            WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(failing_since=None)
        else:
            delivery.next_attempt_at = retry_at(
                first_attempt_at=delivery.first_attempt_at,
                last_attempt_at=delivery.last_attempt_at,
                attempts=delivery.attempts,
            )
            delivery.status = (
                WebhookDelivery.Status.RETRYING if delivery.next_attempt_at else WebhookDelivery.Status.FAILED
            )
            _endpoint_failed(endpoint=delivery.endpoint, at=delivery.last_attempt_at, reason=result["error"])
        delivery.save(update_fields=["status", "delivered_at", "next_attempt_at", "locked_until"])
    return delivery


def _endpoint_failed(*, endpoint: WebhookEndpoint, at: dt.datetime, reason: str) -> None:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.failing_since is None:
        endpoint.failing_since = at
        endpoint.save(update_fields=["failing_since"])
    elif endpoint.enabled and at - endpoint.failing_since >= RETRY_WINDOW:
        webhook_endpoint_disable(endpoint=endpoint, reason=f"Failed for 3 days (last error: {reason})")


def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> None:
    """Stop sending to an endpoint that keeps failing, and tell the organization's Admins."""
    from notifications.services import email_send
    from organizations.models import Role, User

    endpoint.enabled = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = reason[:300]
    endpoint.save(update_fields=["enabled", "disabled_at", "disabled_reason"])
    WebhookDelivery.objects.filter(
        endpoint=endpoint, status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING]
    ).update(status=WebhookDelivery.Status.CANCELLED, next_attempt_at=None)
    admins = User.objects.filter(organization_id=endpoint.organization_id, role=Role.ADMIN, is_active=True)
    for admin in admins:
        email_send(
            organization=endpoint.organization,
            to=admin.email,
            subject="TextPay stopped sending webhooks to one of your endpoints",
            body=(
                f"Hello {admin.name},\n\nEvery delivery to {endpoint.url} has failed for 3 days, so TextPay has "
                f"disabled this endpoint.\n{endpoint.disabled_reason}\n\nFix the receiver, then enable the endpoint "
                f"again on Admin tab > Developers ({settings.SITE_URL}/admin-tab/developers/) and resend the "
                "events you missed from its delivery log.\n"
            ),
            purpose="webhook_endpoint_disabled",
        )


def webhook_deliveries_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Queue every delivery that is due: retries whose time has come, and attempts whose worker
    died (lease expired). Runs every minute (beat)."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING],
            endpoint__enabled=True,
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .order_by("next_attempt_at", "pk")[:limit]
    )
    deliveries_queue(due)
    return len(due)
