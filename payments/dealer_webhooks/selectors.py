"""Reads for Admin tab -> Developers, scoped to the user's organization (another's = 404)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from payments.models import WebhookDelivery, WebhookDeliveryAttempt, WebhookEndpoint

LOG_LENGTH = 50  # deliveries shown per endpoint, newest first


def webhook_endpoint_list(*, user) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organization_id=user.organization_id).order_by("created_at", "pk")


def webhook_endpoint_get(*, user, pk: int) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint, organization_id=user.organization_id, pk=pk)


def webhook_delivery_get(*, user, pk: int) -> WebhookDelivery:
    return get_object_or_404(
        WebhookDelivery.objects.select_related("endpoint", "event"),
        organization_id=user.organization_id,
        pk=pk,
    )


def webhook_delivery_log(*, endpoint: WebhookEndpoint, limit: int = LOG_LENGTH) -> list[WebhookDelivery]:
    return list(
        endpoint.deliveries.select_related("event")
        .prefetch_related(
            Prefetch("log", queryset=WebhookDeliveryAttempt.objects.order_by("-created_at", "-pk"))
        )
        .order_by("-created_at", "-pk")[:limit]
    )
