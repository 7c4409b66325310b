"""In-app notifications of one user."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from notifications.models import Notification


def notification_list(*, user) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(user=user)
        .select_related("payment_request")
        .order_by("-created_at", "-id")
    )


def notification_get(*, user, pk: int) -> Notification:
    """Someone else's notification is a 404."""
    return get_object_or_404(Notification.objects.select_related("payment_request"), user=user, pk=pk)
